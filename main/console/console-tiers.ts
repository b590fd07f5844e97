/**
 * Which console calls each admin tier may make when it signed in with a password (issue 15,
 * docs/delegation.md). The agents and the directory refuse what a tier may not do whatever the
 * console asks; this table makes the console core refuse it too, before any node or the directory
 * is asked, so a call crafted on the page (a view the tier does not see) gets `forbidden` in words
 * and the console never gathers another department's data for it.
 *
 * A call that forwards one agent method takes the agent's own row of the access matrix; the
 * others are listed here, so a call added to the contract without a row does not compile.
 */
import { isAllowed } from '../../agent/common/contract/access-matrix.js';
import type { ConsoleCallName, ConsoleCallSpec, NodeCallName } from './console-contract.js';
import { consoleCalls } from './console-contract.js';

/** A tier that may use the console. */
export type ConsoleTier = 'system' | 'helpdesk' | 'domain';

const all: readonly ConsoleTier[] = ['system', 'helpdesk', 'domain'];
const staff: readonly ConsoleTier[] = ['system', 'helpdesk'];
const system: readonly ConsoleTier[] = ['system'];

/**
 * The calls that are not one agent method. `all` where the answer is already limited to the
 * admin's domains by whoever answers it: the directory's access rules (directory.*, read and
 * written with the admin's own bind) or the agents' domain scope (mail.trace, audit, lockouts,
 * moves).
 */
// biome-ignore format: a table is easier to check by eye aligned
const consoleOnlyCalls: Record<Exclude<ConsoleCallName, NodeCallName>, readonly ConsoleTier[]> = {
  'fleet.snapshot':          all,
  'queue.fleet':             staff,
  'mail.trace':              all,
  'audit.tail':              all,
  'auth.lockouts':           all,
  'locale.get':              all,
  'locale.set':              all,
  'directory.overview':      all,
  'directory.search':        all,
  'directory.refreshIndex':  all,
  'directory.user':          all,
  'directory.updateUser':    all,
  'directory.resetPassword': all,
  'directory.addUser':       all,
  'directory.deleteUser':    all,
  'directory.aliases':       all,
  'directory.addAlias':      all,
  'directory.setAliasTargets': all,
  'directory.deleteAlias':   all,
  'directory.groups':        all,
  'directory.addGroup':      all,
  'directory.setGroupMembers': all,
  'directory.deleteGroup':   all,
  'directory.spamPolicy':    all,
  'directory.setSpamPolicy': all,
  'directory.mailbox':       all,
  'directory.userMailSettings':    all,
  'directory.setUserMailSettings': all,
  'move.plan':               all,
  'move.start':              all,
  'move.list':               all,
  'move.show':               all,
  'move.cancel':             all,
  'move.rollback':           all,
  'move.purge':              staff,
  'move.stores':             all,
  'move.suggest':            all,
  'failover.overview':       staff,
  'failover.plan':           staff,
  'failover.start':          system,
  // Switch to spare and Make spare (issue 13): planning for staff, the changes for system admins.
  'failover.switchPlan':     staff,
  'failover.switch':         system,
  'failover.makeSparePlan':  staff,
  'failover.makeSpare':      system,
  'fleet.addNodeForm':       system,
  'fleet.addNode':           system,
  'session.state':           all,
  'session.signIn':          all,
  'session.signOut':         all,
  'session.touch':           all,
};

/** Whether a signed-in admin of `tier` may make console call `name`. */
export function tierMayCall(tier: ConsoleTier, name: ConsoleCallName): boolean {
  const method = (consoleCalls[name] as ConsoleCallSpec).onNode;
  if (method) return isAllowed(method, tier);
  return consoleOnlyCalls[name as Exclude<ConsoleCallName, NodeCallName>].includes(tier);
}
