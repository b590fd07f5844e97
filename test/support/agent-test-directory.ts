/**
 * A real fleet directory for agent tests: the embedded LDAP server on a free loopback port (or,
 * with `replicated`, two real slapd providers in multi-provider replication), seeded offline with
 * the fleet tree, the given servers and admins, plus helpers to write agent configurations and
 * SSH keys for them. Everything lives in one temporary directory.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DirectoryEntry } from '../../agent/common/directory/directory-entry.js';
import { FleetTree } from '../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../agent/common/directory/ldap-fleet-directory.js';
import {
  type AdminSeed,
  adminEntry,
  directoryBaseEntries,
  type ServerSeed,
  serverEntry,
} from '../../agent/common/directory/seed-entries.js';
import { generateEd25519KeyPair } from '../../agent/common/rpc/ssh-key-generation.js';
import type { AgentConfigInput } from '../../agent/daemon/agent-config.js';
import { EmbeddedDirectoryServer } from '../../agent/directory/embedded/embedded-directory-server.js';
import { importDirectoryEntries } from '../../agent/directory/embedded/import-entries.js';
import { type SlapdPair, startSlapdPair } from './slapd-pair.js';

/** An ed25519 key pair in OpenSSH form. */
export interface TestKeyPair {
  /** OpenSSH one-line public key. */
  public: string;
  /** OpenSSH private key (PEM). */
  private: string;
}

/** A new ed25519 key pair. */
export function newKeyPair(comment = 'test'): TestKeyPair {
  return generateEd25519KeyPair(comment);
}

/** What to seed. Server passwords default to `<name>-secret`. */
export interface TestDirectorySeed {
  servers: Array<Omit<ServerSeed, 'password' | 'address' | 'controlPort'> & Partial<ServerSeed>>;
  admins: AdminSeed[];
  baseDn?: string;
  /** More entries (logical stores, domains, users) built with the same base DN. */
  extraEntries?: (tree: FleetTree) => DirectoryEntry[];
}

/** The directory server(s) behind a test directory. */
type Backend = { kind: 'embedded'; server: EmbeddedDirectoryServer } | { kind: 'pair'; pair: SlapdPair };

/** A running test directory. */
export class AgentTestDirectory {
  private constructor(
    readonly root: string,
    readonly baseDn: string,
    private readonly backend: Backend,
    private readonly passwords: Map<string, string>,
  ) {}

  /**
   * Seeds a data directory and starts the embedded server on a free port; with `replicated`, two
   * slapd providers in multi-provider replication instead (agents get both URLs).
   */
  static async start(
    seed: TestDirectorySeed,
    options: { replicated?: boolean } = {},
  ): Promise<AgentTestDirectory> {
    const root = await mkdtemp(join(tmpdir(), 'mailfleet-agent-test-'));
    const baseDn = seed.baseDn ?? 'dc=mailfleet,dc=lab';
    const tree = new FleetTree(baseDn);
    const passwords = new Map<string, string>();
    const servers = seed.servers.map((server) => {
      const password = server.password ?? `${server.name}-secret`;
      passwords.set(server.name, password);
      return serverEntry(tree, { address: '127.0.0.1', controlPort: 1, ...server, password });
    });
    const entries = [
      ...directoryBaseEntries(tree),
      ...servers,
      ...seed.admins.map((admin) => adminEntry(tree, admin)),
      ...(seed.extraEntries?.(tree) ?? []),
    ];
    if (options.replicated) {
      const pair = await startSlapdPair(baseDn, entries);
      return new AgentTestDirectory(root, baseDn, { kind: 'pair', pair }, passwords);
    }
    const dataDir = join(root, 'directory');
    await importDirectoryEntries(dataDir, baseDn, entries);
    const server = new EmbeddedDirectoryServer({ dataDir, baseDn, host: '127.0.0.1', port: 0 });
    await server.start();
    return new AgentTestDirectory(root, baseDn, { kind: 'embedded', server }, passwords);
  }

  /** `ldap://127.0.0.1:port` (the first provider's when replicated) */
  get url(): string {
    return this.backend.kind === 'embedded' ? this.backend.server.url : this.backend.pair.urls[0];
  }

  /** Every URL agents and consoles are given: one, or both providers'. */
  get urls(): string | string[] {
    return this.backend.kind === 'embedded' ? this.url : [...this.backend.pair.urls];
  }

  /** The two providers, when replicated. */
  get pair(): SlapdPair | undefined {
    return this.backend.kind === 'pair' ? this.backend.pair : undefined;
  }

  /**
   * A complete agent configuration for a seeded server, with its own data directory and bind
   * password file; control and metrics on free ports unless overridden.
   */
  async agentConfig(node: string, overrides: Partial<AgentConfigInput> = {}): Promise<AgentConfigInput> {
    const password = this.passwords.get(node) ?? `${node}-secret`;
    const dataDir = join(this.root, 'nodes', node);
    const bindPasswordFile = join(this.root, `${node}.bind-password`);
    await writeFile(bindPasswordFile, password, { mode: 0o600 });
    return {
      node,
      dataDir,
      directory: {
        url: this.urls,
        baseDn: this.baseDn,
        bindDn: new FleetTree(this.baseDn).server(node),
        bindPasswordFile,
      },
      control: { host: '127.0.0.1', port: 0 },
      metricsHttp: { host: '127.0.0.1', port: 0 },
      log: { level: 'debug' },
      ...overrides,
    };
  }

  /** A directory client bound as a seeded server (any bound entry may read the fleet). */
  reader(node: string): LdapFleetDirectory {
    return LdapFleetDirectory.withPassword({
      url: this.urls,
      baseDn: this.baseDn,
      bindDn: new FleetTree(this.baseDn).server(node),
      bindPassword: this.passwords.get(node) ?? `${node}-secret`,
    });
  }

  async stop(): Promise<void> {
    if (this.backend.kind === 'embedded') await this.backend.server.stop();
    else await this.backend.pair.stop();
    await rm(this.root, { recursive: true, force: true });
  }
}
