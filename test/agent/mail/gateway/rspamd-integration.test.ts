import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDomainSpamPolicy } from '../../../../agent/mail/gateway/domain-spam-policy.js';
import { RspamdClient } from '../../../../agent/mail/gateway/rspamd-client.js';
import { applySpamHeaders, decideSpamAction } from '../../../../agent/mail/gateway/spam-decision.js';
import { startTestRspamd, type TestRspamd } from '../../../support/rspamd.js';

const gtube = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';

function message(subject: string, body: string): Buffer {
  return Buffer.from(
    'From: Alice Example <alice@example.org>\r\nTo: Taro <taro@univ.example>\r\n' +
      `Subject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.org>\r\n` +
      'Date: Sat, 28 Nov 2026 05:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n' +
      `${body}\r\n`,
  );
}

const envelope = {
  sender: 'alice@example.org',
  recipients: ['taro@univ.example', 'hanako@univ.example'],
  clientAddress: '192.0.2.10',
  helo: 'mx.example.org',
  clientHostname: 'mx.example.org',
};

describe('content scanning with a real rspamd', () => {
  let rspamd: TestRspamd;
  let client: RspamdClient;

  beforeAll(async () => {
    rspamd = await startTestRspamd();
    client = new RspamdClient({ url: rspamd.url, timeoutMs: 20_000 });
  });
  afterAll(async () => {
    await rspamd?.stop();
  });

  it('rejects GTUBE under the default policy', async () => {
    const verdict = await client.scan(message('Offer', gtube), envelope);
    expect(verdict.action).toBe('reject');
    expect(verdict.symbols.map((s) => s.name)).toContain('GTUBE');
    const decision = decideSpamAction(verdict, defaultDomainSpamPolicy);
    expect(decision).toMatchObject({ action: 'reject', reply: { code: 550, enhanced: '5.7.1' } });
    if (decision.action === 'reject') expect(decision.reply.message).toMatch(/rejected as spam/);
  });

  it('tags GTUBE for a domain that only tags', async () => {
    const original = message('Offer', gtube);
    const verdict = await client.scan(original, envelope);
    const decision = decideSpamAction(verdict, { ...defaultDomainSpamPolicy, mode: 'tag' });
    expect(decision.action).toBe('tag');
    if (decision.action !== 'tag') throw new Error('unreachable');
    const tagged = applySpamHeaders(original, decision.headers, decision.subjectPrefix).toString();
    expect(tagged).toMatch(/^X-Spam-Flag: YES\r\n/);
    expect(tagged).toMatch(/\r\nX-Spam-Score: \d+\.\d\d\r\n/);
    expect(tagged).toMatch(/\r\nX-Spam-Status: Yes, score=/);
    expect(tagged).toContain('\r\nSubject: [SPAM] Offer\r\n');
  });

  it('accepts a clean message, with the envelope rspamd was told', async () => {
    const verdict = await client.scan(
      message(
        'Seminar on Thursday',
        'Hello Taro,\r\n\r\nthe seminar moves to room 204 at 3 pm.\r\n\r\nAlice',
      ),
      envelope,
    );
    expect(verdict.action).toBe('no action');
    expect(verdict.score).toBeLessThan(verdict.requiredScore);
    // These symbols compare the header with the envelope and the HELO we sent: the envelope arrived.
    const names = verdict.symbols.map((s) => s.name);
    expect(names).toContain('FROM_EQ_ENVFROM');
    expect(names).toContain('TO_MATCH_ENVRCPT_ALL');
    expect(names.some((n) => n.startsWith('HFILTER_HELO_'))).toBe(true);
    const decision = decideSpamAction(verdict, defaultDomainSpamPolicy);
    expect(decision.action).toBe('accept');
    if (decision.action === 'accept') expect(decision.headers[0]).toEqual(['X-Spam-Flag', 'NO']);
  });
});
