/**
 * Directory administration as the console calls it: search the user index, read and edit a user,
 * reset a password, add and delete users, and manage a domain's aliases and groups. Every call
 * takes `unknown` input, parses it with the schema of directory-admin-contract.ts and returns a
 * result or an error in words; nothing throws at the caller.
 *
 * Who may do what is decided by the directory server's access rules for the identity this client
 * binds as (docs/directory.md), not here: a refusal comes back as `not-allowed`.
 */
import type { z } from 'zod';
import { DirectoryError, ldapResultCodes } from '../../../agent/common/directory/directory-errors.js';
import type { FleetDirectory, MailUserInput } from '../../../agent/common/directory/fleet-directory.js';
import type { MailUserEntry } from '../../../agent/common/directory/fleet-entries.js';
import { addressHolder } from './address-holder.js';
import {
  type DirectoryAdminCall,
  type DirectoryAdminResult,
  type DirectoryAdminValue,
  directoryAdminCalls,
  type UserPage,
} from './directory-admin-contract.js';
import { checkPassword, inputError, refuse, toDirectoryAdminError } from './directory-admin-errors.js';
import { MailListAdmin } from './mail-list-admin.js';
import { checkQuotaBudget } from './quota-budget.js';
import { readSpamPolicy, writeSpamPolicy } from './spam-policy-admin.js';
import { toUserSummary, UserIndex } from './user-index.js';
import { userMailSettings, withAddressWords, writeUserMailSettings } from './user-mail-settings-admin.js';

/** A write made through {@link DirectoryAdmin}, for an audit trail. Never carries a password. */
export interface DirectoryAdminChange {
  call: DirectoryAdminCall;
  /** The address, alias or `group@domain` written. */
  target: string;
  ok: boolean;
  /** The error code when refused. */
  code?: string;
}

/** What a {@link DirectoryAdmin} works with. */
export interface DirectoryAdminOptions {
  /** A client bound as the admin's own directory entry (its tier decides what the server allows). */
  directory: FleetDirectory;
  /** Told of every write and its outcome. */
  onChange?: (change: DirectoryAdminChange) => void;
}

type Input<C extends DirectoryAdminCall> = z.output<(typeof directoryAdminCalls)[C]['input']>;

/** The directory administration service of the console core. */
export class DirectoryAdmin {
  /** The users this admin may read, for search. */
  readonly index: UserIndex;
  private readonly directory: FleetDirectory;
  private readonly lists: MailListAdmin;

  constructor(private readonly options: DirectoryAdminOptions) {
    this.directory = options.directory;
    this.index = new UserIndex(options.directory);
    this.lists = new MailListAdmin(options.directory, this.index, (address) => this.requireUser(address));
  }

  /** The domains (with user counts) and logical stores, for the view's filters. */
  overview(input: unknown = {}): Promise<DirectoryAdminResult<DirectoryAdminValue<'overview'>>> {
    return this.run('overview', input, async () => {
      await this.index.ensureLoaded();
      const [domains, stores] = await Promise.all([
        this.directory.listDomains(),
        this.directory.listLogicalStores(),
      ]);
      const counts = this.index.countByDomain();
      const given = this.index.quotaGivenByDomain(
        new Map(domains.map((d) => [d.name, d.defaultQuotaBytes ?? 0])),
      );
      return {
        domains: domains.map((d) => ({
          name: d.name,
          description: d.description ?? null,
          defaultQuotaBytes: d.defaultQuotaBytes ?? null,
          quotaBudgetBytes: d.quotaBudgetBytes ?? null,
          quotaGivenBytes: given.get(d.name) ?? 0,
          users: counts.get(d.name) ?? 0,
        })),
        logicalStores: stores.map((s) => s.name),
      };
    });
  }

  /** One window of the users matching a search (loads the index on first use). */
  search(input: unknown): Promise<DirectoryAdminResult<DirectoryAdminValue<'search'>>> {
    return this.run('search', input, async (query) => {
      await this.index.ensureLoaded();
      return this.index.search(query);
    });
  }

