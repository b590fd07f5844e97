/**
 * `mail.trace` on the agent: found by address or Message-ID, and a domain admin gets only the
 * steps of mail to its own domains, whatever it asks (enforced by the handler, not the console).
 */
import { describe, expect, it } from 'vitest';
import type { MailTraceStep } from '../../../agent/common/contract/mail-trace-contract.js';
import { traceMethods } from '../../../agent/control/trace-methods.js';
import { MailTraceLog, messageIdOf } from '../../../agent/mail/trace/mail-trace-log.js';
import { fixedCallerChannel } from '../../support/fixed-caller-channel.js';

const steps: MailTraceStep[] = [
  { at: 1, kind: 'received', sender: 'x@example.org', recipient: 'sato@eng.example', messageId: 'a@x' },
  { at: 2, kind: 'delivered', sender: 'x@example.org', recipient: 'sato@eng.example', messageId: 'a@x' },
  { at: 3, kind: 'received', sender: 'x@example.org', recipient: 'suzuki@sci.example', messageId: 'a@x' },
  { at: 4, kind: 'deferred', sender: 'x@example.org', recipient: 'suzuki@sci.example', messageId: 'a@x' },
];

function handler() {
  const trace = new MailTraceLog({ capacity: 3 });
  for (const step of steps) trace.add(step);
  const domains: Record<string, string[]> = { 'eng-admin': ['eng.example'] };
  return traceMethods({ trace, adminDomains: async (uid) => domains[uid] ?? [] })['mail.trace'];
}

async function ask(kind: 'helpdesk' | 'domain', params: { address?: string; messageId?: string }) {
  const caller = { kind, id: kind === 'domain' ? 'eng-admin' : 'hd' } as const;
  return handler()({ ...params, limit: 500 }, { caller, channel: fixedCallerChannel(caller) });
}

describe('mail.trace', () => {
  it('finds steps by Message-ID or address, the oldest the ring still holds first', async () => {
    const all = await ask('helpdesk', { messageId: '<a@x>' });
    // The ring holds three: the first step fell out.
    expect(all.steps.map((s) => s.at)).toEqual([2, 3, 4]);
    expect(all.since).toBe(2);
    expect((await ask('helpdesk', { address: 'SUZUKI' })).steps.map((s) => s.at)).toEqual([3, 4]);
  });

  it("gives a domain admin only its domains' steps, however it asks", async () => {
    const own = await ask('domain', { messageId: 'a@x' });
    expect(own.steps.map((s) => s.recipient)).toEqual(['sato@eng.example']);
    expect((await ask('domain', { address: 'suzuki@sci.example' })).steps).toEqual([]);
    expect(
      (await ask('domain', { address: 'example' })).steps.every((s) => s.recipient.endsWith('@eng.example')),
    ).toBe(true);
  });

  it('reads the Message-ID of a message, folded or not', () => {
    expect(messageIdOf(Buffer.from('Subject: hi\r\nMessage-ID:\r\n <abc@host>\r\n\r\nbody'))).toBe(
      'abc@host',
    );
    expect(messageIdOf(Buffer.from('Subject: hi\r\n\r\nMessage-ID: <not@header>'))).toBeUndefined();
  });
});
