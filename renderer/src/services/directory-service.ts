/**
 * The directory view's services: the only code that calls `directory.*`. Answers go into the
 * directory store; a refusal of the directory arrives as an error in words (the call's result), a
 * failure of the console link or of a store node as a ConsoleError; both become a DirectoryViewError.
 * A password typed for a reset or a new user is passed to the call once and kept nowhere.
 */
import type {
  ConsoleApi,
  DirectoryAdminResult,
  NewUser,
  UserUpdate,
} from '../../../main/console/console-contract';
import type { useDirectoryStore } from '../store/directory/directory-store';
import { searchBlockSize, type UserQuery } from '../store/directory/search-slice';
import type { DirectoryViewError } from '../store/shown-error';
import { ConsoleError } from './console-error';
import { shownErrorOf } from './shown-error';

type DirectoryStoreApi = Pick<typeof useDirectoryStore, 'getState'>;

/** The value of a directory result, or its error in words thrown as a {@link DirectoryRefusal}. */
class DirectoryRefusal extends Error {
  constructor(readonly shown: DirectoryViewError) {
    super('refused');
  }
}

async function acceptedValue<T>(result: Promise<DirectoryAdminResult<T>>): Promise<T> {
  const answer = await result;
  if (answer.ok) return answer.value;
  throw new DirectoryRefusal({ kind: 'directory', ...answer.error });
}

const shown = (error: unknown): DirectoryViewError =>
  error instanceof DirectoryRefusal ? error.shown : shownErrorOf(error);

/** The directory services of one window. */
export class DirectoryService {
  constructor(
    private readonly api: ConsoleApi,
    private readonly store: DirectoryStoreApi,
  ) {}

  /** Domains and logical stores for the filters. */
  async loadOverview(): Promise<void> {
    try {
      this.store.getState().receiveOverview(await acceptedValue(this.api.directory.overview({})));
    } catch (error) {
      this.store.getState().failOverview(shown(error));
    }
  }

  /** A new search (each keystroke): the first block of rows. */
  search(query: Partial<UserQuery>): Promise<void> {
    const serial = this.store.getState().ask(query);
    return this.fetchBlock(serial, 0);
  }

  /** Fetches the blocks covering rows `first`..`last` that have not arrived. */
  async ensureRows(first: number, last: number): Promise<void> {
    const state = this.store.getState();
    const wanted: number[] = [];
    for (let b = Math.floor(first / searchBlockSize); b <= Math.floor(last / searchBlockSize); b++) {
      if (!state.blocks[b] && !this.inFlight.has(`${state.serial}:${b}`)) wanted.push(b);
    }
    await Promise.all(wanted.map((block) => this.fetchBlock(state.serial, block)));
  }

  private readonly inFlight = new Set<string>();

  /**
   * Reads again the blocks the list has (same search, same place): after moves change users'
   * stores, the rows say so without the list jumping to the top.
   */
  async refreshLoadedRows(): Promise<void> {
    const state = this.store.getState();
    await Promise.all(Object.keys(state.blocks).map((block) => this.fetchBlock(state.serial, Number(block))));
  }

  /** Reads the open user's page again when it is `address` (a move changed their store). */
  async refreshOpenUser(address: string): Promise<void> {
    if (this.store.getState().openAddress === address) await this.reloadUser(address);
  }

  /**
   * Unpicks one user of "all results": every other result of that search stays picked, one by one
   * (read from the directory, not only the rows the list has loaded).
   */
  async unpickOneOfAll(address: string, index: number): Promise<void> {
    const all = this.store.getState().allOfSearch;
    if (!all) return;
    const addresses = await this.addressesOf(all.query, all.total);
    const state = this.store.getState();
    // The picks changed meanwhile: that newer choice stands.
    if (state.allOfSearch !== all) return;
    state.clearPicks();
    state.pickRange(
      addresses.filter((other) => other !== address),
      index,
    );
  }

  /**
   * Every address a search matches, in the list's order, read in windows of 1,000 (a move of
   * "all results" names each user). A refusal of the directory rejects as a ConsoleError with
   * the directory's English words as its detail.
   */
  async addressesOf(query: UserQuery, total: number): Promise<string[]> {
    const addresses: string[] = [];
    const limit = 1000;
    for (let offset = 0; offset < total; offset += limit) {
      const answer = await this.api.directory.search({
        text: query.text,
        ...(query.domain ? { domain: query.domain } : {}),
        ...(query.logicalStore ? { logicalStore: query.logicalStore } : {}),
        ...(query.sort ? { sort: query.sort } : {}),
        offset,
        limit,
      });
      if (!answer.ok) throw new ConsoleError('failed', answer.error.message.en);
      addresses.push(...answer.value.users.map((user) => user.mail));
    }
    return addresses;
  }

