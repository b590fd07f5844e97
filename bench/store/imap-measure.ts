/**
 * IMAP figures measured the same way on our store and on Dovecot, with imapflow as the client:
 * the time to FETCH a mailbox of 10,000 messages the way a mail client syncs a folder, and the
 * memory the server spends on idle, logged-in sessions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';

export interface ImapTarget {
  port: number;
  user: string;
  password: string;
}

function client(target: ImapTarget): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port: target.port,
    secure: false,
    auth: { user: target.user, pass: target.password },
    logger: false,
    // Plain IMAP on loopback: the bench measures the server, not TLS.
    doSTARTTLS: false,
  });
}

/** Milliseconds to FETCH (UID FLAGS RFC822.SIZE ENVELOPE BODYSTRUCTURE) every message of INBOX. */
export async function timeFetchAll(target: ImapTarget): Promise<{ ms: number; messages: number }> {
  const imap = client(target);
  await imap.connect();
  try {
    await imap.mailboxOpen('INBOX');
    const start = process.hrtime.bigint();
    let messages = 0;
    for await (const _ of imap.fetch('1:*', {
      uid: true,
      flags: true,
      size: true,
      envelope: true,
      bodyStructure: true,
    })) {
      messages++;
    }
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, messages };
  } finally {
    await imap.logout().catch(() => {});
  }
}

/** Memory of a process tree: proportional and resident set sizes, in bytes. */
export interface TreeMemory {
  pss: number;
  rss: number;
}

/**
 * Memory of a process and all its descendants. PSS is the fair figure for Dovecot, which runs a
 * process per session: it counts pages they share (libraries, the config) once, not once per
 * process; RSS is what `ps` and `top` show an administrator (for one process such as the agent).
 */
export function treeMemoryBytes(pid: number): TreeMemory {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  const total = { pss: 0, rss: 0 };
  const stack = [pid];
  while (stack.length > 0) {
    const current = stack.pop()!;
    try {
      const rollup = readFileSync(`/proc/${current}/smaps_rollup`, 'utf8');
      total.pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) * 1024;
      total.rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) * 1024;
    } catch {
      continue;
    }
    stack.push(...(children.get(current) ?? []));
  }
  return total;
}

/** PSS of a process tree in bytes (see treeMemoryBytes). */
export function treePssBytes(pid: number): number {
  return treeMemoryBytes(pid).pss;
}

/** Opens `count` logged-in sessions with INBOX selected; returns a closer. */
export async function openIdleSessions(target: ImapTarget, count: number): Promise<() => Promise<void>> {
  const sessions: ImapFlow[] = [];
  for (let i = 0; i < count; i++) {
    const imap = client(target);
    await imap.connect();
    await imap.mailboxOpen('INBOX');
    sessions.push(imap);
  }
  return async () => {
    await Promise.all(sessions.map((s) => s.logout().catch(() => {})));
  };
}
