/**
 * The link state machine, driven through its connector seam. The real SSH path is exercised by the
 * lab tests (test/main/lab); here the connector is scripted to reach every state deterministically.
 */
import { describe, expect, it } from 'vitest';
import type { ServerEntry } from '../../../agent/common/directory/fleet-entries.js';
import type { AgentConnection } from '../../../main/core/node-link.js';
import { NodeLink } from '../../../main/core/node-link.js';
import { storeServerEntry } from '../../support/server-entry.js';

const server: ServerEntry = storeServerEntry('store01');

function scriptedConnection() {
  let end: (reason: Error | undefined) => void = () => {};
  const closed = new Promise<Error | undefined>((resolve) => {
    end = resolve;
  });
  const connection: AgentConnection = {
    call: (async (method: string) => {
      if (method === 'node.info') return { role: 'store' };
      return {};
    }) as AgentConnection['call'],
    onSample: () => {},
    closed,
    close: () => end(undefined),
  };
  return { connection, drop: (reason?: Error) => end(reason) };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe('NodeLink', () => {
  it('connects, notices a lost connection at once and reconnects', async () => {
    const scripted: ReturnType<typeof scriptedConnection>[] = [];
    const history: string[] = [];
    const link = new NodeLink(server, {
      connector: async () => {
        const s = scriptedConnection();
        scripted.push(s);
        return s.connection;
      },
      subscribe: false,
      backoff: { initialMs: 10, maxMs: 20 },
      onChange: (l) => history.push(`${l.state}${l.problem ? `: ${l.problem.message}` : ''}`),
    });
    link.start();
    await until(() => link.state === 'connected');
    scripted[0]!.drop(new Error('reset by peer'));
    await until(() => link.state === 'connected' && scripted.length === 2);
    expect(history).toContain('disconnected: connection to store01 lost: reset by peer');
    link.stop();
  });

  it('reports a host key mismatch as possible impersonation and does not retry at once', async () => {
    let attempts = 0;
    const link = new NodeLink(server, {
      connector: async () => {
        attempts++;
        const error = new Error('host key does not match (possible impersonation)');
        error.name = 'HostKeyMismatchError';
        throw error;
      },
      subscribe: false,
      refusedRetryMs: 60_000,
      onChange: () => {},
    });
    link.start();
    await until(() => link.state === 'refused');
    expect(link.problem?.kind).toBe('host-key-mismatch');
    await new Promise((r) => setTimeout(r, 50));
    expect(attempts).toBe(1);
    link.stop();
  });

  it('refuses to connect to a node with no pinned host key', async () => {
    let attempts = 0;
    const link = new NodeLink(
      { ...server, hostKeys: [] },
      {
        connector: async () => {
          attempts++;
          throw new Error('unreachable');
        },
        subscribe: false,
        onChange: () => {},
      },
    );
    link.start();
    await until(() => link.state === 'refused');
    expect(link.problem?.kind).toBe('not-pinned');
    expect(attempts).toBe(0);
    link.stop();
  });
});
