/**
 * `mailbox.list`, `mailbox.stats`, `session.list` and `session.kick` on a store's mail stack.
 *
 * Authorization beyond the dispatcher's (access-matrix.ts): a `domain` admin sees and acts on users
 * of their delegated domains only (their admin entry's `mailfleetAdminDomain`, read from the
 * directory at each call so a revoked delegation takes effect at once). The dispatcher has checked
 * the address given; here the check is on the user that address belongs to, because an address
 * in the admin's domain (an alias) may belong to another department's user.
 */
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import type { MailboxListEntry, MailSession } from '../common/contract/methods.js';
import type { MailStack } from '../mail/store/mail-stack.js';
import type { StoreUser } from '../mail/store/store-users.js';
import type { StoreReplication } from '../replication/store-replication.js';
import type { Caller } from './caller-key-cache.js';
import { callerDomains, domainOf, requireUserInScope } from './domain-scope.js';
import { roleGroups } from './method-groups.js';
import { MethodError, type MethodHandlers } from './method-handler.js';

/** What the store methods read. */
export interface StoreMethodDeps {
  /** The node's mail stack; undefined on nodes without mail services. */
  stack: () => MailStack | undefined;
  /** A user from the directory, with quota and whether this node serves their store. */
  findUser: (address: string) => Promise<StoreUser | undefined>;
  /** Delegated domains of an admin (lower case); empty if none or unknown. */
  adminDomains: (uid: string) => Promise<string[]>;
  /** Told when an admin kicked a user (to forget cached logins). */
  onKick?: (user: string) => void;
  /** The node's replication (docs/replication.md); undefined on nodes without mail services. */
  replication?: () => StoreReplication | undefined;
}

type StoreMethods = Pick<
  MethodHandlers,
  'mailbox.list' | 'mailbox.stats' | 'session.list' | 'session.kick' | 'replication.status'
>;

/** Handlers of the store group. */
export function storeMethods(deps: StoreMethodDeps): StoreMethods {
  const needStack = (): MailStack => {
    const stack = deps.stack();
    if (!stack) throw new MethodError(rpcErrorCodes.notFound, roleGroups.store.absent);
    return stack;
  };
  /** The domains a caller is limited to, or undefined for no limit. */
  const scope = (caller: Caller): Promise<Set<string> | undefined> =>
    callerDomains(caller, deps.adminDomains);
  const mayTouch = (caller: Caller, user: string): Promise<void> =>
    requireUserInScope(caller, user, deps.adminDomains);

  return {
    'mailbox.list': async ({ prefix, offset, limit }, { caller }) => {
      const stack = needStack();
      const domains = await scope(caller);
      const wanted = prefix?.toLowerCase();
      const all = (await stack.listMailboxes()).filter(
        (mailbox) =>
          (!domains || domains.has(domainOf(mailbox.user))) && (!wanted || mailbox.user.startsWith(wanted)),
      );
      const mailboxes = all.slice(offset, offset + limit).map((mailbox): MailboxListEntry => {
        const entry: MailboxListEntry = {
          user: mailbox.user,
          sizeBytes: mailbox.sizeBytes,
          messages: mailbox.messages,
          quotaBytes: mailbox.quotaBytes,
        };
        if (mailbox.quotaBytes > 0)
          entry.quotaUsedPercent = round((100 * mailbox.sizeBytes) / mailbox.quotaBytes);
        if (mailbox.lastLoginAt !== undefined) entry.lastLoginAt = mailbox.lastLoginAt;
        return entry;
      });
      return { mailboxes, total: all.length, offset };
    },

    'mailbox.stats': async ({ user }, { caller }) => {
      const address = user.toLowerCase();
      const stack = needStack();
      const found = await deps.findUser(address);
      // Before anything about the user is told (even which store holds them).
      if (found) await mayTouch(caller, found.user);
      if (found && !found.servedHere)
        throw new MethodError(
          rpcErrorCodes.notFound,
          `${found.user} is on store ${found.entry.mailHost}, which this node does not serve`,
        );
      const name = found?.user ?? address;
      const summary = (await stack.listMailboxes()).find((mailbox) => mailbox.user === name);
      if (!found && !summary)
        throw new MethodError(rpcErrorCodes.notFound, `no user or mailbox ${address} on this store`);
      const detail = await stack.mailboxDetail(name, found?.quotaBytes ?? summary?.quotaBytes ?? 0);
      return {
        user: detail.user,
        exists: detail.exists,
        folders: detail.folders,
        quota: detail.quota,
        ...(detail.lastLoginAt === undefined ? {} : { lastLoginAt: detail.lastLoginAt }),
      };
    },

    'session.list': async ({ user }, { caller }) => {
      const stack = needStack();
      const domains = await scope(caller);
      const wanted = user?.toLowerCase();
      const sessions = stack.sessions().filter((session) => {
        // A domain admin sees only logged-in sessions of their domains (not who is connecting).
        if (domains && (!session.user || !domains.has(domainOf(session.user)))) return false;
        return !wanted || session.user === wanted;
      });
      return { sessions: sessions.map((session): MailSession => ({ ...session })) };
    },

    'replication.status': async () => {
      const replication = deps.replication?.();
      if (!replication) throw new MethodError(rpcErrorCodes.notFound, roleGroups.store.absent);
      return { streams: replication.status(), replicas: (await replication.replicas?.status()) ?? [] };
    },

    'session.kick': async ({ user }, { caller }) => {
      const stack = needStack();
      // Sessions and cached logins are by primary address: kicking `a.smith@...` kicks alice.
      const address = (await deps.findUser(user.toLowerCase()))?.user ?? user.toLowerCase();
      await mayTouch(caller, address);
      const closed = stack.kick(address);
      deps.onKick?.(address);
      return { closed };
    },
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
