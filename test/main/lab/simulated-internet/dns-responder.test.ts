import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DnsResponder,
  startDnsResponder,
} from '../../../../main/lab/simulated-internet/dns-responder.js';

// A TXT record the size of a 4096-bit DKIM key's (about 750 octets): past the 512-octet UDP limit
// of an asker without EDNS0, and past two 255-octet character-strings.
const longKeyRecord = `v=DKIM1; k=rsa; p=${'A'.repeat(736)}`;

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
        'outside.example.txt': { txt: ['v=spf1 ip4:127.0.0.1 -all', 'second'] },
        'big._domainkey.outside.example': { txt: [longKeyRecord] },
        '_25._tcp.mx.outside.example': {
          tlsa: [{ usage: 3, selector: 1, matchingType: 1, data: 'ab'.repeat(32) }],
        },
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

  it('answers TXT records, a long one split into character-strings and joined again by the asker', async () => {
    const spf = await resolver.resolveTxt('outside.example.txt');
    expect(spf.map((chunks) => chunks.join('')).sort()).toEqual(['second', 'v=spf1 ip4:127.0.0.1 -all']);
    const dkim = await resolver.resolveTxt('big._domainkey.outside.example');
    expect(dkim).toHaveLength(1);
    expect(dkim[0]?.length).toBe(3);
    expect(dkim[0]?.join('')).toBe(longKeyRecord);
    await expect(resolver.resolveTxt('plain.example')).rejects.toMatchObject({ code: 'ENODATA' });
  });

  it('truncates a UDP answer past 512 octets without EDNS0 and answers it in full over TCP', async () => {
    const query = rawQuery(0x5151, 'big._domainkey.outside.example', 16);
    const udp = createSocket('udp4');
    const udpReply = await new Promise<Buffer>((resolve) => {
      udp.once('message', resolve);
      udp.send(query, dns.port, '127.0.0.1');
    });
    udp.close();
    expect(udpReply.readUInt16BE(2) & 0x0200).toBe(0x0200);
    expect(udpReply.readUInt16BE(6)).toBe(0);
    const tcpReply = await askOverTcp(dns.port, query);
    expect(tcpReply.readUInt16BE(0)).toBe(0x5151);
    expect(tcpReply.readUInt16BE(2) & 0x0200).toBe(0);
    expect(tcpReply.readUInt16BE(6)).toBe(1);
    expect(tcpReply.toString('latin1')).toContain('v=DKIM1; k=rsa;');
  });

  it('answers a DANE TLSA query with usage, selector, matching type and data', async () => {
    const reply = await askOverTcp(dns.port, rawQuery(0x5252, '_25._tcp.mx.outside.example', 52));
    expect(reply.readUInt16BE(6)).toBe(1);
    // The record data is the last 35 octets: 3 fields and a 32-octet SHA-256.
    const data = reply.subarray(reply.length - 35);
    expect([...data.subarray(0, 3)]).toEqual([3, 1, 1]);
    expect(data.subarray(3).toString('hex')).toBe('ab'.repeat(32));
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

function rawQuery(id: number, name: string, type: number): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2);
  header.writeUInt16BE(1, 4);
  const labels = name
    .split('.')
    .map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)]));
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(1, 2);
  return Buffer.concat([header, ...labels, Buffer.from([0]), tail]);
}

async function askOverTcp(port: number, query: Buffer): Promise<Buffer> {
  const socket = connect(port, '127.0.0.1');
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(query.length, 0);
  socket.write(Buffer.concat([prefix, query]));
  let received = Buffer.alloc(0);
  return new Promise<Buffer>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) {
        socket.destroy();
        resolve(received.subarray(2, 2 + received.readUInt16BE(0)));
      }
    });
  });
}
