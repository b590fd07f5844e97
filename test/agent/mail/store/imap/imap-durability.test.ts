/**
 * Durability of IMAP changes under SIGKILL, with their mod-sequences (RFC 7162): an IMAP server over
 * Maildir runs in a child process while a client appends, changes flags (UID STORE ... MODSEQ),
 * expunges and renames folders; the child is killed at random moments. After every kill the
 * mailbox is opened again (recovery runs) and checked against what the server acknowledged:
 *
 * - a flag change acknowledged with MODSEQ m is there, with a mod-sequence of at least m; if the
 *   flags differ (the command in flight when the process died went through), the mod-sequence is
 *   above m, so CHANGEDSINCE m reports the message;
 * - an acknowledged expunge is gone; an acknowledged rename is under its new name only;
 * - HIGHESTMODSEQ never goes back below anything acknowledged.
 */
import type { ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaildirStorage } from '../../../../../agent/mail/store/maildir/maildir-storage.js';
import {
  type CompiledMailStore,
  compileMailStoreModules,
  imapStoreChild,
  startStoreChild,
} from '../../../../support/compiled-mail-store.js';
import { makeTempDir, removeTempDir } from '../maildir/maildir-test-support.js';

const user = 'kill@dur.example';
const password = 'durable';
const kills = 15;
const flagChoices = ['\\Seen', '\\Flagged', '\\Answered', '$Done', '$Later'];

/** What the server acknowledged, and the one command in flight when it died. */
interface Acknowledged {
  /** Folder -> UID -> flags and mod-sequence as last acknowledged. */
  flags: Map<string, Map<number, { flags: string[]; modseq: number }>>;
  /** Folder -> UIDs whose expunge was acknowledged. */
  expunged: Map<string, Set<number>>;
  /** Current name of the renamed folder, and the name it had before. */
  renamed: { name: string; previous?: string };
  highestModseq: number;
  /** Flag changes, expunges and renames acknowledged over the whole run. */
  counts: { stores: number; expunges: number; renames: number };
  /** The command in flight when the connection died (its outcome is unknown). */
  pending?: { folder: string; uid?: number; flags?: string[]; rename?: string };
}

function startChild(compiled: string, mailRoot: string): Promise<{ child: ChildProcess; port: number }> {
  return startStoreChild(imapStoreChild, [compiled, mailRoot, password]);
}

