import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { contentScanningStatus } from '../../../../agent/mail/gateway/content-scanning-status.js';
import {
  defaultDomainSpamPolicy,
  parseDomainSpamPolicy,
} from '../../../../agent/mail/gateway/domain-spam-policy.js';
import { RspamdClient } from '../../../../agent/mail/gateway/rspamd-client.js';
import { parseRspamdReply, type RspamdVerdict } from '../../../../agent/mail/gateway/rspamd-verdict.js';
import { applySpamHeaders, decideSpamAction } from '../../../../agent/mail/gateway/spam-decision.js';

function verdict(action: RspamdVerdict['action'], score: number): RspamdVerdict {
  return {
    action,
    score,
    requiredScore: 15,
    symbols: [
      { name: 'BIG', score: 5 },
      { name: 'ZERO', score: 0 },
    ],
  };
}

describe('rspamd verdicts', () => {
  it('parses /checkv2 JSON and sorts symbols by score', () => {
    const v = parseRspamdReply(
      JSON.stringify({
        action: 'add header',
        score: 7.5,
        required_score: 15,
        symbols: { A: { name: 'A', score: 1 }, B: { name: 'B', score: 6.5, description: 'b' } },
        messages: { smtp_message: 'go away' },
        extra: true,
      }),
    );
    expect(v).toEqual({
      action: 'add header',
      score: 7.5,
      requiredScore: 15,
      symbols: [
        { name: 'B', score: 6.5, description: 'b' },
        { name: 'A', score: 1 },
      ],
      smtpMessage: 'go away',
    });
  });

  it('refuses answers that are not scan results', () => {
    expect(() => parseRspamdReply('<html>')).toThrow(/not JSON/);
    expect(() => parseRspamdReply('{"action":"explode","score":1,"required_score":2}')).toThrow(
      /not a scan result/,
    );
    expect(() => parseRspamdReply('{"action":"reject","score":"high","required_score":2}')).toThrow(
      /not a scan result/,
    );
  });
});

describe('domain spam policies', () => {
  it('reads the text form, with defaults for missing keys', () => {
    expect(parseDomainSpamPolicy('')).toEqual(defaultDomainSpamPolicy);
    expect(parseDomainSpamPolicy('mode=tag; tag=5.5; prefix=***SPAM*** ')).toEqual({
      mode: 'tag',
      tagScore: 5.5,
      rejectScore: null,
      subjectPrefix: '***SPAM*** ',
    });
  });

  it('refuses bad policies with words', () => {
    expect(() => parseDomainSpamPolicy('mode=bounce')).toThrow(/spam policy/);
    expect(() => parseDomainSpamPolicy('tag=lots')).toThrow(/spam policy/);
    expect(() => parseDomainSpamPolicy('colour=red')).toThrow(/spam policy/);
    expect(() => parseDomainSpamPolicy('mode')).toThrow(/not key=value/);
    expect(() => parseDomainSpamPolicy('tag=1;tag=2')).toThrow(/twice/);
    expect(() => parseDomainSpamPolicy('prefix=[S]\r\nBcc: x@y')).toThrow(/spam policy/);
  });
});

