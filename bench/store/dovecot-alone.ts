/**
 * The store bench's standalone peer figure: Debian's Dovecot delivering by LMTP with
 * `mail_fsync = always` into Maildirs, loaded by Postfix's `smtp-source -L` (C): one smtp-source per
 * recipient, each one session sending its share of the messages back to back on one connection, so
 * as many connections as the bench's own LMTP load opens, each to its own mailbox. smtp-source waits
 * for the reply to each message's final dot, so when every process has exited every message was
 * acknowledged; the Maildirs are counted afterwards to be sure. Printed beside our LMTP rate with the
 * ratio ours / Dovecot alone.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { msSince, round } from '../stats.js';
import { runSmtpSource } from '../support/smtp-source.js';
import { startDovecotPeer } from './dovecot-peer.js';

/** What the standalone run measured. */
export interface DovecotAloneFigures {
  dovecotAlone: { messages: number; connections: number; seconds: number; deliveriesPerSecond: number };
  /** Our LMTP delivery rate / Dovecot alone's (above 1.0 = mailfleet faster). */
  deliveryRatioToDovecotAlone: number;
}

/**
 * Starts Dovecot in `dir` for `users`, delivers `messages` 4 KB messages spread over them, stops it,
 * and compares with `ours` (our LMTP deliveries per second).
 */
export async function measureDovecotAlone(
  dir: string,
  users: { address: string; password: string }[],
  ours: number,
  say: (line: string) => void,
  messages = 4000,
): Promise<DovecotAloneFigures> {
  const dovecot = await startDovecotPeer(dir, users, { mailFsync: 'always' });
  try {
    const perUser = Math.ceil(messages / users.length);
    const started = process.hrtime.bigint();
    await Promise.all(
      users.map((user) =>
        runSmtpSource({
          port: dovecot.lmtpPort,
          lmtp: true,
          sessions: 1,
          messages: perUser,
          // smtp-source adds four header lines (about 120 bytes) in front: about 4 KB in all.
          payloadBytes: 3968,
          reuseConnections: true,
          recipient: user.address,
          numberRecipients: false,
          sender: 'sender@bench.example',
          heloName: 'load.bench',
        }),
      ),
    );
    const seconds = msSince(started) / 1000;
    const sent = perUser * users.length;
    const stored = await countDelivered(join(dir, 'mail'), users);
    if (stored !== sent) throw new Error(`Dovecot alone stored ${stored} of ${sent} messages`);
    const perSecond = sent / seconds;
    const ratio = ours / perSecond;
    say(
      `Dovecot alone (mail_fsync = always, smtp-source -L, ${users.length} connections): LMTP ${sent} x 4 KB: ` +
        `${round(perSecond, 0)} messages/s; ours/that ${round(ratio, 2)}`,
    );
    return {
      dovecotAlone: {
        messages: sent,
        connections: users.length,
        seconds: round(seconds, 2),
        deliveriesPerSecond: round(perSecond, 0),
      },
      deliveryRatioToDovecotAlone: round(ratio, 2),
    };
  } finally {
    await dovecot.stop();
  }
}

/** Messages in the users' Maildirs (new/ and cur/), laid out as dovecot-peer.ts sets mail_location. */
async function countDelivered(mailRoot: string, users: { address: string }[]): Promise<number> {
  let count = 0;
  for (const { address } of users) {
    const [local, domain] = address.split('@') as [string, string];
    for (const sub of ['new', 'cur']) {
      const names = await readdir(join(mailRoot, domain, local, 'Maildir', sub)).catch(() => []);
      count += names.length;
    }
  }
  return count;
}
