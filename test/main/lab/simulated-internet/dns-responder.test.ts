import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DnsResponder,
  startDnsResponder,
} from '../../../../main/lab/simulated-internet/dns-responder.js';

// The simulated internet's DNS, asked by node:dns (c-ares, a resolver no one here wrote).
describe('simulated internet DNS responder', () => {
  let dns: DnsResponder;
  let resolver: Resolver;

  beforeAll(async () => {
    dns = await startDnsResponder({
      zone: {
        'outside.example': {
          mx: [
            { preference: 20, exchange: 'backup.outside.example' },
            { preference: 10, exchange: 'mx.outside.example' },
          ],
        },
        'mx.outside.example': { a: ['127.0.0.1'], aaaa: ['::1'] },
        'plain.example': { a: ['127.0.0.2'] },
        'nomail.example': { mx: [{ preference: 0, exchange: '.' }] },
        'broken.example': { servfail: true },
      },
    });
    resolver = new Resolver({ timeout: 2_000, tries: 1 });
    resolver.setServers([dns.server]);
  });
  afterAll(async () => {
    await dns.stop();
  });

  it('answers MX, A and AAAA; NODATA for a known name without that type; NXDOMAIN otherwise', async () => {
    const mx = await resolver.resolveMx('Outside.Example');
    expect(mx.sort((a, b) => a.priority - b.priority)).toEqual([
      { exchange: 'mx.outside.example', priority: 10 },
      { exchange: 'backup.outside.example', priority: 20 },
    ]);
    expect(await resolver.resolve4('mx.outside.example')).toEqual(['127.0.0.1']);
    expect(await resolver.resolve6('mx.outside.example')).toEqual(['::1']);
    await expect(resolver.resolveMx('plain.example')).rejects.toMatchObject({ code: 'ENODATA' });
    await expect(resolver.resolveMx('unknown.example')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolve4('broken.example')).rejects.toMatchObject({ code: 'ESERVFAIL' });
    const nullMx = await resolver.resolveMx('nomail.example');
    expect(nullMx).toHaveLength(1);
    expect(nullMx[0]?.priority).toBe(0);
    expect(['', '.']).toContain(nullMx[0]?.exchange);
  });

  it('changes answers at run time', async () => {
    dns.setName('late.example', { a: ['127.0.0.9'] });
    expect(await resolver.resolve4('late.example')).toEqual(['127.0.0.9']);
    dns.removeName('late.example');
    await expect(resolver.resolve4('late.example')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('refuses malformed datagrams with FORMERR or drops them, and keeps answering', async () => {
    const socket = createSocket('udp4');
    const replies: Buffer[] = [];
    socket.on('message', (message) => replies.push(message));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const send = (datagram: Buffer) =>
      new Promise<void>((resolve) => socket.send(datagram, dns.port, '127.0.0.1', () => resolve()));
    const header = (id: number, qdcount: number) => {
      const h = Buffer.alloc(12);
      h.writeUInt16BE(id, 0);
      h.writeUInt16BE(0x0100, 2);
      h.writeUInt16BE(qdcount, 4);
      return h;
    };
    await send(Buffer.from([1, 2, 3]));
    // Label length running past the end.
    await send(Buffer.concat([header(0x1111, 1), Buffer.from([40, 0x61, 0x62])]));
    // A compression pointer in the question.
    await send(Buffer.concat([header(0x2222, 1), Buffer.from([0xc0, 0x0c, 0, 1, 0, 1])]));
    // Two questions.
    await send(header(0x3333, 2));
    // A response (QR set): never answered.
    const response = header(0x4444, 1);
    response.writeUInt16BE(0x8180, 2);
    await send(response);
    await send(Buffer.alloc(600, 0xff));
    const deadline = Date.now() + 2_000;
    while (replies.length < 3 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.close();
    const byId = new Map(replies.map((r) => [r.readUInt16BE(0), (r.readUInt16BE(2) & 0x000f) as number]));
    expect(byId.get(0x1111)).toBe(1);
    expect(byId.get(0x2222)).toBe(1);
    expect(byId.get(0x3333)).toBe(1);
    expect(byId.has(0x4444)).toBe(false);
    // 0xffff has QR set: dropped too; the short one is dropped.
    expect(replies).toHaveLength(3);
    expect(await resolver.resolve4('mx.outside.example')).toEqual(['127.0.0.1']);
  });
});