  /** Reloads the index from the directory (to see what others changed). */
  refreshIndex(input: unknown = {}): Promise<DirectoryAdminResult<DirectoryAdminValue<'refreshIndex'>>> {
    return this.run('refreshIndex', input, async () => {
      const indexed = await this.index.load();
      return { indexed, loadedAt: this.index.loadedAt };
    });
  }

  /** The user page, read fresh from the directory (and the index updated with it). */
  user(input: unknown): Promise<DirectoryAdminResult<UserPage>> {
    return this.run('user', input, async ({ address }) => this.page(await this.requireUser(address)));
  }

  /** Edits display name, quota, further addresses, forwarding or state. Not the logical store. */
  updateUser(input: unknown): Promise<DirectoryAdminResult<UserPage>> {
    return this.run(
      'updateUser',
      input,
      async (edit) => {
        const user = await this.requireUser(edit.address);
        if (edit.aliases) await this.checkFurtherAddresses(edit.aliases, user.mail);
        if (edit.quotaBytes !== undefined)
          await checkQuotaBudget(this.directory, {
            domain: user.mail.slice(user.mail.lastIndexOf('@') + 1),
            user: user.mail,
            quotaBytes: edit.quotaBytes,
          });
        const change: Partial<MailUserInput> = {};
        if (edit.displayName !== undefined) change.displayName = edit.displayName;
        if (edit.reading !== undefined) change.reading = edit.reading;
        if (edit.quotaBytes !== undefined) change.quotaBytes = edit.quotaBytes;
        if (edit.aliases !== undefined) change.mailLocalAddress = edit.aliases;
        if (edit.forwardTo !== undefined) change.mailRoutingAddress = edit.forwardTo;
        if (edit.state !== undefined) change.mailboxState = edit.state;
        return this.page(await this.directory.modifyUser(user.mail, change));
      },
      (edit) => edit.address,
    );
  }

  /**
   * Sets a new password with Password Modify (the server hashes it). The password is not logged,
   * not returned and not kept. Stores that cached the old password accept it for up to 60 s more
   * unless the user logs in with the new one there first (docs/directory-admin.md).
   */
  resetPassword(input: unknown): Promise<DirectoryAdminResult<DirectoryAdminValue<'resetPassword'>>> {
    return this.run(
      'resetPassword',
      input,
      async ({ address, newPassword }) => {
        const user = await this.requireUser(address);
        checkPassword(newPassword, [user.mail, ...user.mailLocalAddress], user.uid, 'newPassword');
        await this.directory.setPassword(user.mail, newPassword);
        return { address: user.mail, changed: true as const };
      },
      (reset) => reset.address,
    );
  }

  /** Adds a user in an existing domain, on an existing logical store, with a first password. */
  addUser(input: unknown): Promise<DirectoryAdminResult<UserPage>> {
    return this.run(
      'addUser',
      input,
      async (user) => {
        const domain = user.address.slice(user.address.lastIndexOf('@') + 1);
        const [domains, stores] = await Promise.all([
          this.directory.listDomains(),
          this.directory.listLogicalStores(),
        ]);
        if (!domains.some((d) => d.name === domain))
          refuse('not-found', `no mail domain ${domain} that this login may read`, 'address');
        if (!stores.some((s) => s.name === user.logicalStore)) {
          refuse('not-found', `no logical store ${user.logicalStore}`, 'logicalStore');
        }
        const holder = await addressHolder(this.directory, user.address);
        if (holder) refuse('already-exists', `${user.address} is already used by ${holder}`, 'address');

        if (user.aliases) await this.checkFurtherAddresses(user.aliases, user.address);
        const uid = user.address.slice(0, user.address.lastIndexOf('@'));
        checkPassword(user.password, [user.address, ...(user.aliases ?? [])], uid, 'password');
        await checkQuotaBudget(this.directory, { domain, quotaBytes: user.quotaBytes ?? null });
        try {
          const added = await this.directory.addUser(
            {
              mail: user.address,
              displayName: user.displayName,
              ...(user.reading ? { reading: user.reading } : {}),
              mailHost: user.logicalStore,
              mailLocalAddress: user.aliases ?? [],
              mailRoutingAddress: user.forwardTo ?? null,
              quotaBytes: user.quotaBytes ?? null,
            },
            user.password,
          );
          return this.page(added);
        } catch (error) {
          // The entry may exist without its password (the add worked, Password Modify did not).
          await this.findUser(user.address).catch(() => undefined);
          throw error;
        }
      },
      (user) => user.address,
    );
  }

