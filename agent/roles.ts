/**
 * What each role runs, in one table (the way Zigbee2MQTT's controller lists its extensions): the
 * lifecycle modules the role adds, in start order, and the RPC method groups it answers besides
 * those of every node (agent/control/method-groups.ts).
 *
 * Every node runs, whatever its role: the embedded directory when its configuration has one
 * (started first: the role is read from the directory), the directory client, metrics, the control
 * plane and enrollment (agent/daemon/agent.ts). A role's modules start after metrics and before
 * the control plane: the RPCs need their parts, and enrollment publishes their endpoints. Its
 * modules after control start last: they call other nodes' agents with the host key that the
 * control module loads (a mailbox move resuming at start).
 */
import type { NodeRole } from './common/directory/fleet-entries.js';
import type { RoleGroupName } from './control/method-groups.js';

/** The lifecycle modules that only some roles run (agent/daemon/modules/). */
export type RoleModuleName =
  | 'store-mail'
  | 'store-moves'
  | 'store-replication'
  | 'store-failover'
  | 'director-mail'
  | 'director-proxy'
  | 'cutover-holds'
  | 'switchover-holds'
  | 'gateway-mail';

/** One row of the table. */
export interface RoleSpec {
  /** Started in this order after the every-node modules before control. */
  modules: readonly RoleModuleName[];
  /** Started in this order after control and enrollment: they call peers with the node's host key. */
  modulesAfterControl: readonly RoleModuleName[];
  /** RPC method groups answered besides the every-node ones; the others answer not-found. */
  methodGroups: readonly RoleGroupName[];
  /** Checks passwords (mail logins, SMTP AUTH, LDAP binds): publishes `login_lockouts`. */
  checksPasswords: boolean;
}

/** Which role runs what. */
export const roles: Readonly<Record<NodeRole, RoleSpec>> = {
  store: {
    // Replication first: the mail services' storage journals every change through it.
    modules: ['store-replication', 'store-mail'],
    modulesAfterControl: ['store-moves', 'store-failover'],
    methodGroups: ['store', 'move', 'sync', 'failover'],
    checksPasswords: true,
  },
  spare: {
    // Replication first: the mail services' storage journals every change through it.
    modules: ['store-replication', 'store-mail'],
    modulesAfterControl: ['store-moves', 'store-failover'],
    methodGroups: ['store', 'move', 'sync', 'failover'],
    checksPasswords: true,
  },
  director: {
    // The move and switch-over holds act on the queue, the proxies and the routes: after the
    // modules that make them.
    modules: ['director-mail', 'director-proxy', 'cutover-holds', 'switchover-holds'],
    modulesAfterControl: [],
    methodGroups: ['queue', 'route', 'proxy', 'cutover', 'dkim', 'reroute', 'srs'],
    checksPasswords: true,
  },
  gateway: {
    modules: ['gateway-mail'],
    modulesAfterControl: [],
    methodGroups: ['gateway'],
    checksPasswords: false,
  },
  // The embedded LDAP server is started by configuration (`embeddedDirectory`), before the role is known.
  directory: { modules: [], modulesAfterControl: [], methodGroups: [], checksPasswords: true },
};
