/**
 * The `directory` role reports its bind throttle: an agent running the embedded directory, a
 * password-guessing run against an admin DN from another address, and what the agent then says in
 * its role counters, its Prometheus endpoint and its log.
 */
import { InvalidCredentialsError } from 'ldapts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { adminEntry } from '../../../agent/common/directory/seed-entries.js';
import { type DirectoryRoleAgent, startDirectoryRoleAgent } from '../../support/directory-role-agent.js';
import { tryBind } from '../../support/ldap-bind.js';

const attacker = '127.0.0.2';
let node: DirectoryRoleAgent;
let clockOffset = 0;
const logLines: string[] = [];

function bindFrom(localAddress: string, dn: string, password: string): Promise<unknown> {
  return tryBind(node.ldapUrl, dn, password, localAddress);
}

beforeAll(async () => {
  node = await startDirectoryRoleAgent({
    name: 'directory-guard',
    entries: (tree) => [
      adminEntry(tree, { uid: 'sys', displayName: 'Sys', tier: 'system', password: 'sys-secret' }),
    ],
    log: 'info',
    dependencies: {
      clock: { now: () => Date.now() + clockOffset },
      logSink: (line) => logLines.push(line),
    },
  });
});

afterAll(async () => {
  await node?.stop();
});

describe('the directory role', () => {
  test('counts failed and throttled binds and locked DNs, and logs the lock', async () => {
    const { agent, tree } = node;
    const before = agent.counters.readAll();
    expect(before).toMatchObject({ directory_locked_dns: 0, directory_binds_throttled_total: 0 });
    expect(before.directory_connections).toBeGreaterThanOrEqual(1);
    const sys = tree.admin('sys');
    for (let i = 0; i < 10; i++) {
      expect(await bindFrom(attacker, sys, `guess-${i}`)).toBeInstanceOf(InvalidCredentialsError);
    }
    expect(await bindFrom(attacker, sys, 'sys-secret')).toBeInstanceOf(InvalidCredentialsError);
    // The counters are read at most every 500 ms by the agent's clock.
    clockOffset += 1_000;
    expect(agent.counters.readAll()).toMatchObject({
      directory_binds_failed_total: 10,
      directory_binds_throttled_total: 1,
      directory_locked_dns: 1,
      directory_locked_addresses: 0,
    });
    // The Prometheus endpoint serves the sampler's latest sample (one a second): wait for the next.
    let text = '';
    for (let i = 0; i < 50 && !/^mailfleet_directory_locked_dns\{[^}]*\} 1$/m.test(text); i++) {
      await new Promise((r) => setTimeout(r, 200));
      text = await (await fetch(`http://127.0.0.1:${agent.endpoints().metricsPort}/metrics`)).text();
    }
    expect(text).toMatch(/^mailfleet_directory_locked_dns\{[^}]*\} 1$/m);
    expect(text).toMatch(/^mailfleet_directory_binds_throttled_total\{[^}]*\} 1$/m);
    const locked = logLines.map((line) => JSON.parse(line)).find((l) => /DN locked/.test(l.msg));
    expect(locked).toMatchObject({ level: 'warn', fields: { dn: sys, failures: 10, lockSeconds: 300 } });
    expect(logLines.join('\n')).not.toMatch(/guess-|sys-secret/);
  });
});
