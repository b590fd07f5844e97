/**
 * The director role end to end in real Agents: a store agent and a director agent on the embedded
 * directory. SMTP (nodemailer) to the director's published `smtp` endpoint arrives in the user's
 * mailbox on the store (seen through the store's mailbox.stats RPC); the queue RPCs answer over the
 * real SSH control plane; holds made by RPC keep mail queued until released.
 */
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeUsers } from '../../../support/store-seed.js';
import { type DirectorAgents, startDirectorAgents } from './director-agents.js';

const { carol, dave } = storeUsers;

describe('director role (real store and director agents)', () => {
  let agents: DirectorAgents;

  const until = async (check: () => Promise<boolean>) => {
    while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
  };

  beforeAll(async () => {
    agents = await startDirectorAgents({ director: { host: '127.0.0.1', smtpPort: 0 } });
  }, 60_000);

  afterAll(async () => {
    await agents?.stop();
  });

  it('routes SMTP to the store, and answers queue RPCs; an RPC hold keeps mail queued until released', async () => {
    const smtpEndpoint =
      (await agents.directory.reader('director01').getServer('director01'))?.endpoints.smtp ?? '';
    const [host, port] = smtpEndpoint.split(':');
    expect(Number(port)).toBeGreaterThan(0);
    const storeRpc = await agents.connect('store01');
    const directorRpc = await agents.connect('director01');
    const messagesOf = async (user: string) =>
      (
        (await storeRpc.client.call('mailbox.stats', { user })) as {
          folders: { name: string; messages: number }[];
        }
      ).folders.find((f) => f.name === 'INBOX')?.messages ?? 0;
    const send = async (to: string, subject: string) => {
      const transport = createTransport({ host, port: Number(port), ignoreTLS: true });
      try {
        return await transport.sendMail({
          envelope: { from: 'x@outside.example', to: [to] },
          raw: `Subject: ${subject}\r\n\r\nhi\r\n`,
        });
      } finally {
        transport.close();
      }
    };

    await send(dave.mail, 'via director');
    await until(async () => (await messagesOf(dave.mail)) === 1);

    expect(await directorRpc.client.call('queue.hold', { hold: { user: carol.mail } })).toEqual({
      holds: [{ user: carol.mail }],
    });
    await send(carol.mail, 'held');
    await until(async () => {
      const summary = (await directorRpc.client.call('queue.summary', {})) as {
        recipients: { held: number };
      };
      return summary.recipients.held === 1;
    });
    const listed = (await directorRpc.client.call('queue.list', { recipient: carol.mail })) as {
      entries: { recipients: { address: string; held: boolean; state: string }[] }[];
    };
    expect(listed.entries[0]?.recipients).toEqual([
      expect.objectContaining({ address: carol.mail, held: true, state: 'pending' }),
    ]);
    expect(await messagesOf(carol.mail)).toBe(0);
    expect(await directorRpc.client.call('queue.release', { hold: { user: carol.mail } })).toEqual({
      released: true,
      holds: [],
    });
    await until(async () => (await messagesOf(carol.mail)) === 1);
    await until(
      async () =>
        ((await directorRpc.client.call('queue.summary', {})) as { messages: number }).messages === 0,
    );
  });

  it('route.invalidate is served by the director (audited) and refused by a store', async () => {
    const directorRpc = await agents.connect('director01');
    const storeRpc = await agents.connect('store01');
    expect(await directorRpc.client.call('route.invalidate', { target: { user: carol.mail } })).toEqual({
      invalidated: true,
    });
    expect(
      await directorRpc.client.call('route.invalidate', { target: { logicalStore: 'store01' } }),
    ).toEqual({
      invalidated: true,
    });
    await expect(
      storeRpc.client.call('route.invalidate', { target: { domain: 'alpha.example' } }),
    ).rejects.toThrow(/does not route mail/);
    const audit = (await directorRpc.client.call('audit.tail', { limit: 20 })) as {
      entries: { method: string; outcome: string }[];
    };
    expect(audit.entries.filter((e) => e.method === 'route.invalidate').map((e) => e.outcome)).toEqual([
      'ok',
      'ok',
    ]);
  });
});