  private async fetchBlock(serial: number, block: number): Promise<void> {
    const key = `${serial}:${block}`;
    this.inFlight.add(key);
    const { query } = this.store.getState();
    try {
      const result = await acceptedValue(
        this.api.directory.search({
          text: query.text,
          ...(query.domain ? { domain: query.domain } : {}),
          ...(query.logicalStore ? { logicalStore: query.logicalStore } : {}),
          ...(query.sort ? { sort: query.sort } : {}),
          offset: block * searchBlockSize,
          limit: searchBlockSize,
        }),
      );
      this.store.getState().receiveBlock(serial, block, result.total, result.indexed, result.users);
    } catch (error) {
      this.store.getState().failSearch(serial, shown(error));
    } finally {
      this.inFlight.delete(key);
    }
  }

  /** Opens a user's page: the directory entry, then the mailbox's use from its store. */
  async openUser(address: string): Promise<void> {
    this.store.getState().openUser(address);
    await this.reloadUser(address);
  }

  private async reloadUser(address: string): Promise<void> {
    try {
      this.store.getState().receivePage(await acceptedValue(this.api.directory.user({ address })));
    } catch (error) {
      this.store.getState().failPage(address, shown(error));
      return;
    }
    try {
      this.store.getState().receiveUsage(await acceptedValue(this.api.directory.mailbox({ address })));
    } catch (error) {
      this.store.getState().failUsage(address, shown(error));
    }
  }

  /** Saves an edit; resolves with the error to show next to the form, if any. */
  async saveUser(edit: UserUpdate): Promise<DirectoryViewError | undefined> {
    return this.write(async () => {
      const page = await acceptedValue(this.api.directory.updateUser(edit));
      this.store.getState().receivePage(page);
      this.store.getState().tell('saved', page.mail);
      this.refreshList();
    });
  }

  /**
   * Sets a new password; the password is not kept, logged or shown after this call. The form says
   * the result itself, under its button (not in the page's notice line at the top).
   */
  async resetPassword(address: string, newPassword: string): Promise<DirectoryViewError | undefined> {
    return this.write(async () => {
      await acceptedValue(this.api.directory.resetPassword({ address, newPassword }));
    });
  }

  /** Adds a user and opens their page. */
  async addUser(user: NewUser): Promise<DirectoryViewError | undefined> {
    return this.write(async () => {
      const page = await acceptedValue(this.api.directory.addUser(user));
      this.store.getState().openUser(page.mail);
      this.store.getState().receivePage(page);
      this.store.getState().tell('added', page.mail);
      this.refreshList();
    });
  }

  /** Deletes a user; `confirm` is the address as the admin typed it again. */
  async deleteUser(address: string, confirm: string): Promise<DirectoryViewError | undefined> {
    return this.write(async () => {
      await acceptedValue(this.api.directory.deleteUser({ address, confirm }));
      this.store.getState().closeUser();
      this.store.getState().tell('deleted', address);
      this.refreshList();
    });
  }

  /** Shows a domain's aliases and groups. */
  async showLists(domain: string): Promise<void> {
    this.store.getState().showLists(domain);
    try {
      const [aliases, groups] = await Promise.all([
        acceptedValue(this.api.directory.aliases({ domain })),
        acceptedValue(this.api.directory.groups({ domain })),
      ]);
      this.store.getState().receiveLists(domain, aliases, groups);
    } catch (error) {
      this.store.getState().failLists(domain, shown(error));
    }
  }

  /** Adds an alias (or replaces its targets when `replace`). */
  async writeAlias(
    address: string,
    forwardTo: string[],
    replace: boolean,
  ): Promise<DirectoryViewError | undefined> {
    return this.write(async () => {
      const call = replace ? this.api.directory.setAliasTargets : this.api.directory.addAlias;
      await acceptedValue(call({ address, forwardTo }));
      await this.reloadLists();
    });
  }

  /** Deletes an alias. */
  async deleteAlias(address: string): Promise<DirectoryViewError | undefined> {
    return this.write(async () => {
      await acceptedValue(this.api.directory.deleteAlias({ address }));
      await this.reloadLists();
    });
  }

  /** Adds a group. */
  async addGroup(domain: string, name: string, address: string, members: string[]) {
    return this.write(async () => {
      await acceptedValue(this.api.directory.addGroup({ domain, name, address, members }));
      await this.reloadLists();
    });
  }

  /** Replaces a group's members. */
  async setGroupMembers(domain: string, name: string, members: string[]) {
    return this.write(async () => {
      await acceptedValue(this.api.directory.setGroupMembers({ domain, name, members }));
      await this.reloadLists();
    });
  }

  /** Deletes a group. */
  async deleteGroup(domain: string, name: string) {
    return this.write(async () => {
      await acceptedValue(this.api.directory.deleteGroup({ domain, name }));
      await this.reloadLists();
    });
  }

  private async reloadLists(): Promise<void> {
    const domain = this.store.getState().listDomain;
    if (domain) {
      this.store.getState().showLists(domain);
      await this.showLists(domain);
    }
  }

  private refreshList(): void {
    void this.search({});
    void this.loadOverview();
  }

  private async write(work: () => Promise<void>): Promise<DirectoryViewError | undefined> {
    try {
      await work();
      return undefined;
    } catch (error) {
      return shown(error);
    }
  }
}
