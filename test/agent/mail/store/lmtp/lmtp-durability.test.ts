/**
 * Durability of LMTP delivery into Maildir: deliveries run concurrently from several connections
 * while the store process is killed with SIGKILL at random moments. After every kill the store's
 * mailboxes are opened again (crash recovery runs) and checked: every message whose LMTP reply was
 * 250 is there exactly once, with the UID the reply named; no message is there twice; a UID never
 * names two messages within one UIDVALIDITY.
 */
import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaildirStorage } from '../../../../../agent/mail/store/maildir/maildir-storage.js';
import {
  type CompiledMailStore,
  compileMailStoreModules,
  lmtpStoreChild,
  startStoreChild,
} from '../../../../support/compiled-mail-store.js';
import { makeTempDir, removeTempDir } from '../maildir/maildir-test-support.js';

const domain = 'dur.example';
const users = ['u0', 'u1', 'u2'].map((u) => `${u}@${domain}`);
const kills = 22;
const connections = 6;

/** What the replies acknowledged: user -> Message-ID -> UID. */
type Acknowledged = Map<string, Map<string, number>>;

function startChild(compiled: string, mailRoot: string): Promise<{ child: ChildProcess; port: number }> {
  return startStoreChild(lmtpStoreChild, [compiled, mailRoot, domain]);
}

/** One connection delivering messages back to back until the socket dies; records each 250. */
async function deliverUntilKilled(port: number, tag: string, acknowledged: Acknowledged): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  let buffer = '';
  const waiting: ((line: string) => void)[] = [];
  const ready: string[] = [];
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let at = buffer.indexOf('\r\n'); at >= 0; at = buffer.indexOf('\r\n')) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      if (line[3] === '-') continue;
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else ready.push(line);
    }
  });
  const closed = new Promise<never>((_, reject) => socket.once('close', () => reject(new Error('closed'))));
  closed.catch(() => {});
  const reply = (): Promise<string> =>
    Promise.race([
      ready.length > 0 ? Promise.resolve(ready.shift()!) : new Promise<string>((r) => waiting.push(r)),
      closed,
    ]);
  try {
    await reply();
    socket.write('LHLO durability\r\n');
    await reply();
    for (let n = 0; ; n++) {
      const messageId = `${tag}-${n}@durability`;
      // One or two recipients, so mailboxes see concurrent deliveries from several connections.
      const rcpts = [users[n % users.length]!, ...(n % 3 === 0 ? [users[(n + 1) % users.length]!] : [])];
      socket.write(
        `MAIL FROM:<sender@example.org>\r\n${rcpts.map((r) => `RCPT TO:<${r}>\r\n`).join('')}DATA\r\n`,
      );
      for (let i = 0; i < rcpts.length + 2; i++) await reply();
      socket.write(
        `Message-ID: <${messageId}>\r\nSubject: ${messageId}\r\n\r\n${'body text\r\n'.repeat(40)}.\r\n`,
      );
      for (const rcpt of rcpts) {
        const line = await reply();
        const uid = /^250 .*\(uid (\d+)\)/.exec(line)?.[1];
        if (uid) acknowledged.get(rcpt)!.set(messageId, Number(uid));
      }
    }
  } catch {
    // The store was killed: this connection is done.
  } finally {
    socket.destroy();
  }
}

/** Opens the mailboxes as a restarted store would and returns UID -> Message-ID per user, with UIDVALIDITY. */
async function readMailboxes(
  mailRoot: string,
): Promise<Map<string, { uidValidity: number; byUid: Map<number, string> }>> {
  const storage = new MaildirStorage({ root: mailRoot, hostName: 'checker' });
  const result = new Map<string, { uidValidity: number; byUid: Map<number, string> }>();
  try {
    for (const user of users) {
      const view = await (await storage.mailbox(user, 0)).openFolder('INBOX');
      const byUid = new Map<number, string>();
      for (const m of view.messages()) {
        const text = (await view.read(m.uid)).toString('latin1');
        byUid.set(m.uid, /^Message-ID: <([^>]+)>/im.exec(text)?.[1] ?? '?');
      }
      result.set(user, { uidValidity: view.uidValidity, byUid });
      view.close();
    }
  } finally {
    await storage.close();
  }
  return result;
}

describe('LMTP delivery durability under SIGKILL', () => {
  let compiled: CompiledMailStore;
  let mailRoot: string;

  beforeAll(async () => {
    compiled = await compileMailStoreModules();
    mailRoot = await makeTempDir('durability-');
  });
  afterAll(async () => {
    await compiled?.remove();
    await removeTempDir(mailRoot);
  });

  it(`keeps every acknowledged message exactly once with a stable UID across ${kills} kills`, {
    timeout: 120_000,
  }, async () => {
    const acknowledged: Acknowledged = new Map(users.map((u) => [u, new Map()]));
    // UIDVALIDITY -> UID -> Message-ID, over the whole run.
    const uidOwners = new Map<string, Map<number, string>>();
    let totalAcknowledged = 0;
    for (let round = 0; round < kills; round++) {
      const { child, port } = await startChild(compiled.root, mailRoot);
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const clients = Array.from({ length: connections }, (_, c) =>
        deliverUntilKilled(port, `r${round}c${c}`, acknowledged),
      );
      // Kill at a random moment while deliveries are running.
      await new Promise((resolve) => setTimeout(resolve, 80 + Math.random() * 400));
      child.kill('SIGKILL');
      await exited;
      await Promise.all(clients);

      const mailboxes = await readMailboxes(mailRoot);
      for (const user of users) {
        const { uidValidity, byUid } = mailboxes.get(user)!;
        const ids = [...byUid.values()];
        expect(new Set(ids).size, `${user}: a message is there twice`).toBe(ids.length);
        const byId = new Map([...byUid].map(([uid, id]) => [id, uid]));
        for (const [id, uid] of acknowledged.get(user)!) {
          expect(byId.get(id), `${user}: acknowledged ${id} (uid ${uid}) after round ${round}`).toBe(uid);
        }
        const key = `${user}/${uidValidity}`;
        const owners = uidOwners.get(key) ?? new Map<number, string>();
        uidOwners.set(key, owners);
        for (const [uid, id] of byUid) {
          expect(owners.get(uid) ?? id, `${user}: UID ${uid} reused`).toBe(id);
          owners.set(uid, id);
        }
      }
      totalAcknowledged = [...acknowledged.values()].reduce((sum, m) => sum + m.size, 0);
    }
    // One UIDVALIDITY per mailbox for the whole run: recovery never had to renumber.
    expect(uidOwners.size).toBe(users.length);
    expect(totalAcknowledged).toBeGreaterThan(kills * 5);
    process.stdout.write(
      `durability: ${kills} kills, ${totalAcknowledged} acknowledged deliveries checked\n`,
    );
  });
});