  /** Deletes a user; `confirm` must repeat the primary address. */
  deleteUser(input: unknown): Promise<DirectoryAdminResult<DirectoryAdminValue<'deleteUser'>>> {
    return this.run(
      'deleteUser',
      input,
      async ({ address }) => {
        const user = await this.requireUser(address);
        if (user.mail.toLowerCase() !== address) {
          refuse(
            'invalid-input',
            `${address} is a further address of ${user.mail}: give the primary address`,
            'address',
          );
        }
        await this.directory.deleteUser(user.mail);
        this.index.remove(user.mail);
        return { address: user.mail.toLowerCase(), deleted: true as const };
      },
      (deletion) => deletion.address,
    );
  }

  /** The aliases of a domain. */
  aliases(input: unknown): Promise<DirectoryAdminResult<DirectoryAdminValue<'aliases'>>> {
    return this.run('aliases', input, ({ domain }) => this.lists.aliases(domain));
  }

  /** Adds an alias. */
  addAlias(input: unknown): Promise<DirectoryAdminResult<DirectoryAdminValue<'addAlias'>>> {
    return this.run(
      'addAlias',
      input,
      (alias) => this.lists.addAlias(alias),
      (alias) => alias.address,
    );
  }

  /** Replaces an alias's targets. */
  setAliasTargets(input: unknown): Promise<DirectoryAdminResult<DirectoryAdminValue<'setAliasTargets'>>> {
    return this.run(
      'setAliasTargets',
      input,
      (alias) => this.lists.setAliasTargets(alias),
      (a) => a.address,
    );
  }

  /** Deletes an alias. */
  deleteAlias(input: unknown): Promise<DirectoryAdminResult<DirectoryAdminValue<'deleteAlias'>>> {
    return this.run(
      'deleteAlias',
      input,
      (ref) => this.lists.deleteAlias(ref.address),
      (ref) => ref.address,
    );
  }

  /** The groups of a domain, members shown by address where the index knows them. */
  groups(input: unknown): Promise<DirectoryAdminResult<DirectoryAdminValue<'groups'>>> {
    return this.run('groups', input, ({ domain }) => this.lists.groups(domain));
  }

  /** Adds a group; members are user addresses. */
  addGroup(input: unknown): Promise<DirectoryAdminResult<DirectoryAdminValue<'addGroup'>>> {
    return this.run('addGroup', input, (group) => this.lists.addGroup(group), groupTarget);
  }

  /** Replaces a group's members. */
  setGroupMembers(input: unknown): Promise<DirectoryAdminResult<DirectoryAdminValue<'setGroupMembers'>>> {
    return this.run('setGroupMembers', input, (group) => this.lists.setGroupMembers(group), groupTarget);
  }

  /** Deletes a group. */
  deleteGroup(input: unknown): Promise<DirectoryAdminResult<DirectoryAdminValue<'deleteGroup'>>> {
    return this.run('deleteGroup', input, (group) => this.lists.deleteGroup(group), groupTarget);
  }

  /** A domain's spam policy as the gateway applies it. */
  spamPolicy(input: unknown): Promise<DirectoryAdminResult<DirectoryAdminValue<'spamPolicy'>>> {
    return this.run('spamPolicy', input, ({ domain }) => readSpamPolicy(this.directory, domain));
  }

