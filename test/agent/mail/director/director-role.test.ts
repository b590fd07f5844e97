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

  const sendToDirector = async (to: string, subject: string) => {
    const smtpEndpoint =
      (await agents.directory.reader('director01').getServer('director01'))?.endpoints.smtp ?? '';
    const [host, port] = smtpEndpoint.split(':');
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

  it('queue.show, showBody and delete over SSH: helpdesk reads headers, only system reads bodies and deletes', async () => {
    const hd = await agents.connect('director01');
    const sys = await agents.connect('director01', 'sys');
    await hd.client.call('queue.hold', { hold: { user: carol.mail } });
    await sendToDirector(carol.mail, 'first held');
    await sendToDirector(carol.mail, 'second held');
    const listed = async () =>
      (await hd.client.call('queue.list', { recipient: carol.mail })) as {
        entries: { id: string }[];
        total: number;
      };
    await until(async () => (await listed()).total === 2);
    const [first, second] = (await listed()).entries.map((e) => e.id) as [string, string];
    const shown = (await hd.client.call('queue.show', { id: first })) as {
      subject: string;
      headers: { name: string }[];
      entry: { recipients: { held: boolean }[] };
    };
    expect(shown.subject).toBe('first held');
    expect(shown.entry.recipients[0]?.held).toBe(true);
    expect(JSON.stringify(shown)).not.toContain('"hi');
    await expect(hd.client.call('queue.showBody', { id: first })).rejects.toThrow(/tier helpdesk may not/);
    expect(await sys.client.call('queue.showBody', { id: first })).toMatchObject({
      body: 'hi\r\n',
      truncated: false,
    });
    await expect(hd.client.call('queue.delete', { ids: [first], bounce: false })).rejects.toThrow(
      /tier helpdesk may not/,
    );
    expect(
      await sys.client.call('queue.delete', {
        filter: { recipient: carol.mail },
        bounce: false,
        dryRun: true,
      }),
    ).toEqual({ messages: 2, recipients: 2, dryRun: true });
    expect(await sys.client.call('queue.delete', { ids: [first], bounce: true })).toMatchObject({
      messages: 1,
    });
    expect(
      await sys.client.call('queue.delete', { filter: { recipient: carol.mail }, bounce: false }),
    ).toMatchObject({ messages: 1 });
    await expect(hd.client.call('queue.show', { id: second })).rejects.toThrow(/no queued message/);
    await hd.client.call('queue.release', { hold: { user: carol.mail } });
    // The bounce's DSN to x@outside.example leaves too (that domain does not exist: it bounces, no DSN of a DSN).
    await until(
      async () => ((await hd.client.call('queue.summary', {})) as { messages: number }).messages === 0,
    );
    const audit = (await sys.client.call('audit.tail', { limit: 50 })) as {
      entries: { method: string; caller: { kind: string }; outcome: string }[];
    };
    expect(
      audit.entries
        .filter((e) => e.method === 'queue.showBody' || e.method === 'queue.delete')
        .map((e) => [e.method, e.caller.kind, e.outcome]),
    ).toEqual([
      ['queue.showBody', 'helpdesk', 'denied'],
      ['queue.showBody', 'system', 'ok'],
      ['queue.delete', 'helpdesk', 'denied'],
      ['queue.delete', 'system', 'ok'],
      ['queue.delete', 'system', 'ok'],
      ['queue.delete', 'system', 'ok'],
    ]);
  });
});
