/**
 * The `directory` role reports its bind throttle: an agent running the embedded directory, a
 * password-guessing run against an admin DN from another address, and what the agent then says in
 * its role counters, its Prometheus endpoint and its log.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidCredentialsError } from 'ldapts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FleetTree } from '../../../agent/common/directory/fleet-entries.js';
import {
  adminEntry,
  directoryBaseEntries,
  serverEntry,
} from '../../../agent/common/directory/seed-entries.js';
import { Agent } from '../../../agent/daemon/agent.js';
import { parseAgentConfig } from '../../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../../agent/daemon/production-dependencies.js';
import { importDirectoryEntries } from '../../../agent/directory/embedded/import-entries.js';
import { probeFreePort } from '../../support/free-port.js';
import { tryBind } from '../../support/ldap-bind.js';

const baseDn = 'dc=mailfleet,dc=lab';
const tree = new FleetTree(baseDn);
const attacker = '127.0.0.2';
let root: string;
let agent: Agent;
let ldapUrl: string;
let clockOffset = 0;
const logLines: string[] = [];

function bindFrom(localAddress: string, dn: string, password: string): Promise<unknown> {
  return tryBind(ldapUrl, dn, password, localAddress);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mailfleet-directory-guard-'));
  const ldapDataDir = join(root, 'ldap');
  await importDirectoryEntries(ldapDataDir, baseDn, [
    ...directoryBaseEntries(tree),
    serverEntry(tree, {
      name: 'directory01',
      role: 'directory',
      address: '127.0.0.1',
      controlPort: 1,
      password: 'directory01-secret',
    }),
    adminEntry(tree, { uid: 'sys', displayName: 'Sys', tier: 'system', password: 'sys-secret' }),
  ]);
  const ldapPort = await probeFreePort();
  ldapUrl = `ldap://127.0.0.1:${ldapPort}`;
  const bindPasswordFile = join(root, 'bind-password');
  await writeFile(bindPasswordFile, 'directory01-secret', { mode: 0o600 });
  agent = new Agent(
    parseAgentConfig({
      node: 'directory01',
      dataDir: join(root, 'node'),
      directory: { url: ldapUrl, baseDn, bindDn: tree.server('directory01'), bindPasswordFile },
      control: { host: '127.0.0.1', port: 0 },
      metricsHttp: { host: '127.0.0.1', port: 0 },
      embeddedDirectory: { host: '127.0.0.1', port: ldapPort, dataDir: ldapDataDir, baseDn },
      log: { level: 'info' },
    }),
    productionDependencies({
      clock: { now: () => Date.now() + clockOffset },
      logSink: (line) => logLines.push(line),
    }),
  );
  await agent.start();
});

afterAll(async () => {
  await agent?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the directory role', () => {
  test('counts failed and throttled binds and locked DNs, and logs the lock', async () => {
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
