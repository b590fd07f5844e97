/**
 * The one method table of an agent: the handlers of the groups every node answers, of the role
 * groups its role runs (agent/roles.ts), and for the other role groups a refusal in the group's
 * words. The control module builds it once, at start, from the runtime's parts; the parts are
 * looked up at each call, so a service restarted under another object is still found.
 */
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import type { MethodName } from '../common/contract/methods.js';
import type { BindLockout } from '../directory/embedded/bind-throttle.js';
import type { LoginGuard } from '../mail/auth/login-guard.js';
import type { MetricsSampler } from '../metrics/metrics-sampler.js';
import type { ServiceRegistry } from '../services/service-registry.js';
import type { AuditLog } from './audit-log.js';
import { type AuditSource, auditMethods } from './audit-methods.js';
import { authMethods } from './auth-methods.js';
import { type CutoverMethodDeps, cutoverMethods } from './cutover-methods.js';
import { type DkimMethodDeps, dkimMethods } from './dkim-methods.js';
import type { AdminDomains } from './domain-scope.js';
import { type FailoverMethodDeps, failoverMethods } from './failover-methods.js';
import { type GatewayMethodDeps, gatewayMethods } from './gateway-methods.js';
import { type RoleGroupMethod, type RoleGroupName, roleGroups } from './method-groups.js';
import { MethodError, type MethodHandler, type MethodHandlers } from './method-handler.js';
import { metricsMethods } from './metrics-methods.js';
import { type MoveMethodDeps, moveMethods } from './move-methods.js';
import { type NodeFacts, nodeMethods } from './node-methods.js';
import { type ProxyMethodDeps, proxyMethods } from './proxy-methods.js';
import { type QueueMethodDeps, queueMethods } from './queue-methods.js';
import { type RouteMethodDeps, routeMethods } from './route-methods.js';
import { serviceMethods } from './service-methods.js';
import { type SrsMethodDeps, srsMethods } from './srs-methods.js';
import { type StoreMethodDeps, storeMethods } from './store-methods.js';
import { type SyncMethodDeps, syncMethods } from './sync-methods.js';
import { type TraceMethodDeps, traceMethods } from './trace-methods.js';

/** What the handlers read: the node's registries and, through getters, the parts its modules run. */
export interface MethodTableDeps {
  facts: () => NodeFacts;
  services: ServiceRegistry;
  sampler: MetricsSampler;
  audit: AuditLog;
  /** The embedded directory's record of its writes (directory nodes only). */
  directoryAudit: () => AuditSource | undefined;
  adminDomains: AdminDomains;
  now: () => number;
  /** The node's password-guessing guard (mail logins). */
  loginGuard: LoginGuard;
  /** The embedded directory's bind lockouts now (empty on nodes that run none). */
  directoryLockouts: () => BindLockout[];
  /** Lifts one of them; false when it had none or the node runs no embedded directory. */
  directoryUnlock: (kind: BindLockout['kind'], key: string) => boolean;
  store: Omit<StoreMethodDeps, 'adminDomains'>;
  queue: Omit<QueueMethodDeps, 'adminDomains'>;
  route: RouteMethodDeps;
  proxy: Omit<ProxyMethodDeps, 'adminDomains'>;
  gateway: Omit<GatewayMethodDeps, 'adminDomains'>;
  dkim: DkimMethodDeps;
  /** The director's SRS secrets, for gateways (`srs` group). */
  srs: SrsMethodDeps;
  /** Mailbox moves (`move` and `sync` groups): the node's moves. */
  moves: Omit<MoveMethodDeps, 'adminDomains'> & SyncMethodDeps;
  cutover: CutoverMethodDeps;
  trace: Omit<TraceMethodDeps, 'adminDomains'>;
  /** Failover of logical stores (`failover` and `reroute` groups). */
  failover: FailoverMethodDeps;
}

type RoleGroupHandlers<G extends RoleGroupName> = Pick<MethodHandlers, RoleGroupMethod<G>>;

const roleGroupHandlers: { [G in RoleGroupName]: (deps: MethodTableDeps) => RoleGroupHandlers<G> } = {
  store: (deps) => storeMethods({ ...deps.store, adminDomains: deps.adminDomains }),
  queue: (deps) => queueMethods({ ...deps.queue, adminDomains: deps.adminDomains }),
  route: (deps) => routeMethods(deps.route),
  proxy: (deps) => proxyMethods({ ...deps.proxy, adminDomains: deps.adminDomains }),
  gateway: (deps) => gatewayMethods({ ...deps.gateway, adminDomains: deps.adminDomains }),
  dkim: (deps) => dkimMethods(deps.dkim),
  srs: (deps) => srsMethods(deps.srs),
  move: (deps) => moveMethods({ ...deps.moves, adminDomains: deps.adminDomains }),
  sync: (deps) => syncMethods(deps.moves),
  cutover: (deps) => cutoverMethods(deps.cutover),
  failover: (deps) => {
    const all = failoverMethods(deps.failover);
    return {
      'failover.start': all['failover.start'],
      'failover.list': all['failover.list'],
      'failover.fence': all['failover.fence'],
      'failover.takeOver': all['failover.takeOver'],
      'failover.switch': all['failover.switch'],
      'failover.makeSpare': all['failover.makeSpare'],
    };
  },
  // A director runs only these: the job's calls, not the jobs.
  reroute: (deps) => {
    const all = failoverMethods(deps.failover);
    return {
      'failover.reroute': all['failover.reroute'],
      'failover.hold': all['failover.hold'],
      'failover.release': all['failover.release'],
    };
  },
};

/** Every method of the contract for a node that runs `groups` besides the every-node groups. */
export function methodTable(groups: readonly RoleGroupName[], deps: MethodTableDeps): MethodHandlers {
  const table: Partial<Record<MethodName, MethodHandler<MethodName>>> = {
    ...nodeMethods({ facts: deps.facts, services: deps.services, sampler: deps.sampler }),
    ...metricsMethods({ sampler: deps.sampler }),
    ...serviceMethods({ services: deps.services }),
    ...auditMethods({
      audit: deps.audit,
      directoryAudit: deps.directoryAudit,
      adminDomains: deps.adminDomains,
      now: deps.now,
    }),
    ...authMethods({
      guard: deps.loginGuard,
      directoryLockouts: deps.directoryLockouts,
      directoryUnlock: deps.directoryUnlock,
      adminDomains: deps.adminDomains,
      now: deps.now,
    }),
    ...traceMethods({ ...deps.trace, adminDomains: deps.adminDomains }),
  } as Partial<Record<MethodName, MethodHandler<MethodName>>>;
  const runs = new Set(groups);
  for (const group of Object.keys(roleGroups) as RoleGroupName[]) {
    if (runs.has(group)) Object.assign(table, roleGroupHandlers[group](deps));
    else for (const method of roleGroups[group].methods) table[method] = refusal(roleGroups[group].absent);
  }
  return table as MethodHandlers;
}

function refusal(absent: string): MethodHandler<MethodName> {
  return () => {
    throw new MethodError(rpcErrorCodes.notFound, absent);
  };
}