  /** Sets a domain's spam policy (tag, or reject, and the thresholds); the directory decides who may. */
  setSpamPolicy(input: unknown): Promise<DirectoryAdminResult<DirectoryAdminValue<'setSpamPolicy'>>> {
    return this.run(
      'setSpamPolicy',
      input,
      (policy) => writeSpamPolicy(this.directory, policy),
      (policy) => policy.domain,
    );
  }

  /** A user's forwarding, vacation reply and spam handling, read fresh from the directory. */
  userMailSettings(input: unknown): Promise<DirectoryAdminResult<DirectoryAdminValue<'userMailSettings'>>> {
    return this.run('userMailSettings', input, async ({ address }) =>
      userMailSettings(await this.requireUser(address)),
    );
  }

  /** Sets a user's mail settings, checked as the self-service page checks them; the directory decides who may. */
  async setUserMailSettings(
    input: unknown,
  ): Promise<DirectoryAdminResult<DirectoryAdminValue<'setUserMailSettings'>>> {
    const result = await this.run(
      'setUserMailSettings',
      input,
      (write) => writeUserMailSettings(this.directory, write, (address) => this.requireUser(address)),
      (write) => write.address,
    );
    return withAddressWords(result);
  }

  /** Closes the directory client. */
  async close(): Promise<void> {
    await this.directory.close();
  }

  /**
   * Parses the input, runs the call and turns any failure into an error in words. `target` marks
   * a write: its outcome is reported to `onChange`.
   */
  private async run<C extends DirectoryAdminCall, T>(
    call: C,
    input: unknown,
    work: (parsed: Input<C>) => Promise<T>,
    target?: (parsed: Input<C>) => string,
  ): Promise<DirectoryAdminResult<T>> {
    const parsed = directoryAdminCalls[call].input.safeParse(input);
    if (!parsed.success) return { ok: false, error: inputError(parsed.error) };
    const value = parsed.data as Input<C>;
    try {
      const result = await work(value);
      if (target) this.options.onChange?.({ call, target: target(value), ok: true });
      return { ok: true, value: result };
    } catch (failure) {
      const error = toDirectoryAdminError(failure);
      if (target) this.options.onChange?.({ call, target: target(value), ok: false, code: error.code });
      return { ok: false, error };
    }
  }

  /** The user with this address read from the directory, the index brought in line with it. */
  private async findUser(address: string): Promise<MailUserEntry | undefined> {
    const user = await this.directory.findUserByAddress(address);
    if (user) this.index.upsert(user);
    else {
      const stale = this.index.get(address);
      if (stale) this.index.remove(stale.mail);
    }
    return user;
  }

  private async requireUser(address: string): Promise<MailUserEntry> {
    const user = await this.findUser(address);
    if (!user) throw new DirectoryError(`no such user ${address}`, ldapResultCodes.noSuchObject);
    return user;
  }

  private async page(entry: MailUserEntry): Promise<UserPage> {
    this.index.upsert(entry);
    const summary = toUserSummary(entry);
    const domain = (await this.directory.listDomains()).find((d) => d.name === summary.domain);
    return {
      ...summary,
      dn: entry.dn,
      quotaBytes: entry.quotaBytes ? entry.quotaBytes : null,
      domainDefaultQuotaBytes: domain?.defaultQuotaBytes ?? null,
    };
  }

  /** Further addresses must be in a domain of the directory and not used by another user, an alias or a group. */
  private async checkFurtherAddresses(addresses: string[], owner: string): Promise<void> {
    const domains = new Set((await this.directory.listDomains()).map((d) => d.name));
    for (const [i, address] of addresses.entries()) {
      const domain = address.slice(address.lastIndexOf('@') + 1);
      if (!domains.has(domain))
        refuse('not-found', `no mail domain ${domain} that this login may read`, `aliases.${i}`);
      const holder = await addressHolder(this.directory, address);
      if (holder && holder !== `the user ${owner.toLowerCase()}`) {
        refuse('already-exists', `${address} is already used by ${holder}`, `aliases.${i}`);
      }
    }
  }
}

function groupTarget(group: { domain: string; name: string }): string {
  return `${group.name}@${group.domain}`;
}
