/** What an audited call acted on, read from its params (issue 17, item 10). */
import { describe, expect, it } from 'vitest';
import { auditTargetOf } from '../../../agent/control/audit-target.js';

describe('auditTargetOf', () => {
  it('names the user, the held message, the queued messages, the domain and the store', () => {
    expect(auditTargetOf('session.kick', { user: 'alice@Alpha.example' })).toEqual({
      kind: 'user',
      name: 'alice@Alpha.example',
      domain: 'alpha.example',
    });
    expect(auditTargetOf('queue.hold', { hold: { messageId: 'Q1abc' } })).toEqual({
      kind: 'message',
      name: 'Q1abc',
    });
    expect(auditTargetOf('queue.showBody', { id: 'Q2' })).toEqual({ kind: 'message', name: 'Q2' });
    expect(auditTargetOf('queue.delete', { ids: ['a', 'b', 'c', 'd'], bounce: false })).toEqual({
      kind: 'message',
      name: 'a, b, c, … (4)',
    });
    expect(auditTargetOf('queue.flush', { filter: { domain: 'Beta.example' } })).toEqual({
      kind: 'domain',
      name: 'beta.example',
      domain: 'beta.example',
    });
    expect(auditTargetOf('queue.release', { hold: { logicalStore: 'store03' } })).toEqual({
      kind: 'store',
      name: 'store03',
    });
  });

  it('names nothing for a call without a target, and never takes other values', () => {
    expect(auditTargetOf('service.restart', { service: 'imap' })).toBeUndefined();
    expect(auditTargetOf('auth.unlock', { target: { address: '192.0.2.7' } })).toBeUndefined();
    expect(auditTargetOf('x', { password: 'secret', note: 'secret' })).toBeUndefined();
  });
});
