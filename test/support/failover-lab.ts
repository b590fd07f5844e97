/**
 * The set-up the console's failover walks share on a console lab (test/support/console-lab.ts):
 * the ring of replicas placed and caught up, and a message for a user delivered through the
 * director's SMTP and read through its IMAP proxy (imapflow) before the walk starts.
 */
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
