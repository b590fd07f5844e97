/**
 * A fleet of real `mailfleet-agent` processes for the moves' crash tests: the embedded directory
 * (in the test process), store01 and store02 (mail services, moves with a pause after each
 * journaled step, the failure drill setting), and director01 (SMTP routing, queue, IMAP proxy).
 * Every port is fixed when the fleet is made, so a node killed with SIGKILL and started again
 * listens where it did. Users `m01@alpha.example`... live on store01.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import type { LdapFleetDirectory } from '../../../agent/common/directory/ldap-fleet-directory.js';
import { mailUserEntry } from '../../../agent/common/directory/seed-entries.js';
import type { RpcConnection } from '../../../agent/common/rpc/connect-rpc.js';
import { startAgentProcessFleet } from '../../support/agent-process-fleet.js';
import { sendTestMessage } from '../../support/agent-processes.js';
import type { AgentTestDirectory } from '../../support/agent-test-directory.js';
import type { CompiledAgent } from '../../support/compiled-agent.js';
import { storeSeedEntries } from '../../support/store-seed.js';

export type CrashNode = 'store01' | 'store02' | 'director01';

/** The users of the crash tests, and their password. */
export const crashUser = (i: number) => `m${String(i).padStart(2, '0')}@alpha.example`;
export const crashPassword = 'crash-pw';

/** The running fleet. */
export interface CrashFleet {
  directory: AgentTestDirectory;
  writer: LdapFleetDirectory;
  /** Each node's data directory. */
  dataDir(node: CrashNode): string;
  /** A new RPC connection as the system admin (the caller closes it). */
  rpc(node: CrashNode): Promise<RpcConnection>;
  kill(node: CrashNode): Promise<void>;
  start(node: CrashNode): Promise<void>;
  /** Sends one message through the director; true when it answered 250. */
  send(to: string, messageId: string, bodyBytes?: number): Promise<boolean>;
  /** Message-IDs of every message in every folder of a user's mailbox on a store (IMAP). */
  messageIds(store: 'store01' | 'store02', user: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** Starts the directory (with `users` users on store01) and the three agent processes. */
export async function startCrashFleet(compiled: CompiledAgent, users: number): Promise<CrashFleet> {
  const fleet = await startAgentProcessFleet<CrashNode>(compiled, {
    nodes: [
      { name: 'store01', role: 'store' },
      { name: 'store02', role: 'store' },
      { name: 'director01', role: 'director' },
    ],
    extraEntries: (tree) => [
      ...storeSeedEntries(tree),
      ...Array.from({ length: users }, (_, i) =>
        mailUserEntry(tree, {
          mail: crashUser(i + 1),
          displayName: `Crash ${i + 1}`,
          mailHost: 'store01',
          password: crashPassword,
          // alpha.example's default quota (1 MB) would bounce most of what the tests send.
          quotaBytes: 100_000_000,
        }),
      ),
    ],
    mailNodeSettings: {
      moves: {
        stepPauseMs: 1200,
        retryDelaysMs: [300, 600, 1000, 2000, 3000, 5000],
        cutoverAttempts: 6,
        // Every round written as a big mailbox's bulk copy is (unflushed, one flush at its end),
        // so each kill lands among writes not yet flushed, and the restart makes them durable.
        bulkRoundBytes: 0,
      },
    },
  });
  const { ports } = fleet;
  return {
    directory: fleet.directory,
    writer: fleet.writer,
    dataDir: fleet.dataDir,
    rpc: fleet.rpc,
    kill: fleet.agents.kill,
    start: fleet.agents.start,
    send: (to, messageId, bodyBytes = 200) =>
      sendTestMessage({ port: ports.director01.smtp!, to, messageId, body: 'y'.repeat(bodyBytes) }),
    messageIds: async (store, user) => {
      const client = new ImapFlow({
        host: '127.0.0.1',
        port: ports[store].imap,
        secure: false,
        auth: { user, pass: crashPassword },
        logger: false,
      });
      await client.connect();
      const ids: string[] = [];
      try {
        for (const folder of await client.list()) {
          const lock = await client.getMailboxLock(folder.path);
          try {
            if (client.mailbox !== false && client.mailbox.exists > 0)
              for await (const message of client.fetch('1:*', { envelope: true }))
                ids.push(message.envelope?.messageId?.replace(/^<|>$/g, '') ?? '');
          } finally {
            lock.release();
          }
        }
      } finally {
        await client.logout();
      }
      return ids;
    },
    stop: fleet.stop,
  };
}

/** A JSON file of a node's data directory, parsed ([] when missing). */
export async function readNodeJson(path: string): Promise<unknown[]> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown[];
  } catch {
    return [];
  }
}

export const cutoverHoldsFile = (dataDir: string) => join(dataDir, 'cutover-holds.json');
export const sourceHoldsFile = (dataDir: string) => join(dataDir, 'moves', 'source-holds.json');
