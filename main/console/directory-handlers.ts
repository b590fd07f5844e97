/**
 * The console service's `directory.*` calls: DirectoryAdmin (main/core) for the directory itself,
 * and the store agent serving a user's logical store for quota use and last login. A DirectoryAdmin
 * never throws: its refusals come back as errors in words, which the console passes on as results.
 */
import type { FleetDirectory } from '../../agent/common/directory/fleet-directory.js';
import type { DirectoryAdmin } from '../core/directory-admin/directory-admin.js';
import type { DirectoryAdminResult } from '../core/directory-admin/directory-admin-contract.js';
import {
  directoryAdminError,
  toDirectoryAdminError,
} from '../core/directory-admin/directory-admin-errors.js';
import { ConsoleCallError } from './console-call-error.js';
import type { ConsoleFleet } from './console-service.js';
import type { MailboxUsage } from './directory-calls.js';

/** What the directory calls work with; absent when the console has no directory administration. */
export interface DirectoryAdministration {
  admin: DirectoryAdmin;
  /** The console's directory client, to find which node serves a logical store. */
  directory: Pick<FleetDirectory, 'listLogicalStores'>;
}

/**
 * The handlers of every `directory.*` call; `context` is read at each call (the service's options
 * are not set yet when its handler table is built).
 */
export function directoryHandlers(
  context: () => { directory?: DirectoryAdministration | undefined; fleet: ConsoleFleet },
) {
  const admin = (): DirectoryAdmin => {
    const administration = context().directory;
    if (!administration) {
      throw new ConsoleCallError('unavailable', 'this console has no directory administration configured');
    }
    return administration.admin;
  };
  return {
    'directory.overview': async (p: unknown) => admin().overview(p),
    'directory.search': async (p: unknown) => admin().search(p),
    'directory.refreshIndex': async (p: unknown) => admin().refreshIndex(p),
    'directory.user': async (p: unknown) => admin().user(p),
    'directory.updateUser': async (p: unknown) => admin().updateUser(p),
    'directory.resetPassword': async (p: unknown) => admin().resetPassword(p),
    'directory.addUser': async (p: unknown) => admin().addUser(p),
    'directory.deleteUser': async (p: unknown) => admin().deleteUser(p),
    'directory.aliases': async (p: unknown) => admin().aliases(p),
    'directory.addAlias': async (p: unknown) => admin().addAlias(p),
    'directory.setAliasTargets': async (p: unknown) => admin().setAliasTargets(p),
    'directory.deleteAlias': async (p: unknown) => admin().deleteAlias(p),
    'directory.groups': async (p: unknown) => admin().groups(p),
    'directory.addGroup': async (p: unknown) => admin().addGroup(p),
    'directory.setGroupMembers': async (p: unknown) => admin().setGroupMembers(p),
    'directory.deleteGroup': async (p: unknown) => admin().deleteGroup(p),
    'directory.spamPolicy': async (p: unknown) => admin().spamPolicy(p),
    'directory.setSpamPolicy': async (p: unknown) => admin().setSpamPolicy(p),
    'directory.userMailSettings': async (p: unknown) => admin().userMailSettings(p),
    'directory.setUserMailSettings': async (p: unknown) => admin().setUserMailSettings(p),
    'directory.mailbox': async (p: { address: string }): Promise<DirectoryAdminResult<MailboxUsage>> => {
      const page = await admin().user(p);
      if (!page.ok) return page;
      const user = page.value;
      let servedBy: string | undefined;
      try {
        const stores = await context().directory!.directory.listLogicalStores();
        servedBy = stores.find((store) => store.name === user.logicalStore)?.servedBy;
      } catch (error) {
        return { ok: false, error: toDirectoryAdminError(error) };
      }
      if (!servedBy) {
        const detail = `no logical store named ${user.logicalStore} in the directory`;
        return { ok: false, error: directoryAdminError('not-found', detail, 'logicalStore') };
      }
      const fleet = context().fleet;
      if (!fleet.nodeNames().includes(servedBy)) {
        throw new ConsoleCallError('not-found', `no node named ${servedBy} in the directory`);
      }
      // A store node that does not answer is the console's problem to say (unavailable), not the directory's.
      const stats = await fleet.call(servedBy, 'mailbox.stats', { user: user.mail });
      return {
        ok: true,
        value: {
          address: user.mail,
          logicalStore: user.logicalStore,
          node: servedBy,
          exists: stats.exists,
          usedBytes: stats.quota.usedBytes,
          messages: stats.quota.messages,
          limitBytes: stats.quota.limitBytes,
          lastLoginAt: stats.lastLoginAt ?? null,
        },
      };
    },
  };
}
