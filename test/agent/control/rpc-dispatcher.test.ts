/**
 * The dispatcher alone, with handlers written to misbehave: results that break the contract and
 * handlers that throw must come out as safe JSON-RPC errors, never as bad data or leaked details.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { rpcErrorCodes } from '../../../agent/common/contract/json-rpc.js';
import { JsonLogger } from '../../../agent/common/json-logger.js';
import { AuditLog } from '../../../agent/control/audit-log.js';
import type { MethodHandlers } from '../../../agent/control/method-handler.js';
import { MethodError } from '../../../agent/control/method-handler.js';
import { RpcDispatcher } from '../../../agent/control/rpc-dispatcher.js';
import { fixedCallerChannel } from '../../support/fixed-caller-channel.js';

let dir: string;
let audit: AuditLog;
const logLines: string[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailfleet-dispatch-'));
  audit = new AuditLog(join(dir, 'audit.log'));
  await audit.open();
});
afterEach(async () => {
  await audit.close();
  await rm(dir, { recursive: true, force: true });
});

const unreachable = () => {
  throw new Error('not used in this test');
};

function dispatcher(overrides: Partial<MethodHandlers>): RpcDispatcher {
  const handlers: MethodHandlers = {
    'node.info': unreachable,
    'node.metrics': unreachable,
    'metrics.subscribe': unreachable,
    'metrics.unsubscribe': unreachable,
    'service.list': unreachable,
    'service.restart': unreachable,
    'audit.tail': unreachable,
    'mailbox.list': unreachable,
    'mailbox.stats': unreachable,
    'session.list': unreachable,
    'session.kick': unreachable,
    'replication.status': unreachable,
    'failover.start': unreachable,
    'failover.list': unreachable,
    'failover.fence': unreachable,
    'failover.reroute': unreachable,
    'srs.secrets': unreachable,
    'failover.hold': unreachable,
    'failover.release': unreachable,
    'failover.takeOver': unreachable,
    'failover.switch': unreachable,
    'failover.makeSpare': unreachable,
    'queue.summary': unreachable,
    'queue.list': unreachable,
    'queue.hold': unreachable,
    'queue.release': unreachable,
    'route.invalidate': unreachable,
    'proxy.sessions': unreachable,
    'proxy.kick': unreachable,
    'proxy.hold': unreachable,
    'proxy.release': unreachable,
    'gateway.status': unreachable,
    'spam.statistics': unreachable,
    'dkim.records': unreachable,
    'dkim.rotate': unreachable,
    'dkim.activate': unreachable,
    'mail.trace': unreachable,
    'queue.show': unreachable,
    'queue.showBody': unreachable,
    'queue.flush': unreachable,
    'queue.requeue': unreachable,
    'queue.delete': unreachable,
    'auth.lockouts': unreachable,
    'auth.unlock': unreachable,
    'move.plan': unreachable,
    'move.start': unreachable,
    'move.list': unreachable,
    'move.show': unreachable,
    'move.cancel': unreachable,
    'move.rollback': unreachable,
    'move.purge': unreachable,
    'move.subscribe': unreachable,
    'move.unsubscribe': unreachable,
    'sync.figures': unreachable,
    'sync.hold': unreachable,
    'sync.release': unreachable,
    'sync.finish': unreachable,
    'sync.reverse': unreachable,
    'cutover.hold': unreachable,
    'cutover.release': unreachable,
    ...overrides,
  };
  return new RpcDispatcher({
    node: 'store05',
    handlers,
    audit,
    logger: new JsonLogger('store05', 'control', 'debug', (line) => logLines.push(line)),
    adminDomains: async () => [],
  });
}

const system = fixedCallerChannel({ kind: 'system', id: 'sys' });
const request = (method: string, params: unknown = {}) =>
  JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });

test('a result that breaks the contract is an internalError, not data on the wire', async () => {
  const answer = await dispatcher({
    'service.list': () => ({ services: [{ name: 'smtp', state: 'exploding' }] }) as never,
  }).dispatch(request('service.list'), system);
  expect(answer).toMatchObject({ id: 1, error: { code: rpcErrorCodes.internalError } });
  expect(answer && 'result' in answer).toBe(false);
});

test('an unexpected handler error gives a reference, and its text stays in the log', async () => {
  const answer = await dispatcher({
    'service.list': () => {
      throw new Error('ENOENT /var/lib/secret/path');
    },
  }).dispatch(request('service.list'), system);
  const message = answer && 'error' in answer ? answer.error.message : '';
  expect(message).toMatch(/^internal error \(reference [0-9a-f]{8}\)$/);
  const reference = /reference ([0-9a-f]{8})/.exec(message)?.[1];
  expect(logLines.some((line) => line.includes(reference!) && line.includes('ENOENT'))).toBe(true);
});

test('a deliberate MethodError passes its code and message; audited failures are recorded', async () => {
  const answer = await dispatcher({
    'service.restart': () => {
      throw new MethodError(rpcErrorCodes.notFound, 'no service named imap on this node');
    },
  }).dispatch(request('service.restart', { service: 'imap' }), system);
  expect(answer).toMatchObject({
    error: { code: rpcErrorCodes.notFound, message: 'no service named imap on this node' },
  });
  expect(await audit.tail(10)).toEqual([
    expect.objectContaining({
      method: 'service.restart',
      outcome: 'error',
      caller: { kind: 'system', id: 'sys' },
    }),
  ]);
});

test('notifications run but are never answered', async () => {
  let ran = false;
  const answer = await dispatcher({
    'service.list': () => {
      ran = true;
      return { services: [] };
    },
  }).dispatch(JSON.stringify({ jsonrpc: '2.0', method: 'service.list', params: {} }), system);
  expect(answer).toBeUndefined();
  expect(ran).toBe(true);
});
