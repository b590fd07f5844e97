/** Hostile SMTP input against the director: clear errors, nothing lost, the server keeps serving. */
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineClient } from '../../../support/line-client.js';
import { storeUsers } from '../../../support/store-seed.js';
import { type DirectorFixture, startDirectorFixture } from './director-fixture.js';

const { alice, carol, dave, bob } = storeUsers;

describe('director SMTP bad input', () => {
  let fx: DirectorFixture;

  beforeAll(async () => {
    fx = await startDirectorFixture({ maxRecipients: 3 });
  });
  afterAll(async () => {
    await fx.stop();
  });

  async function session(): Promise<LineClient> {
    const client = await LineClient.connect(fx.smtp.port);
    expect(await client.readLine()).toMatch(/^220 /);
    client.send('EHLO client.test\r\n');
    let line = await client.readLine();
    while (line.startsWith('250-')) line = await client.readLine();
    return client;
  }
  const stillServing = async (subject: string) => {
    const transport = createTransport({ host: '127.0.0.1', port: fx.smtp.port, ignoreTLS: true });
    const info = await transport.sendMail({
      envelope: { from: 'a@outside.example', to: [dave.mail] },
      raw: `Subject: ${subject}\r\n\r\nx\r\n`,
    });
    transport.close();
    expect(info.accepted).toEqual([dave.mail]);
  };

  it('10,000 pipelined RCPTs: the first distinct ones up to the limit, 452 after, one copy each', async () => {
    const client = await session();
    const rcpts = Array.from(
      { length: 10_000 },
      (_v, i) => `RCPT TO:<${[carol.mail, dave.mail, alice.mail, bob.mail][i % 4]}>\r\n`,
    );
    client.send(`MAIL FROM:<a@outside.example>\r\n${rcpts.join('')}`);
    expect(await client.readLine()).toMatch(/^250/);
    const replies: string[] = [];
    for (let i = 0; i < 10_000; i++) replies.push(await client.readLine());
    expect(replies.slice(0, 3).every((r) => r.startsWith('250'))).toBe(true);
    expect(replies[3]).toMatch(/^452 .*too many recipients/i);
    expect(replies.filter((r) => r.startsWith('452')).length).toBe(2_500);
    expect(await client.command('DATA')).toMatch(/^354/);
    client.send('Subject: many-rcpts\r\n\r\nx\r\n.\r\n');
    expect(await client.readLine()).toMatch(/^250 2\.0\.0 queued as /);
    client.send('QUIT\r\n');
    await client.closed();
    await fx.queue.settled();
    while (fx.queue.list().length > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const user of [carol.mail, dave.mail, alice.mail]) {
      expect((await fx.inbox('store01', user)).filter((t) => t.includes('Subject: many-rcpts')).length).toBe(
        1,
      );
    }
    expect(await fx.inbox('store02', bob.mail)).toEqual([]);
    await stillServing('after-rcpts');
  });

  it('a command over 512 octets: 500 5.5.2 and the session goes on; AUTH may be longer', async () => {
    const client = await session();
    // 511 octets with CRLF: allowed; 513: refused, and the session still works.
    const fits = `NOOP ${'x'.repeat(511 - 7)}`;
    expect(await client.command(fits)).toMatch(/^250/);
    expect(await client.command(`MAIL FROM:<${'a'.repeat(600)}@outside.example>`)).toMatch(
      /^500 5\.5\.2 command line too long/,
    );
    expect(await client.command(`RCPT TO:<${'b'.repeat(600)}@alpha.example>`)).toMatch(/^500 5\.5\.2/);
    // RFC 4954: an AUTH line of 2,000 octets is judged as AUTH (bad credentials), not as too long.
    const blob = Buffer.from(`\0${carol.mail}\0${'p'.repeat(1500)}`).toString('base64');
    expect(await client.command(`AUTH PLAIN ${blob}`)).toMatch(/^535 5\.7\.8/);
    expect(await client.command('MAIL FROM:<a@outside.example>')).toMatch(/^250/);
    expect(await client.command(`RCPT TO:<${dave.mail}>`)).toMatch(/^250/);
    expect(await client.command('DATA')).toMatch(/^354/);
    client.send('Subject: after-500\r\n\r\nx\r\n.\r\n');
    expect(await client.readLine()).toMatch(/^250 2\.0\.0 queued as /);
    client.send('QUIT\r\n');
    await client.closed();
  });

  it('a command line past even the AUTH limit: 421 and closed, others still served', async () => {
    const client = await session();
    client.send(`MAIL FROM:<${'a'.repeat(20_000)}@outside.example>\r\n`);
    expect(await client.readLine()).toMatch(/^421 .*too long/i);
    await client.closed();
    await stillServing('after-long-line');
  });

  it('invalid AUTH: 535 or 501, never accepted', async () => {
    const client = await session();
    expect(await client.command('AUTH PLAIN !!!notbase64')).toMatch(/^(501|535)/);
    const wrong = Buffer.from(`\0${carol.mail}\0wrong`).toString('base64');
    expect(await client.command(`AUTH PLAIN ${wrong}`)).toMatch(/^535 5\.7\.8/);
    expect(await client.command('MAIL FROM:<a@outside.example>')).toMatch(/^250/);
    expect(await client.command('RCPT TO:<someone@far.example>')).toMatch(/^554 5\.7\.1/);
    client.send('QUIT\r\n');
    await client.closed();
  });

  it('a DATA of 1 GB against a 100 kB limit: 552, streamed without keeping it, nothing queued, still serving', async () => {
    const client = await session();
    expect(await client.command('MAIL FROM:<a@outside.example>')).toMatch(/^250/);
    expect(await client.command(`RCPT TO:<${carol.mail}>`)).toMatch(/^250/);
    expect(await client.command('DATA')).toMatch(/^354/);
    const queuedBefore = fx.queue.list().length;
    const block = Buffer.from(`${'z'.repeat(1022)}\r\n`.repeat(1024));
    const before = process.memoryUsage().rss;
    let peak = before;
    // 1,024 blocks of 1 MiB, written with backpressure so only the server decides what is kept.
    for (let i = 0; i < 1024; i++) {
      await client.write(block);
      if (i % 64 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    client.send('.\r\n');
    expect(await client.readLine(120_000)).toMatch(/^552 5\.3\.4/);
    // Not a timing assert: a bound on memory kept (1 GB held would show), with room for the runtime.
    expect(Math.max(peak, process.memoryUsage().rss) - before).toBeLessThan(96 * 1024 * 1024);
    expect(fx.queue.list().length).toBe(queuedBefore);
    client.send('QUIT\r\n');
    await client.closed();
    await stillServing('after-big-data');
  }, 240_000);
});
