/**
 * Postfix's `smtp-source` (Debian package postfix) as the load of a bench: a C client that runs
 * `-s` sessions in parallel and sends `-m` messages of `-l` payload bytes in all, one recipient each,
 * waiting for every reply (it does not pipeline). `-d` keeps each session's connection for its next
 * message; without it every message opens a new connection. `-N` puts a sequence number in front of
 * the recipient's local part (1user@, 2user@, ... counted over the whole run), so a run of N
 * messages asks the relay about N different recipients; without it every message goes to `-t`.
 * Any reply other than the expected one ends it with an error (no `-A`), so a finished run means
 * every message was accepted.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureSystemRequirements } from '../../test/support/system-packages.js';

const run = promisify(execFile);

/** One smtp-source run. */
export interface SmtpSourceRun {
  port: number;
  /** Speak LMTP (`-L`) instead of SMTP. */
  lmtp?: boolean;
  sessions: number;
  messages: number;
  /** Payload bytes after smtp-source's own header lines (From, To, Date, Message-Id). */
  payloadBytes: number;
  reuseConnections: boolean;
  /** `-t`: the recipient, or with `numberRecipients` the address the sequence number is put in front of. */
  recipient: string;
  numberRecipients: boolean;
  sender: string;
  /** HELO/LHLO name (`-M`). */
  heloName: string;
}

/** Runs smtp-source to the end; throws with its error output when it did not send everything. */
export async function runSmtpSource(options: SmtpSourceRun): Promise<void> {
  ensureSystemRequirements([
    {
      program: '/usr/sbin/smtp-source',
      debianPackage: 'postfix',
      why: "the benches' load is Postfix's smtp-source",
    },
  ]);
  const args = [
    ...(options.lmtp ? ['-L'] : []),
    ...(options.reuseConnections ? ['-d'] : []),
    ...(options.numberRecipients ? ['-N'] : []),
    '-s',
    String(options.sessions),
    '-m',
    String(options.messages),
    '-l',
    String(options.payloadBytes),
    '-f',
    options.sender,
    '-t',
    options.recipient,
    '-M',
    options.heloName,
    `127.0.0.1:${options.port}`,
  ];
  try {
    await run('/usr/sbin/smtp-source', args, { timeout: 600_000 });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(
      `smtp-source ${args.join(' ')} failed: ${stderr || stdout || (error as Error).message}`.trim(),
    );
  }
}
