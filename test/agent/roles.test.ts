/**
 * The role table (agent/roles.ts) and the method table built from it (agent/control/method-table.ts):
 * every method of the contract belongs to one group, every role's table answers every method, and
 * the groups a role does not run refuse with not-found in the group's words. That each role's
 * agent really runs its groups is checked over SSH in test/agent/daemon/role-method-groups.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../agent/common/clock.js';
import { rpcErrorCodes } from '../../agent/common/contract/json-rpc.js';
import { type MethodName, methods } from '../../agent/common/contract/methods.js';
import { nodeRoles } from '../../agent/common/directory/fleet-entries.js';
import { AuditLog } from '../../agent/control/audit-log.js';
import { everyNodeGroups, type RoleGroupName, roleGroups } from '../../agent/control/method-groups.js';
import { MethodError } from '../../agent/control/method-handler.js';
import { type MethodTableDeps, methodTable } from '../../agent/control/method-table.js';
import { LoginGuard } from '../../agent/mail/auth/login-guard.js';
import { MailTraceLog } from '../../agent/mail/trace/mail-trace-log.js';
import { CounterRegistry } from '../../agent/metrics/counter-registry.js';
import { MetricsSampler } from '../../agent/metrics/metrics-sampler.js';
import { roles } from '../../agent/roles.js';
import { ServiceRegistry } from '../../agent/services/service-registry.js';
import { fixedCallerChannel } from '../support/fixed-caller-channel.js';

let dir: string;
let deps: MethodTableDeps;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailfleet-roles-'));
  const services = new ServiceRegistry(systemClock);
  // Real parts, none started: the table is only built here, and the refusals touch none of them.
  deps = {
    facts: () => {
      throw new Error('node.info is not called here');
    },
    services,
    sampler: new MetricsSampler({
      node: 'node01',
      role: 'store',
      dataDir: dir,
      services,
      counters: new CounterRegistry(),
      clock: systemClock,
    }),
    audit: new AuditLog(join(dir, 'audit.log')),
    directoryAudit: () => undefined,
    adminDomains: async () => [],
    now: () => systemClock.now(),
    loginGuard: new LoginGuard({ clock: systemClock }),
    directoryLockouts: () => [],
    directoryUnlock: () => false,
    store: { stack: () => undefined, findUser: async () => undefined },
    queue: { queue: () => undefined, router: () => undefined },
    route: { router: () => undefined, proxies: () => undefined },
    proxy: { proxies: () => undefined, primaryAddress: async () => undefined },
    gateway: { gateway: () => undefined },
    dkim: { keys: () => undefined },
    srs: { srs: () => undefined, roleOf: async () => undefined },
    trace: { trace: new MailTraceLog() },
    moves: { moves: () => undefined },
    cutover: {
      holds: () => undefined,
      directory: {
        findUserByAddress: async () => undefined,
        listLogicalStores: async () => [],
      },
    },
    failover: {
      node: 'node01',
      directory: { getLogicalStore: async () => undefined, searchUsers: async () => [] },
      failover: () => undefined,
      ownership: () => undefined,
      router: () => undefined,
      proxies: () => undefined,
      queue: () => undefined,
      switchoverHolds: () => undefined,
    },
  };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const caller = { kind: 'system' as const, id: 'sys' };

describe('the role table', () => {
  it('puts every method of the contract in exactly one group', () => {
    const grouped = [
      ...Object.values(everyNodeGroups).flat(),
      ...Object.values(roleGroups).flatMap((group) => group.methods),
    ];
    expect(new Set(grouped).size).toBe(grouped.length);
    expect([...grouped].sort()).toEqual(Object.keys(methods).sort());
  });

  it('has a row for every role, naming only known groups', () => {
    expect(Object.keys(roles).sort()).toEqual([...nodeRoles].sort());
    for (const role of nodeRoles) {
      for (const group of roles[role].methodGroups) expect(Object.keys(roleGroups)).toContain(group);
    }
  });

  it.each(nodeRoles)(
    'a %s answers every method and refuses the groups it does not run in their words',
    async (role) => {
      const table = methodTable(roles[role].methodGroups, deps);
      expect(Object.keys(table).sort()).toEqual(Object.keys(methods).sort());
      const notRun = (Object.keys(roleGroups) as RoleGroupName[]).filter(
        (group) => !roles[role].methodGroups.includes(group),
      );
      for (const group of notRun) {
        for (const method of roleGroups[group].methods as readonly MethodName[]) {
          const handler = table[method] as (params: unknown, context: unknown) => unknown;
          let refusal: unknown;
          try {
            await handler({}, { caller, channel: fixedCallerChannel(caller) });
          } catch (error) {
            refusal = error;
          }
          expect(refusal).toBeInstanceOf(MethodError);
          expect(refusal).toMatchObject({ code: rpcErrorCodes.notFound, message: roleGroups[group].absent });
        }
      }
    },
  );
});
