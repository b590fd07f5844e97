/**
 * The profile's secrets on a real fleet (embedded directory, a store agent, SSH): a fleet opened
 * from plain 0600 files answers; a key others can read stops the start before anything connects;
 * `sealProfileSecrets` seals both secrets next to the plain files, and with the plain files gone
 * the keychain vault (Electron) still logs in to the directory and the agent while the plain vault
 * (CLI) refuses in words; a keychain that refuses seals nothing.
 */
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../agent/common/directory/fleet-entries.js';
import { Agent } from '../../../agent/daemon/agent.js';
import { parseAgentConfig } from '../../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../../agent/daemon/production-dependencies.js';
import { loadFleetProfile } from '../../../main/core/fleet-profile.js';
import { type OpenFleet, openFleet } from '../../../main/core/open-fleet.js';
import { describeSealOutcomes, sealProfileSecrets } from '../../../main/core/seal-profile-secrets.js';
import { keychainSecretVault, plainSecretVault, type SecretVault } from '../../../main/core/secret-vault.js';
import { safeStorageSealer } from '../../../main/electron/safe-storage-sealer.js';
import { AgentTestDirectory, newKeyPair } from '../../support/agent-test-directory.js';
import { fakeSafeStorage } from '../../support/fake-safe-storage.js';

const adminPassword = 'console-admin-Pa55';
const adminKey = newKeyPair('secrets-test-admin');
let directory: AgentTestDirectory;
let agent: Agent;
let home: string;
let profilePath: string;

beforeAll(async () => {
  directory = await AgentTestDirectory.start({
    servers: [{ name: 'store01', role: 'store' }],
    admins: [
      {
        uid: 'admin',
        displayName: 'Admin',
        tier: 'system',
        sshPublicKeys: [adminKey.public],
        password: adminPassword,
      },
    ],
  });
  agent = new Agent(
    parseAgentConfig(await directory.agentConfig('store01')),
    productionDependencies({ logSink: () => {} }),
  );
  await agent.start();
  home = await mkdtemp(join(tmpdir(), 'mailfleet-profile-secrets-'));
  await writeFile(join(home, 'admin.key'), adminKey.private, { mode: 0o600 });
  await writeFile(join(home, 'admin.password'), `${adminPassword}\n`, { mode: 0o600 });
  profilePath = join(home, 'fleet.json');
  const profile = {
    name: 'secrets-test',
    directory: {
      url: directory.url,
      baseDn: directory.baseDn,
      bindDn: new FleetTree(directory.baseDn).admin('admin'),
      bindPasswordFile: 'admin.password',
    },
    admin: { uid: 'admin', privateKeyFile: 'admin.key' },
    nodes: [],
  };
  await writeFile(profilePath, JSON.stringify(profile), { mode: 0o600 });
});

afterAll(async () => {
  await agent?.stop();
  await directory?.stop();
  await rm(home, { recursive: true, force: true });
});

/** Opens the fleet with `vault`, checks the directory and the agent answer, closes it. */
async function answersWith(vault: SecretVault): Promise<void> {
  let open: OpenFleet | undefined;
  try {
    open = await openFleet(await loadFleetProfile(profilePath), { subscribe: false, vault });
    expect((await open.directory.listServers()).map((s) => s.name)).toEqual(['store01']);
    await open.fleet.settled(10_000);
    expect(await open.fleet.call('store01', 'node.info', {})).toMatchObject({ name: 'store01' });
  } finally {
    await open?.close();
  }
}

describe('fleet profile secrets', () => {
  it('opens from plain 0600 files, and refuses a key others can read before connecting', async () => {
    await answersWith(plainSecretVault());
    await chmod(join(home, 'admin.key'), 0o644);
    try {
      await expect(
        openFleet(await loadFleetProfile(profilePath), { subscribe: false, vault: plainSecretVault() }),
      ).rejects.toThrow(/the admin SSH key .*admin\.key is open to its group and every user.*chmod 600/);
    } finally {
      await chmod(join(home, 'admin.key'), 0o600);
    }
  });

  it('a keychain that refuses seals nothing', async () => {
    const basic = safeStorageSealer(fakeSafeStorage({ backend: 'basic_text' }), 'linux');
    await expect(sealProfileSecrets(await loadFleetProfile(profilePath), basic)).rejects.toThrow(
      /^the secrets stay as they are: no keyring service was found/,
    );
    await expect(stat(join(home, 'admin.key.sealed'))).rejects.toThrow(/ENOENT/);
    await expect(stat(join(home, 'admin.password.sealed'))).rejects.toThrow(/ENOENT/);
  });

  it('seals both secrets; the keychain vault logs in from the sealed files alone, the CLI refuses', async () => {
    const storage = fakeSafeStorage();
    const sealer = safeStorageSealer(storage, 'linux');
    const profile = await loadFleetProfile(profilePath);
    const outcomes = await sealProfileSecrets(profile, sealer);
    expect(outcomes.map((o) => [o.kind, o.outcome])).toEqual([
      ['admin-key', 'sealed'],
      ['directory-password', 'sealed'],
    ]);
    const lines = describeSealOutcomes(outcomes, sealer.keychain());
    expect(lines[0]).toBe(
      `sealed the admin SSH key into ${join(home, 'admin.key.sealed')} (gnome_libsecret)`,
    );
    expect(lines.at(-1)).toContain('delete them if this workstation runs only the Electron console');
    for (const line of lines) expect(line).not.toContain(adminPassword);
    const sealedKey = await readFile(join(home, 'admin.key.sealed'), 'utf8');
    expect(sealedKey).not.toContain('OPENSSH');
    expect(await readFile(join(home, 'admin.password.sealed'), 'utf8')).not.toContain(adminPassword);

    // A second run finds both sealed and rewrites nothing.
    const again = await sealProfileSecrets(profile, sealer);
    expect(again.map((o) => o.outcome)).toEqual(['already-sealed', 'already-sealed']);
    expect(await readFile(join(home, 'admin.key.sealed'), 'utf8')).toBe(sealedKey);

    await rm(join(home, 'admin.key'));
    await rm(join(home, 'admin.password'));
    const warnings: string[] = [];
    await answersWith(keychainSecretVault(sealer, (line) => warnings.push(line)));
    expect(warnings).toEqual([]);
    await expect(openFleet(profile, { subscribe: false, vault: plainSecretVault() })).rejects.toThrow(
      /the admin SSH key is sealed in .*admin\.key\.sealed: only the Electron console/,
    );
    // Another account's keychain cannot open them, and says so.
    const other = keychainSecretVault(safeStorageSealer(fakeSafeStorage(), 'linux'), () => {});
    await expect(openFleet(profile, { subscribe: false, vault: other })).rejects.toThrow(
      /sealed by another user or on another machine/,
    );
  });
});
