/**
 * RpcClient over an in-process duplex pair, with the test playing the agent's side of the line
 * protocol: answers are matched by id, checked against the contract, and pending calls end when
 * the link does.
 */
import { Duplex, PassThrough } from 'node:stream';
import { expect, test } from 'vitest';
import { RpcClient } from '../../../../agent/common/rpc/rpc-client.js';
import {
  RpcCallError,
  RpcClosedError,
  RpcProtocolError,
  RpcTimeoutError,
} from '../../../../agent/common/rpc/rpc-errors.js';
import { nodeMetricsSample } from '../../../support/node-metrics-sample.js';

/** A client wired to a fake far end: `requests` yields what the client sent; `reply` answers. */
function link() {
  const toAgent = new PassThrough();
  const toClient = new PassThrough();
  const stream = Duplex.from({ readable: toClient, writable: toAgent });
  const sent: Array<Record<string, unknown>> = [];
  const waiting: Array<(request: Record<string, unknown>) => void> = [];
  toAgent.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      const request = JSON.parse(line) as Record<string, unknown>;
      const waiter = waiting.shift();
      if (waiter) waiter(request);
      else sent.push(request);
    }
  });
  const protocolErrors: Error[] = [];
  const client = new RpcClient(stream, {
    callTimeoutMs: 60_000,
    onProtocolError: (e) => protocolErrors.push(e),
  });
  return {
    client,
    protocolErrors,
    nextRequest: () =>
      sent.length > 0
        ? Promise.resolve(sent.shift()!)
        : new Promise<Record<string, unknown>>((resolve) => waiting.push(resolve)),
    reply: (message: unknown) => toClient.write(`${JSON.stringify(message)}\n`),
    end: () => stream.destroy(),
  };
}

test('answers are matched by id, in any order, and parsed with the contract', async () => {
  const { client, nextRequest, reply } = link();
  const list = client.call('service.list', {});
  const tail = client.call('audit.tail', { limit: 5 });
  const first = await nextRequest();
  const second = await nextRequest();
  expect(first).toMatchObject({ jsonrpc: '2.0', method: 'service.list', params: {} });
  expect(second).toMatchObject({ method: 'audit.tail', params: { limit: 5 } });
  reply({ jsonrpc: '2.0', id: second.id, result: { entries: [] } });
  reply({
    jsonrpc: '2.0',
    id: first.id,
    error: { code: -32001, message: 'tier peer may not call service.list' },
  });
  expect(await tail).toEqual({ entries: [] });
  const error = await list.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RpcCallError);
  expect((error as RpcCallError).codeName).toBe('forbidden');
});

test('an answer that breaks the contract rejects with RpcProtocolError', async () => {
  const { client, nextRequest, reply } = link();
  const call = client.call('service.list', {});
  reply({ jsonrpc: '2.0', id: (await nextRequest()).id, result: { services: 'all of them' } });
  await expect(call).rejects.toBeInstanceOf(RpcProtocolError);
});

test('closing the link rejects every pending call, and later calls fail at once', async () => {
  const { client, nextRequest, end } = link();
  const calls = [client.call('node.info', {}), client.call('service.list', {})];
  await nextRequest();
  end();
  for (const call of calls) await expect(call).rejects.toBeInstanceOf(RpcClosedError);
  expect(client.isClosed).toBe(true);
  await expect(client.call('node.info', {})).rejects.toBeInstanceOf(RpcClosedError);
});

test('a call without an answer times out', async () => {
  const { client } = link();
  await expect(client.call('node.info', {}, { timeoutMs: 20 })).rejects.toBeInstanceOf(RpcTimeoutError);
});

test('notifications reach listeners after their params are checked', async () => {
  const { client, reply, protocolErrors } = link();
  const received = new Promise<unknown>((resolve) => client.onNotification('metrics.sample', resolve));
  reply({
    jsonrpc: '2.0',
    method: 'metrics.sample',
    params: { subscription: 's1', sample: { broken: true } },
  });
  reply({ jsonrpc: '2.0', method: 'metrics.sample', params: { subscription: 's1', sample: sample() } });
  expect(await received).toEqual({ subscription: 's1', sample: sample() });
  expect(protocolErrors).toHaveLength(1);
});

function sample() {
  return nodeMetricsSample({ node: 'store05' });
}
