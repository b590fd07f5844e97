/**
 * The set-up the console's failover walks share (test/renderer/failover-view.test.ts,
 * switch-to-spare-view.test.ts) on a console lab (test/support/console-lab.ts): the helpdesk
 * admin's console beside the system admin's, the ring of replicas placed and caught up, and a
 * message for a user of store01 delivered through the director's SMTP and read through its IMAP
 * proxy (imapflow) before the walk starts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LabUserLine, parseLabUsers } from '../../main/lab/lab-people.js';
import { type ConsoleLab, startConsoleLab } from './console-lab.js';
import { type ConsoleProcess, startConsoleProcess } from './console-process.js';
import { labInboxSubjects } from './lab-imap-login.js';
import { runMailfleet } from './lab-process.js';
import { labSmtpTransport } from './lab-smtp.js';

/** Places the ring of replicas (`mailfleet replicas ring`) and waits until every store is protected. */
export async function placeReplicaRing(home: string): Promise<void> {
  const placed = await runMailfleet(home, 'replicas', 'ring');
  if (placed.code !== 0) throw new Error(`replicas ring failed: ${placed.stderr}`);
  for (let tries = 0; ; tries++) {
    const rows = JSON.parse((await runMailfleet(home, 'replicas', '--json')).stdout) as Array<{
      state: string;
    }>;
    if (rows.every((r) => r.state === 'protected')) return;
    if (tries > 120) throw new Error('the replicas never caught up');
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Sends a message with `subject` to `user` through director01 and waits until the proxy shows it. */
export async function deliverThroughProxy(
  home: string,
  user: { address: string; password: string },
  subject: string,
): Promise<void> {
  const transport = await labSmtpTransport(home, 'director01', '127.0.0.1');
  await transport.sendMail({
    envelope: { from: 'lab@outside.example', to: [user.address] },
    raw: `From: lab@outside.example\r\nTo: ${user.address}\r\nSubject: ${subject}\r\n\r\nbody\r\n`,
  });
  transport.close();
  for (
    let tries = 0;
    !(await labInboxSubjects(home, user.address, user.password)).includes(subject);
    tries++
  ) {
    if (tries > 300) throw new Error(`the mail for ${user.address} never arrived`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A console lab for the failover walks: the system admin's page, the helpdesk admin's console, a user of store01. */
export interface FailoverLab {
  consoleLab: ConsoleLab;
  /** The console of the lab's helpdesk admin (no failover buttons for that tier). */
  helpdeskConsole: ConsoleProcess;
  /** A user of store01, with a message `subject` delivered and read through the proxy. */
  user: LabUserLine;
  stop(): Promise<void>;
}

/**
 * Three stores, a spare, the director, the directory (`--users 30 --domains 2`), the console of
 * the system admin (`startConsoleLab`) and of the helpdesk admin, the ring of replicas protected,
 * and `subject` delivered to a user of store01.
 */
export async function startFailoverLab(name: string, subject: string): Promise<FailoverLab> {
  const consoleLab = await startConsoleLab({
    name,
    labFlags: ['--stores', '3', '--spares', '1', '--users', '30', '--domains', '2'],
    viewport: { width: 1400, height: 1100 },
  });
  let helpdeskConsole: ConsoleProcess | undefined;
  const stop = async () => {
    await helpdeskConsole?.stop();
    await consoleLab.stop();
  };
  try {
    helpdeskConsole = await startConsoleProcess(join(consoleLab.home, 'fleet-labhelpdesk.json'), 30_000, {
      settingsFile: join(consoleLab.home, 'console-helpdesk.json'),
    });
    const user = parseLabUsers(await readFile(join(consoleLab.home, 'lab-users.csv'), 'utf8')).find(
      (u) => u.store === 'store01',
    );
    if (!user) throw new Error('the lab has no user on store01');
    await placeReplicaRing(consoleLab.home);
    await deliverThroughProxy(consoleLab.home, user, subject);
    return { consoleLab, helpdeskConsole, user, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
