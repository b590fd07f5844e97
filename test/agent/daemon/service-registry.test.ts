import { describe, expect, test } from 'vitest';
import { ServiceRegistry, UnknownServiceError } from '../../../agent/services/service-registry.js';

function clock() {
  let now = 1000;
  return { now: () => now++ };
}

describe('ServiceRegistry', () => {
  test('tracks state through start, restart and stop', async () => {
    const registry = new ServiceRegistry(clock());
    const calls: string[] = [];
    registry.register({
      name: 'smtp',
      start: async () => {
        calls.push('start');
        return 'listening on 127.0.0.1:2525';
      },
      stop: async () => {
        calls.push('stop');
      },
    });
    expect(registry.status('smtp').state).toBe('stopped');
    expect(await registry.start('smtp')).toMatchObject({
      state: 'running',
      detail: 'listening on 127.0.0.1:2525',
    });
    expect(await registry.restart('smtp')).toMatchObject({ state: 'running', restarts: 1 });
    expect(await registry.stop('smtp')).toMatchObject({ state: 'stopped', restarts: 1 });
    expect(calls).toEqual(['start', 'stop', 'start', 'stop']);
  });

  test('a failing start leaves the service failed with the reason', async () => {
    const registry = new ServiceRegistry(clock());
    registry.register({
      name: 'imap',
      start: async () => {
        throw new Error('port 143 in use');
      },
      stop: async () => {},
    });
    await expect(registry.start('imap')).rejects.toThrow('port 143 in use');
    expect(registry.status('imap')).toMatchObject({ state: 'failed', detail: 'port 143 in use' });
  });

  test('a custom restart is used instead of stop+start', async () => {
    const registry = new ServiceRegistry(clock());
    const calls: string[] = [];
    registry.register({
      name: 'control',
      start: async () => 'up',
      stop: async () => {
        calls.push('stop');
      },
      restart: async () => {
        calls.push('restart');
        return 'up again';
      },
    });
    await registry.start('control');
    expect(await registry.restart('control')).toMatchObject({ state: 'running', detail: 'up again' });
    expect(calls).toEqual(['restart']);
  });

  test('unknown services are named in the error', () => {
    const registry = new ServiceRegistry(clock());
    expect(() => registry.status('pop3')).toThrow(UnknownServiceError);
  });
});
