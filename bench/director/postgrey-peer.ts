/**
 * The greylisting peer of the director bench: Debian's postgrey (the usual Postfix greylisting
 * policy server) in the foreground on a free loopback port, asked through the Postfix policy
 * delegation protocol (name=value lines, an empty line; it answers `action=...`). Fed the same mix
 * of triplets as our benchGreylistDecisions, with auto-whitelisting off on both sides.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { findFreePorts } from '../../main/lab/free-ports.js';
import { ensureSystemRequirements } from '../../test/support/system-packages.js';
import { startForegroundDaemon } from '../support/foreground-daemon.js';

/** A running postgrey. */
export interface PostgreyPeer {
  port: number;
  stop(): Promise<void>;
}

/** Starts postgrey with its database in `dir`. */
export async function startPostgreyPeer(dir: string): Promise<PostgreyPeer> {
  ensureSystemRequirements([
    {
      program: '/usr/sbin/postgrey',
      debianPackage: 'postgrey',
      why: 'the director bench compares greylisting with postgrey',
    },
  ]);
  mkdirSync(dir, { recursive: true });
  // postgrey drops root for its own user and keeps its Berkeley DB in dbdir.
  const uid = Number(execFileSync('id', ['-u', 'postgrey'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgrey'], { encoding: 'utf8' }).trim());
  chownSync(dir, uid, gid);
  const [port] = (await findFreePorts(1)) as [number];
  const daemon = await startForegroundDaemon(
    '/usr/sbin/postgrey',
    [`--inet=127.0.0.1:${port}`, `--dbdir=${dir}`, '--delay=60', '--auto-whitelist-clients=0', '--quiet'],
    port,
    'postgrey',
  );
  return { port, stop: () => daemon.stop() };
}

/** The i-th triplet of the mix (the same shape as benchGreylistDecisions feeds ours). */
function policyRequest(i: number): string {
  const n = i % 20_000;
  return [
    'request=smtpd_access_policy',
    'protocol_state=RCPT',
    'protocol_name=ESMTP',
    `client_address=10.${(n >> 8) & 255}.${n & 255}.${(i >> 4) & 255}`,
    'client_name=unknown',
    `sender=sender${n % 977}@example${n % 13}.org`,
    `recipient=user${n}@univ.example`,
    '',
    '',
  ].join('\n');
}

/** Decisions per second over `connections` policy connections, `decisions` in all. */
export async function postgreyDecisionsPerSecond(
  port: number,
  decisions: number,
  connections: number,
): Promise<{ decisions: number; seconds: number; decisionsPerSecond: number }> {
  let next = 0;
  const started = process.hrtime.bigint();
  const client = () =>
    new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let buffer = '';
      const send = () => {
        if (next >= decisions) {
          socket.end();
          resolve();
          return;
        }
        socket.write(policyRequest(next++));
      };
      socket.setEncoding('latin1');
      socket.on('connect', send);
      socket.on('error', reject);
      socket.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          if (!buffer.startsWith('action=')) reject(new Error(`postgrey answered ${buffer.slice(0, 80)}`));
          buffer = buffer.slice(end + 2);
          send();
          end = buffer.indexOf('\n\n');
        }
      });
    });
  await Promise.all(Array.from({ length: connections }, client));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { decisions, seconds, decisionsPerSecond: decisions / seconds };
}
