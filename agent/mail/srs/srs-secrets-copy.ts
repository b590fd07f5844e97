/**
 * A gateway's copy of the director's SRS secrets, kept in step over the agents' SSH: the director
 * answers `srs.secrets` to nodes the directory names as gateways (agent/control/srs-methods.ts);
 * the copy is written to the gateway's `srs.secretsFile` (0600, replaced in one step) only when it
 * differs, so a gateway started while no director answers still checks bounces with the copy it
 * has. Before, an administrator copied the file by hand after every change of secret, and a
 * forgotten copy refused the bounces of forwarded mail. The secrets are never logged.
 */
import { readTextIfPresent, replaceFileAtomically } from '../../common/durable-fs.js';

/** What the copy needs. */
export interface SrsSecretsCopyOptions {
  /** The gateway's copy (`gateway.srs.secretsFile`). */
  file: string;
  /** The SRS domain this gateway checks (`gateway.srs.domain`). */
  domain: string;
  /** The director nodes, in the order to ask them. */
  directors: () => Promise<string[]>;
  /** Asks one director for its SRS domain and secrets (rejects when it does not answer). */
  ask: (director: string) => Promise<{ domain: string; secrets: string[] }>;
  log: (level: 'info' | 'warn', message: string, fields: Record<string, unknown>) => void;
}

/**
 * Asks the directors in turn; the first whose SRS domain is this gateway's gives the secrets, and
 * the file is rewritten when they changed. Resolves with them, or undefined when no director gave
 * them (the file stays as it is).
 */
export async function refreshSrsSecretsCopy(options: SrsSecretsCopyOptions): Promise<string[] | undefined> {
  const domain = options.domain.toLowerCase();
  for (const director of await options.directors()) {
    let answer: { domain: string; secrets: string[] };
    try {
      answer = await options.ask(director);
    } catch (error) {
      options.log('warn', 'a director did not give its SRS secrets', {
        director,
        error: error instanceof Error ? error.message : String(error),
      });
      continue;
    }
    if (answer.domain.toLowerCase() !== domain) {
      options.log('warn', "a director's SRS domain is not this gateway's: its secrets are not taken", {
        director,
        directorDomain: answer.domain,
        domain,
      });
      continue;
    }
    const text = `${answer.secrets.join('\n')}\n`;
    if ((await readTextIfPresent(options.file)) !== text) {
      // Written 0600 from the start (durable-fs opens the temporary file with that mode).
      await replaceFileAtomically(options.file, text);
      options.log('info', "the copy of the director's SRS secrets was brought in step", {
        director,
        secrets: answer.secrets.length,
      });
    }
    return answer.secrets;
  }
  return undefined;
}
