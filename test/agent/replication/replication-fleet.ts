/**
 * A fleet of real `mailfleet-agent` processes for the replication tests: the embedded directory
 * (in the test process), store01 (serves logical store store01, whose replica the directory
 * places on store02), store02 (holds that replica), store03 (a store node that holds none: the
 * intruder of the refusal test) and director01 (SMTP routing, queue, IMAP proxy). Every port is
 * fixed when the fleet is made, so a node killed with SIGKILL and started again listens where it
 * did. Users `r01@alpha.example`... live on store01.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoreReplication } from '../../../agent/common/contract/node-metrics.js';
import type { LdapFleetDirectory } from '../../../agent/common/directory/ldap-fleet-directory.js';
import { logicalStoreEntry, mailUserEntry } from '../../../agent/common/directory/seed-entries.js';
import { connectRpc, type RpcConnection } from '../../../agent/common/rpc/connect-rpc.js';
import { type NodePorts, startAgentProcessFleet } from '../../support/agent-process-fleet.js';
import { sendTestMessage } from '../../support/agent-processes.js';
import type { AgentTestDirectory } from '../../support/agent-test-directory.js';
import type { CompiledAgent } from '../../support/compiled-agent.js';
import { storeSeedEntries } from '../../support/store-seed.js';

export type ReplicationNode = 'store01' | 'store02' | 'store03' | 'director01' | 'spare01';

/** What a fleet runs besides the four nodes. */
export interface ReplicationFleetOptions {
  /** A spare node, `spare01` (the failover tests build the new replica there). */
  spare?: boolean;
  /** Agent settings of failover on the store nodes (docs/failover.md). */
  failover?: { leaseMs?: number; stepPauseMs?: number; autoAfterSeconds?: number };
}

/** The users of the tests, and their password. */
export const replUser = (i: number) => `r${String(i).padStart(2, '0')}@alpha.example`;
export const replPassword = 'repl-pw';