/** A sequential IMAP client: one command at a time, resolves with its untagged lines and tagged reply. */
class SequentialClient {
  private buffer = '';
  private waiting: ((line: string) => void) | undefined;
  private readonly lines: string[] = [];
  private tagNumber = 0;
  private dead = false;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let at = this.buffer.indexOf('\r\n'); at >= 0; at = this.buffer.indexOf('\r\n')) {
        this.lines.push(this.buffer.slice(0, at));
        this.buffer = this.buffer.slice(at + 2);
      }
      this.wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.dead = true;
      this.wake();
    });
  }

  static async connect(port: number): Promise<SequentialClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new SequentialClient(socket);
    await client.nextLine();
    return client;
  }

  private wake(): void {
    const waiter = this.waiting;
    this.waiting = undefined;
    waiter?.('');
  }

  private async nextLine(): Promise<string> {
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) return line;
      if (this.dead) throw new Error('connection closed');
      await new Promise((resolve) => {
        this.waiting = resolve;
      });
    }
  }

  async command(text: string): Promise<{ untagged: string[]; tagged: string }> {
    const tag = `d${++this.tagNumber}`;
    this.socket.write(`${tag} ${text}\r\n`);
    const untagged: string[] = [];
    for (;;) {
      const line = await this.nextLine();
      if (line.startsWith(`${tag} `)) return { untagged, tagged: line.slice(tag.length + 1) };
      untagged.push(line);
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

function ok(reply: { tagged: string }, what: string): void {
  if (!reply.tagged.startsWith('OK')) throw new Error(`${what}: ${reply.tagged}`);
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

/** Appends, changes flags, expunges and renames until the connection dies; records every acknowledgement. */
async function workUntilKilled(port: number, round: number, acked: Acknowledged): Promise<void> {
  let client: SequentialClient | undefined;
  try {
    client = await SequentialClient.connect(port);
    ok(await client.command(`LOGIN ${user} ${password}`), 'LOGIN');
    ok(await client.command('ENABLE CONDSTORE'), 'ENABLE');
    for (let n = 0; ; n++) {
      const folder = n % 2 === 0 ? 'INBOX' : acked.renamed.name;
      ok(await client.command(`SELECT "${folder}"`), 'SELECT');
      const body = `Subject: r${round} n${n}\r\n\r\nbody\r\n`;
      acked.pending = { folder };
      const appended = await client.command(`APPEND "${folder}" {${body.length}+}\r\n${body}`);
      ok(appended, 'APPEND');
      const fetched = await client.command('UID FETCH 1:* (FLAGS MODSEQ)');
      const uids = fetched.untagged.map((line) => Number(/UID (\d+)/.exec(line)?.[1])).filter((u) => u > 0);
      for (let k = 0; k < 4 && uids.length > 0; k++) {
        const uid = pick(uids);
        const flags = flagChoices.filter(() => Math.random() < 0.4);
        acked.pending = { folder, uid, flags };
        const stored = await client.command(`UID STORE ${uid} FLAGS (${flags.join(' ')})`);
        ok(stored, 'STORE');
        const line = stored.untagged.find((l) => l.includes(`UID ${uid} `) || l.includes(`UID ${uid})`));
        const modseq = Number(/MODSEQ \((\d+)\)/.exec(line ?? '')?.[1]);
        const folderFlags = acked.flags.get(folder) ?? new Map();
        acked.flags.set(folder, folderFlags);
        folderFlags.set(uid, { flags, modseq });
        acked.highestModseq = Math.max(acked.highestModseq, modseq);
        acked.counts.stores++;
      }
      if (uids.length > 3) {
        const uid = pick(uids);
        acked.pending = {
          folder,
          uid,
          flags: [...(acked.flags.get(folder)?.get(uid)?.flags ?? []), '\\Deleted'],
        };
        ok(await client.command(`UID STORE ${uid} +FLAGS.SILENT (\\Deleted)`), 'STORE \\Deleted');
        const expunged = await client.command(`UID EXPUNGE ${uid}`);
        ok(expunged, 'UID EXPUNGE');
        acked.flags.get(folder)?.delete(uid);
        const gone = acked.expunged.get(folder) ?? new Set();
        acked.expunged.set(folder, gone);
        gone.add(uid);
        acked.counts.expunges++;
      }
      if (n % 5 === 4) {
        ok(await client.command('UNSELECT'), 'UNSELECT');
        const next = `Project.r${round}n${n}`;
        acked.pending = { folder: acked.renamed.name, rename: next };
        ok(await client.command(`RENAME "${acked.renamed.name}" "${next}"`), 'RENAME');
        // Renamed with its messages, UIDs and mod-sequences.
        for (const map of [acked.flags, acked.expunged] as Map<string, unknown>[]) {
          const value = map.get(acked.renamed.name);
          map.delete(acked.renamed.name);
          if (value !== undefined) map.set(next, value);
        }
        acked.renamed = { name: next, previous: acked.renamed.name };
        acked.counts.renames++;
      }
      acked.pending = undefined;
    }
  } catch {
    // The server was killed: this round is over.
  } finally {
    client?.close();
  }
}

/** Opens the mailbox as a restarted store would and checks it against what was acknowledged. */
async function check(mailRoot: string, acked: Acknowledged, round: number): Promise<void> {
  const storage = new MaildirStorage({ root: mailRoot, hostName: 'checker' });
  try {
    const mailbox = await storage.mailbox(user, 0);
    const names = (await mailbox.listFolders()).map((f) => f.name);
    const pendingRename = acked.pending?.rename;
    const renamedName = names.includes(acked.renamed.name) ? acked.renamed.name : pendingRename;
    expect(renamedName && names.includes(renamedName), `round ${round}: renamed folder present`).toBe(true);
    if (pendingRename === undefined && acked.renamed.previous !== undefined)
      expect(names, `round ${round}: old name gone`).not.toContain(acked.renamed.previous);
    for (const [ackedFolder, byUid] of acked.flags) {
      const folder = ackedFolder === acked.renamed.name ? renamedName! : ackedFolder;
      const view = await mailbox.openFolder(folder);
      const status = await mailbox.folderStatus(folder);
      expect(status.highestModseq, `round ${round}: HIGHESTMODSEQ of ${folder}`).toBeGreaterThanOrEqual(
        Math.max(0, ...[...byUid.values()].map((v) => v.modseq)),
      );
      const present = new Map(view.messages().map((m) => [m.uid, m]));
      for (const [uid, expected] of byUid) {
        const message = present.get(uid);
        const inFlight = acked.pending?.folder === ackedFolder && acked.pending.uid === uid;
        if (!message) {
          // Only the expunge in flight may have taken it.
          expect(inFlight, `round ${round}: ${folder} UID ${uid} lost`).toBe(true);
          continue;
        }
        const flags = [...message.flags].sort();
        expect(
          message.modseq,
          `round ${round}: ${folder} UID ${uid} mod-sequence went back`,
        ).toBeGreaterThanOrEqual(expected.modseq);
        if (flags.join(' ') !== [...expected.flags].sort().join(' ')) {
          expect(inFlight, `round ${round}: ${folder} UID ${uid} flags ${flags} not acknowledged`).toBe(true);
          expect(flags.join(' ')).toBe([...(acked.pending?.flags ?? [])].sort().join(' '));
          // A change that went through is reported by CHANGEDSINCE the acknowledged mod-sequence.
          expect(
            message.modseq,
            `round ${round}: ${folder} UID ${uid} changed without a new mod-sequence`,
          ).toBeGreaterThan(expected.modseq);
        }
      }
      for (const uid of acked.expunged.get(ackedFolder) ?? []) {
        expect(present.has(uid), `round ${round}: ${folder} UID ${uid} expunged but back`).toBe(false);
      }
      view.close();
    }
    // Whatever was in flight has either happened or not: from now on the acknowledged state is the truth.
    if (pendingRename && names.includes(pendingRename) && !names.includes(acked.renamed.name)) {
      for (const map of [acked.flags, acked.expunged] as Map<string, unknown>[]) {
        const value = map.get(acked.renamed.name);
        map.delete(acked.renamed.name);
        if (value !== undefined) map.set(pendingRename, value);
      }
      acked.renamed = { name: pendingRename, previous: acked.renamed.name };
    }
    const pending = acked.pending;
    if (pending?.uid !== undefined) {
      const folder = pending.folder === acked.renamed.name ? acked.renamed.name : pending.folder;
      const view = await mailbox.openFolder(folder);
      const message = view.messages().find((m) => m.uid === pending.uid);
      if (message)
        acked.flags
          .get(pending.folder)
          ?.set(pending.uid, { flags: [...message.flags], modseq: message.modseq });
      else acked.flags.get(pending.folder)?.delete(pending.uid);
      view.close();
    }
    acked.pending = undefined;
  } finally {
    await storage.close();
  }
}

describe('IMAP changes under SIGKILL: flags, expunges, renames and their mod-sequences', () => {
  let compiled: CompiledMailStore;
  let mailRoot: string;

  beforeAll(async () => {
    compiled = await compileMailStoreModules();
    mailRoot = await makeTempDir('imap-durability-');
  }, 120_000);
  afterAll(async () => {
    await compiled?.remove();
    await removeTempDir(mailRoot);
  });

  it(`keeps every acknowledged change across ${kills} kills`, { timeout: 180_000 }, async () => {
    const acked: Acknowledged = {
      flags: new Map(),
      expunged: new Map(),
      renamed: { name: 'Project.start' },
      highestModseq: 0,
      counts: { stores: 0, expunges: 0, renames: 0 },
    };
    // The folder that gets renamed exists before the first round.
    {
      const { child, port } = await startChild(compiled.root, mailRoot);
      const client = await SequentialClient.connect(port);
      ok(await client.command(`LOGIN ${user} ${password}`), 'LOGIN');
      ok(await client.command('CREATE Project.start'), 'CREATE');
      client.close();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    for (let round = 0; round < kills; round++) {
      const { child, port } = await startChild(compiled.root, mailRoot);
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const work = workUntilKilled(port, round, acked);
      await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 450));
      child.kill('SIGKILL');
      await exited;
      await work;
      await check(mailRoot, acked, round);
    }
    expect(acked.counts.stores).toBeGreaterThan(kills);
    expect(acked.counts.expunges).toBeGreaterThan(0);
    expect(acked.counts.renames).toBeGreaterThan(0);
    process.stdout.write(
      `imap durability: ${kills} kills, ${JSON.stringify(acked.counts)} acknowledged and checked\n`,
    );
  });
});