describe('decideSpamAction', () => {
  it("follows rspamd's actions under the default policy", () => {
    const reject = decideSpamAction(verdict('reject', 20), defaultDomainSpamPolicy);
    expect(reject).toMatchObject({ action: 'reject', reply: { code: 550, enhanced: '5.7.1' } });
    const tag = decideSpamAction(verdict('add header', 8), defaultDomainSpamPolicy);
    expect(tag).toMatchObject({ action: 'tag', subjectPrefix: '[SPAM] ' });
    if (tag.action !== 'tag') throw new Error('unreachable');
    expect(tag.headers).toEqual([
      ['X-Spam-Flag', 'YES'],
      ['X-Spam-Score', '8.00'],
      ['X-Spam-Status', 'Yes, score=8.00 required=15.00 tests=BIG'],
    ]);
    expect(decideSpamAction(verdict('no action', 1), defaultDomainSpamPolicy).action).toBe('accept');
    expect(decideSpamAction(verdict('greylist', 4), defaultDomainSpamPolicy).action).toBe('accept');
    expect(decideSpamAction(verdict('soft reject', 1), defaultDomainSpamPolicy).action).toBe('defer');
  });

  it("uses the domain's own thresholds and mode", () => {
    const strict = { ...defaultDomainSpamPolicy, tagScore: 3, rejectScore: 6 };
    expect(decideSpamAction(verdict('no action', 3.5), strict).action).toBe('tag');
    expect(decideSpamAction(verdict('add header', 6), strict).action).toBe('reject');
    const tagOnly = { ...defaultDomainSpamPolicy, mode: 'tag' as const };
    expect(decideSpamAction(verdict('reject', 30), tagOnly).action).toBe('tag');
    const off = { ...defaultDomainSpamPolicy, mode: 'off' as const };
    expect(decideSpamAction(verdict('reject', 30), off)).toMatchObject({ action: 'accept', headers: [] });
  });

  it('defers when the scanner gave no verdict', () => {
    expect(decideSpamAction(null, defaultDomainSpamPolicy, 'timeout')).toMatchObject({
      action: 'defer',
      reason: 'content scanner failed: timeout',
      reply: { code: 451 },
    });
  });

  it('adds headers and prefixes the subject, or adds one', () => {
    const out = applySpamHeaders(
      Buffer.from('From: a@x.org\r\nSubject: Cheap pills\r\n\r\nbody\r\n'),
      [['X-Spam-Flag', 'YES']],
      '[SPAM] ',
    ).toString();
    expect(out).toBe('X-Spam-Flag: YES\r\nFrom: a@x.org\r\nSubject: [SPAM] Cheap pills\r\n\r\nbody\r\n');
    const none = applySpamHeaders(Buffer.from('From: a@x.org\r\n\r\nbody'), [], '[SPAM] ').toString();
    expect(none).toBe('From: a@x.org\r\nSubject: [SPAM]\r\n\r\nbody');
  });

  it('says plainly when no scanner is configured', () => {
    expect(contentScanningStatus(undefined)).toEqual({
      configured: false,
      text: 'content scanning: not configured',
    });
    expect(contentScanningStatus('http://127.0.0.1:11333').text).toBe(
      'content scanning: rspamd at http://127.0.0.1:11333',
    );
  });
});

describe('RspamdClient against a misbehaving peer', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function peer(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const envelope = {
    sender: 'a@example.org',
    recipients: ['b@univ.example', 'c@univ.example'],
    clientAddress: '192.0.2.1',
  };

  it('sends the envelope as headers and times out a silent scanner', async () => {
    let seen: Record<string, string | string[] | undefined> = {};
    const url = await peer((req) => {
      seen = req.headers;
      req.resume(); // and never answer
    });
    const client = new RspamdClient({ url, timeoutMs: 200 });
    await expect(
      client.scan(Buffer.from('Subject: x\r\n\r\nx'), { ...envelope, helo: 'mx.example.org' }),
    ).rejects.toThrow(/did not answer within 200 ms/);
    expect(seen.from).toBe('a@example.org');
    expect(seen.rcpt).toBe('b@univ.example, c@univ.example');
    expect(seen.ip).toBe('192.0.2.1');
    expect(seen.helo).toBe('mx.example.org');
  });

  it('reports HTTP errors and garbage', async () => {
    const url = await peer((req, res) => {
      req.resume();
      if (req.url === '/checkv2') res.writeHead(500).end('boom');
    });
    await expect(new RspamdClient({ url }).scan(Buffer.from('x'), envelope)).rejects.toThrow(
      /HTTP 500: boom/,
    );
  });

  it('reports a refused connection', async () => {
    const url = await peer(() => {});
    server?.close();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await expect(new RspamdClient({ url, timeoutMs: 2000 }).scan(Buffer.from('x'), envelope)).rejects.toThrow(
      /rspamd at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/,
    );
  });
});
