/**
 * What each role runs, in one table (the way Zigbee2MQTT's controller lists its extensions): the
 * lifecycle modules the role adds, in start order, and the RPC method groups it answers besides
 * those of every node (agent/control/method-groups.ts).
 *
 * Every node runs, whatever its role: the embedded directory when its configuration has one
 * (started first: the role is read from the directory), the directory client, metrics, the control
 * plane and enrollment (agent/daemon/agent.ts). A role's modules start after metrics and before
 * the control plane: the RPCs need their parts, and enrollment publishes their endpoints.
 */
import type { NodeRole } from './common/directory/fleet-entries.js';
import type { RoleGroupName } from './control/method-groups.js';

/** The lifecycle modules that only some roles run (agent/daemon/modules/). */
export type RoleModuleName = 'store-mail' | 'director-mail' | 'director-proxy' | 'gateway-mail';

/** One row of the table. */
export interface RoleSpec {
  /** Started in this order after the every-node modules before control. */
  modules: readonly RoleModuleName[];
  /** RPC method groups answered besides the every-node ones; the others answer not-found. */
  methodGroups: readonly RoleGroupName[];
  /** Checks passwords (mail logins, SMTP AUTH, LDAP binds): publishes `login_lockouts`. */
  checksPasswords: boolean;
}

/** Which role runs what. */
export const roles: Readonly<Record<NodeRole, RoleSpec>> = {
  store: { modules: ['store-mail'], methodGroups: ['store'], checksPasswords: true },
  spare: { modules: ['store-mail'], methodGroups: ['store'], checksPasswords: true },
  director: {
    modules: ['director-mail', 'director-proxy'],
    methodGroups: ['queue', 'route', 'proxy'],
    checksPasswords: true,
  },
  gateway: { modules: ['gateway-mail'], methodGroups: ['gateway'], checksPasswords: false },
  // The embedded LDAP server is started by configuration (`embeddedDirectory`), before the role is known.
  directory: { modules: [], methodGroups: [], checksPasswords: true },
};
