/**
 * The redelivery filter (agent/failover/redelivery-filter.ts) on real files: a message the
 * promotion found in an INBOX is recognised when the director sends the same bytes again, once,
 * also after a restart; other bytes, other users and old messages are not.
 */
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedeliveryFilter, sentBytesOf } from '../../../agent/failover/redelivery-filter.js';
import { traceHeaders } from '../../../agent/mail/store/lmtp/trace-headers.js';

let dir: string;
const sent = Buffer.from(
  'Received: from gateway by director01 with ESMTP;\r\n\tMon, 7 Dec 2026 07:00:00 +0000\r\nMessage-ID: <a@test>\r\nSubject: hi\r\n\r\nhello\r\n',
);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailfleet-redelivery-'));
  const inbox = join(dir, 'mail', 'alpha.example', 'r01', 'Maildir');
  await mkdir(join(inbox, 'cur'), { recursive: true });
  await mkdir(join(inbox, 'new'), { recursive: true });
  const stored = (bytes: Buffer) =>
    Buffer.concat([
      traceHeaders({
        sender: 'me@example.org',
        recipient: 'r01@alpha.example',
        clientName: 'director01',
        clientAddress: '127.0.0.1',
        serverName: 'store01',
        id: 'abc',
        at: new Date(),
      }),
      bytes,
    ]);
  await writeFile(join(inbox, 'new', '1.msg'), stored(sent));
  const old = Buffer.from('Message-ID: <old@test>\r\n\r\nold\r\n');
  await writeFile(join(inbox, 'cur', '2.msg:2,S'), stored(old));
  const longAgo = new Date(Date.now() - 3 * 3600_000);
  await utimes(join(inbox, 'cur', '2.msg:2,S'), longAgo, longAgo);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the redelivery filter', () => {
  it('leaves out exactly the trace lines the store wrote', () => {
    const stored = Buffer.concat([
      traceHeaders({
        sender: '',
        recipient: 'x@y.example',
        clientName: 'd',
        clientAddress: '127.0.0.1',
        serverName: 's',
        id: '1',
        at: new Date(),
      }),
      sent,
    ]);
    expect(sentBytesOf(stored).equals(sent)).toBe(true);
    // A message without them is taken as it is.
    expect(sentBytesOf(sent).equals(sent)).toBe(true);
  });

  it('recognises a recent message sent again, once, also after a restart', async () => {
    const filter = new RedeliveryFilter(join(dir, 'data'), () => Date.now());
    await filter.open();
    expect(await filter.noteRecent(join(dir, 'mail'), ['r01@alpha.example'])).toBe(1);
    expect(filter.takeRedelivery('r02@alpha.example', sent)).toBe(false);
    expect(filter.takeRedelivery('r01@alpha.example', Buffer.from('other bytes'))).toBe(false);
    // The old message was not noted.
    expect(
      filter.takeRedelivery('r01@alpha.example', Buffer.from('Message-ID: <old@test>\r\n\r\nold\r\n')),
    ).toBe(false);
    const again = new RedeliveryFilter(join(dir, 'data'), () => Date.now());
    await again.open();
    expect(again.takeRedelivery('R01@alpha.example', sent)).toBe(true);
    expect(again.takeRedelivery('r01@alpha.example', sent)).toBe(false);
  });
});
