/**
 * Who may connect to the control plane: the admins' `sshPublicKey`s (caller kind = their tier) and
 * the servers' host keys (caller kind `peer`), read from the directory and kept in memory.
 *
 * The cache refreshes on a timer, and early when an unknown key shows up (a key just added in the
 * directory should work at once) - but at most once per `minRefreshGapMs`, so someone cycling
 * through keys cannot turn each attempt into a directory search.
 *
 * An open SSH session is checked again at every call (`current`): the keys are re-read when they
 * are older than the caller's age limit, so a key removed or a tier lowered in the directory takes
 * effect on the next call of a connection opened before, not only at the next login.
 */
import type { CallerKind } from '../common/contract/methods.js';
import type { FleetDirectory } from '../common/directory/fleet-directory.js';
import type { ServerEntry } from '../common/directory/fleet-entries.js';
import { parseSshPublicKey, type SshPublicKey } from '../common/rpc/ssh-public-key.js';

/** An authenticated caller. */
export interface Caller {
  kind: CallerKind;
  /** Admin uid, or node name for a peer. */
  id: string;
}

/** The part of the directory the cache reads (the tree says where admin entries are). */
export type CallerKeySource = Pick<FleetDirectory, 'tree' | 'listAdmins' | 'listServers'>;

/** Timing of the cache. */
export interface CallerKeyCacheOptions {
  /** Regular refresh. Default 30 s. */
  refreshIntervalMs?: number;
  /** Least time between two refreshes caused by unknown keys. Default 10 s. */
  minRefreshGapMs?: number;
  now?: () => number;
  /** Told when a refresh fails; the previous keys stay in use. */
  onRefreshError?: (error: unknown) => void;
  /** Handed the server entries read by each refresh (the agent keeps its own entry current with it). */
  onServers?: (servers: ServerEntry[]) => void;
}

/** Map from key to callers, refreshed from the directory. */
export class CallerKeyCache {
  private callers = new Map<string, Caller[]>();
  private lastRefreshAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly refreshListeners = new Set<() => void>();

  constructor(
    private readonly source: CallerKeySource,
    private readonly options: CallerKeyCacheOptions = {},
  ) {}

  /** Loads the keys (failing if the directory cannot be read) and starts the timer. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(
      () => void this.refresh().catch((error) => this.options.onRefreshError?.(error)),
      this.options.refreshIntervalMs ?? 30_000,
    );
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Number of distinct keys known. */
  get size(): number {
    return this.callers.size;
  }

  /**
   * The caller a key belongs to, or undefined. When several entries hold the same key, the one
   * whose name equals `username` wins, else the first.
   */
  async identify(key: SshPublicKey, username?: string): Promise<Caller | undefined> {
    let found = this.lookup(key, username);
    if (found) return found;
    if (this.now() - this.lastRefreshAt < (this.options.minRefreshGapMs ?? 10_000)) return undefined;
    await this.refresh().catch((error) => this.options.onRefreshError?.(error));
    found = this.lookup(key, username);
    return found;
  }

  /**
   * The caller a key belongs to now, as the directory said at most `maxAgeMs` ago (re-read first
   * if older): for the check at every call of an open session. Undefined once the key is gone. If
   * the directory cannot be read, the keys last read stay in force (as at login).
   */
  async current(
    key: SshPublicKey,
    username: string | undefined,
    maxAgeMs: number,
  ): Promise<Caller | undefined> {
    if (this.now() - this.lastRefreshAt >= maxAgeMs)
      await this.refresh().catch((error) => this.options.onRefreshError?.(error));
    return this.lookup(key, username);
  }

  /** The caller a key belongs to in the keys last read (no directory access). */
  find(key: SshPublicKey, username?: string): Caller | undefined {
    return this.lookup(key, username);
  }

  /** Runs after every successful refresh (open sessions are checked against the new keys). */
  onRefresh(listener: () => void): () => void {
    this.refreshListeners.add(listener);
    return () => this.refreshListeners.delete(listener);
  }

  /** Re-reads the directory; concurrent callers share one refresh. */
  refresh(): Promise<void> {
    this.refreshing ??= this.load().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async load(): Promise<void> {
    // Counted from the attempt, so a failing directory is not hammered either.
    this.lastRefreshAt = this.now();
    const [admins, servers] = await Promise.all([this.source.listAdmins(), this.source.listServers()]);
    const callers = new Map<string, Caller[]>();
    const add = (line: string, caller: Caller): void => {
      const key = parseSshPublicKey(line);
      if (!key) return;
      const id = keyId(key);
      callers.set(id, [...(callers.get(id) ?? []), caller]);
    };
    for (const admin of admins) {
      // A tier counts only on an entry directly under ou=admins (issue 10): whatever a source
      // returns, a look-alike elsewhere (below a mail domain) gets no admin key.
      if (!this.source.tree.isAdminEntry(admin.dn)) continue;
      for (const line of admin.sshPublicKeys) add(line, { kind: admin.tier, id: admin.uid });
    }
    for (const server of servers) {
      // The same for peers: a host key counts only on an entry directly under ou=servers.
      if (!this.source.tree.isServerEntry(server.dn)) continue;
      for (const line of server.hostKeys) add(line, { kind: 'peer', id: server.name });
    }
    this.callers = callers;
    this.options.onServers?.(servers);
    for (const listener of this.refreshListeners) listener();
  }

  private lookup(key: SshPublicKey, username?: string): Caller | undefined {
    const candidates = this.callers.get(keyId(key));
    if (!candidates) return undefined;
    return candidates.find((caller) => caller.id === username) ?? candidates[0];
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

function keyId(key: SshPublicKey): string {
  return `${key.algorithm} ${key.blob.toString('base64')}`;
}