/** The running fleet. */
export interface ReplicationFleet {
  directory: AgentTestDirectory;
  /** Bound as the system admin. */
  writer: LdapFleetDirectory;
  ports: Record<ReplicationNode, NodePorts>;
  dataDir(node: ReplicationNode): string;
  /** A new RPC connection as the system admin (the caller closes it). */
  rpc(node: ReplicationNode): Promise<RpcConnection>;
  /** A new SSH connection as a peer: the node's own host key, as its agent would connect. */
  asPeer(from: ReplicationNode, to: ReplicationNode): Promise<RpcConnection>;
  kill(node: ReplicationNode): Promise<void>;
  start(node: ReplicationNode): Promise<void>;
  /** Sends a signal to a node's agent process (SIGSTOP, SIGCONT). */
  signal(node: ReplicationNode, signal: NodeJS.Signals): void;
  /** Sends one message through the director; true when it answered 250 (queued there). */
  send(to: string, messageId: string): Promise<boolean>;
  /** Delivers one message by LMTP straight to store01, as the director does; true at its 250. */
  deliver(to: string, messageId: string): Promise<boolean>;
  /** store01's replication of logical store store01, as replication.status says. */
  stream(): Promise<StoreReplication>;
  /** A user's Maildir on the primary (store01). */
  primaryMaildir(user: string): string;
  /** The copy of a user's Maildir that store02 holds. */
  replicaMaildir(user: string): string;
  /** Message-IDs store02 holds for a user: its copy of the Maildir and its spool of deliveries. */
  replicaHolds(user: string): Promise<string[]>;
  /** A running node's log lines about replication. */
  replicationLog(node: ReplicationNode): Array<Record<string, unknown>>;
  /** A running node's log lines of one module (`failover`, `moves`...). */
  moduleLog(node: ReplicationNode, module: string): Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Starts the directory (with `users` users on store01) and the four (with the spare, five) agent processes. */
export async function startReplicationFleet(
  compiled: CompiledAgent,
  users: number,
  options: ReplicationFleetOptions = {},
): Promise<ReplicationFleet> {
  const fleet = await startAgentProcessFleet<ReplicationNode>(compiled, {
    nodes: [
      { name: 'store01', role: 'store' },
      { name: 'store02', role: 'store' },
      { name: 'store03', role: 'store' },
      ...(options.spare ? [{ name: 'spare01', role: 'spare' } as const] : []),
      { name: 'director01', role: 'director' },
    ],
    extraEntries: (tree) => [
      // The seed's domains and users, with this fleet's placement of store01's replica.
      ...storeSeedEntries(tree).filter((entry) => !entry.dn.endsWith(`ou=stores,${tree.baseDn}`)),
      logicalStoreEntry(tree, { name: 'store01', servedBy: 'store01', replicaNode: 'store02' }),
      logicalStoreEntry(tree, { name: 'store02', servedBy: 'store02' }),
      logicalStoreEntry(tree, { name: 'store03', servedBy: 'store03' }),
      ...Array.from({ length: users }, (_, i) =>
        mailUserEntry(tree, {
          mail: replUser(i + 1),
          displayName: `Replication ${i + 1}`,
          mailHost: 'store01',
          password: replPassword,
          quotaBytes: 100_000_000,
        }),
      ),
    ],
    mailNodeSettings: {
      // A dead replica is noticed at the first delivery that waits this long; a journal of 200
      // changes makes a replica away for more need a full resync (the last test).
      replication: { ackTimeoutMs: 2000, maxJournalRecords: 200 },
      ...(options.failover ? { failover: options.failover } : {}),
    },
  });
  const { directory, writer, ports, dataDir, rpc, agents, pinnedHostKeys: pinned } = fleet;
  const userPath = (user: string) => {
    const [local, domain] = user.split('@');
    return join(domain!, local!, 'Maildir');
  };
  return {
    directory,
    writer,
    ports,
    dataDir,
    rpc,
    asPeer: async (from, to) => {
      const privateKey = await readFile(join(dataDir(from), 'ssh_host_ed25519_key'), 'utf8');
      // A node enrolled moments ago: the other agent reads the keys again within 10 s.
      for (let attempt = 0; ; attempt++) {
        try {
          return await connectRpc({
            host: '127.0.0.1',
            port: ports[to].control!,
            username: from,
            privateKey,
            pinnedHostKeys: await pinned(to),
            readyTimeoutMs: 5000,
          });
        } catch (error) {
          if (attempt > 15 || !/authentication methods failed/.test(String(error))) throw error;
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    },
    kill: agents.kill,
    start: agents.start,
    signal: (node, signal) => {
      const child = agents.child(node);
      if (!child) throw new Error(`${node} is not running`);
      child.child.kill(signal);
    },
    send: (to, messageId) =>
      sendTestMessage({ port: ports.director01.smtp!, to, messageId, body: `replicated ${messageId}` }),
    deliver: (to, messageId) =>
      sendTestMessage({
        port: ports.store01.lmtp!,
        lmtp: true,
        to,
        messageId,
        body: `replicated ${messageId}`,
      }),
    stream: async () => {
      const connection = await rpc('store01');
      try {
        const { streams } = await connection.client.call('replication.status', {});
        const stream = streams.find((s) => s.store === 'store01');
        if (!stream) throw new Error('store01 reports no stream for store01');
        return stream;
      } finally {
        connection.close();
      }
    },
    primaryMaildir: (user) => join(dataDir('store01'), 'mail', userPath(user)),
    replicaMaildir: (user) =>
      join(dataDir('store02'), 'mail', '.mailfleet-replicas', 'store01', userPath(user)),
    replicaHolds: async (user) => {
      const spool = join(dataDir('store02'), 'replication', 'replicas', 'store01.spool');
      const ids = await maildirMessageIds(
        join(dataDir('store02'), 'mail', '.mailfleet-replicas', 'store01', userPath(user)),
      );
      for (const file of await readdir(spool).catch(() => [] as string[])) {
        const text = await readFile(join(spool, file), 'utf8').catch(() => '');
        const header = text.slice(0, text.indexOf('\n'));
        const id = /^Message-ID:\s*<([^>]+)>/im.exec(text)?.[1];
        if (id && header.includes(`"user":"${user}"`)) ids.push(id);
      }
      return ids;
    },
    replicationLog: (node) =>
      (agents.child(node)?.logs ?? []).filter((line) => line.module === 'replication'),
    moduleLog: (node, module) => (agents.child(node)?.logs ?? []).filter((line) => line.module === module),
    stop: fleet.stop,
  };
}

/** The Message-ID of every message file in every folder of a Maildir (duplicates kept). */
export async function maildirMessageIds(maildir: string): Promise<string[]> {
  const ids: string[] = [];
  const folders = [
    '',
    ...(await readdir(maildir).catch(() => [] as string[])).filter((n) => n.startsWith('.')),
  ];
  for (const folder of folders) {
    for (const sub of ['cur', 'new']) {
      const dir = join(maildir, folder, sub);
      for (const file of await readdir(dir).catch(() => [] as string[])) {
        const text = await readFile(join(dir, file), 'utf8').catch(() => '');
        const id = /^Message-ID:\s*<([^>]+)>/im.exec(text)?.[1];
        if (id) ids.push(id);
      }
    }
  }
  return ids;
}

/** A folder's UIDVALIDITY and UIDs as its dovecot-uidlist says. */
export async function uidlistOf(folderDir: string): Promise<{ uidValidity: number; uids: number[] }> {
  const text = await readFile(join(folderDir, 'dovecot-uidlist'), 'utf8');
  const [header, ...lines] = text.split('\n');
  const uidValidity = Number(/\bV(\d+)/.exec(header ?? '')?.[1] ?? 0);
  const uids = lines
    .map((line) => Number(line.split(' ')[0]))
    .filter((uid) => Number.isInteger(uid) && uid > 0)
    .sort((a, b) => a - b);
  return { uidValidity, uids };
}

/** Polls `check` until it returns a value (not undefined); the test's own timeout bounds it. */
export async function eventually<T>(check: () => Promise<T | undefined>, pauseMs = 200): Promise<T> {
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

/** One folder of a replica copy: UIDVALIDITY, and per UID its Message-ID and IMAP flags. */
export async function replicaFolder(
  folderDir: string,
): Promise<{ uidValidity: number; messages: Map<number, { messageId: string; flags: string[] }> }> {
  const { uidValidity } = await uidlistOf(folderDir);
  const text = await readFile(join(folderDir, 'dovecot-uidlist'), 'utf8');
  const bases = new Map<string, number>();
  for (const line of text.split('\n').slice(1)) {
    const [uid, ...rest] = line.split(' ');
    const base = rest.find((part) => part.startsWith(':'))?.slice(1) ?? rest[rest.length - 1];
    if (uid && base) bases.set(base, Number(uid));
  }
  const keywords = new Map<string, string>();
  const keywordText = await readFile(join(folderDir, 'dovecot-keywords'), 'utf8').catch(() => '');
  for (const line of keywordText.split('\n')) {
    const [index, name] = line.split(' ');
    if (index !== undefined && name) keywords.set(String.fromCharCode(97 + Number(index)), name);
  }
  const system: Record<string, string> = {
    S: '\\Seen',
    R: '\\Answered',
    F: '\\Flagged',
    T: '\\Deleted',
    D: '\\Draft',
  };
  const messages = new Map<number, { messageId: string; flags: string[] }>();
  for (const sub of ['cur', 'new']) {
    for (const file of await readdir(join(folderDir, sub)).catch(() => [] as string[])) {
      const [base, info] = file.split(':2,');
      const uid = bases.get(base!);
      if (uid === undefined) continue;
      const body = await readFile(join(folderDir, sub, file), 'utf8');
      const messageId = /^Message-ID:\s*<([^>]+)>/im.exec(body)?.[1] ?? '';
      const flags = [...(info ?? '')]
        .map((letter) => system[letter] ?? keywords.get(letter) ?? letter)
        .sort();
      messages.set(uid, { messageId, flags });
    }
  }
  return { uidValidity, messages };
}
