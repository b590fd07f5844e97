/**
 * `mailfleet node add HOST --name NAME --role store|spare` and `mailfleet node remove NAME`: a
 * machine joins or leaves the fleet (docs/install.md). The work is in main/core/nodes/; this file
 * reads the flags, the profile and its secrets, and prints progress and the outcome.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LdapFleetDirectory } from '../../../agent/common/directory/ldap-fleet-directory.js';
import { chooseProfilePath, type FleetProfile, loadFleetProfile } from '../../core/fleet-profile.js';
import { addNode, askWithAdminKey } from '../../core/nodes/add-node.js';
import { type AddableRole, addableRoles } from '../../core/nodes/node-names.js';
import { NodeRemovalRefused, removeNode } from '../../core/nodes/remove-node.js';
import { plainSecretVault } from '../../core/secret-vault.js';
import { buildAgentPackage } from '../../packaging/agent-package.js';

export const nodeAddUsage = `usage: mailfleet node add HOST --name NAME --role store|spare [options]

  Installs the agent on HOST through your own ssh (your ~/.ssh/config and agent; you need sudo
  there), creates the node's server entry with its host key pinned, for a store also its logical
  store, starts the agent and waits until it answers. System admins only.

  HOST                  [user@]host as you would give it to ssh
  --name NAME           the node's name (lower case, e.g. store36)
  --role store|spare    what it does
  --address ADDR        what consoles and peers connect to (default: HOST's host part)
  --listen ADDR         where the agent listens (default 0.0.0.0)
  --control-port N      the control plane's port (default 40123)
  --mail-ports L,I,P    LMTP, IMAP and POP3 ports (default 24,143,110)
  --package FILE        the .deb to install (default: built now, as npm run package:agent does)
  --prefix DIR          install under DIR without sudo or systemd (a trial, or tests on one machine)
  --ssh-config FILE     ssh -F FILE
  --fleet FILE          fleet profile
  --json                the added node as JSON`;

export const nodeRemoveUsage = `usage: mailfleet node remove NAME [--host HOST] [--prefix DIR] [--json]

  Removes a node that serves no mail any more: stops and uninstalls the agent on HOST through your
  ssh (sudo dpkg --purge; or the files under --prefix), then deletes its server entry and its empty
  logical store. Refused, saying what to move or fail over first, while the node serves mail.
  Without --host only the directory entries go. System admins only.

  --host HOST           [user@]host of the node for ssh
  --prefix DIR          it was added with --prefix DIR
  --ssh-config FILE     ssh -F FILE
  --fleet FILE          fleet profile
  --json                what was removed, as JSON`;

/** The flags both subcommands take. */
const sharedOptions = {
  prefix: { type: 'string' },
  'ssh-config': { type: 'string' },
  fleet: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** The profile, its directory bound as the admin, and the admin's private key. */
async function openProfile(fleetFlag: string | undefined): Promise<{
  profile: FleetProfile;
  directory: LdapFleetDirectory;
  privateKey: string;
}> {
  const profile = await loadFleetProfile(chooseProfilePath(fleetFlag));
  const vault = plainSecretVault();
  const privateKey = await vault.read('admin-key', profile.admin.privateKeyFile);
  const bindPassword = await vault.read('directory-password', profile.directory.bindPasswordFile);
  const { url, baseDn, bindDn } = profile.directory;
  return {
    profile,
    directory: LdapFleetDirectory.withPassword({ url, baseDn, bindDn, bindPassword }),
    privateKey,
  };
}

function parsePort(flag: string, text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535)
    throw new Error(`${flag}: ${JSON.stringify(text)} is not a port (1-65535)`);
  return port;
}

/** `mailfleet node add ...` */
export async function nodeAddCommand(
  argv: string[],
  out: (text: string) => void,
  warn: (text: string) => void,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      name: { type: 'string' },
      role: { type: 'string' },
      address: { type: 'string' },
      listen: { type: 'string' },
      'control-port': { type: 'string' },
      'mail-ports': { type: 'string' },
      package: { type: 'string' },
      ...sharedOptions,
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    out(nodeAddUsage);
    return 0;
  }
  const [host, ...extra] = positionals;
  if (!host || extra.length > 0 || !values.name || !values.role) throw new Error(nodeAddUsage);
  if (!(addableRoles as readonly string[]).includes(values.role)) {
    throw new Error(
      `--role: node add makes ${addableRoles.join(' or ')} nodes, not ${JSON.stringify(values.role)}`,
    );
  }
  let mailPorts: { lmtp: number; imap: number; pop3: number } | undefined;
  if (values['mail-ports'] !== undefined) {
    const parts = values['mail-ports'].split(',');
    if (parts.length !== 3) throw new Error('--mail-ports: three ports, LMTP,IMAP,POP3 (e.g. 24,143,110)');
    const [lmtp, imap, pop3] = parts.map((part) => parsePort('--mail-ports', part)) as [
      number,
      number,
      number,
    ];
    mailPorts = { lmtp, imap, pop3 };
  }
  const open = await openProfile(values.fleet);
  let built: string | undefined;
  try {
    const progress = values.json ? warn : out;
    let packageFile = values.package ? resolve(values.package) : undefined;
    if (!packageFile) {
      progress('building the agent package');
      built = await mkdtemp(join(tmpdir(), 'mailfleet-node-add-'));
      // dist/main/cli/commands -> the installation's root.
      const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
      packageFile = (await buildAgentPackage(root, built)).file;
    }
    const added = await addNode(
      {
        host,
        name: values.name,
        role: values.role as AddableRole,
        packageFile,
        ...(values.address ? { address: values.address } : {}),
        ...(values.listen ? { listen: values.listen } : {}),
        ...(values['control-port']
          ? { controlPort: parsePort('--control-port', values['control-port']) }
          : {}),
        ...(mailPorts ? { mailPorts } : {}),
        ...(values.prefix ? { prefix: values.prefix } : {}),
        ...(values['ssh-config'] ? { sshConfigFile: resolve(values['ssh-config']) } : {}),
      },
      {
        directory: open.directory,
        directoryUrl: open.profile.directory.url,
        baseDn: open.profile.directory.baseDn,
        askNode: askWithAdminKey({ uid: open.profile.admin.uid, privateKey: open.privateKey }),
        progress,
      },
    );
    out(
      values.json
        ? JSON.stringify(added, null, 2)
        : `${added.name} (${added.role}) joined the fleet at ${added.address}:${added.controlPort}, host key ${added.hostKeyFingerprint}${added.logicalStore ? `, logical store ${added.logicalStore}` : ''}`,
    );
    return 0;
  } finally {
    await open.directory.close().catch(() => {});
    if (built) await rm(built, { recursive: true, force: true });
  }
}

/** `mailfleet node remove NAME ...` */
export async function nodeRemoveCommand(
  argv: string[],
  out: (text: string) => void,
  warn: (text: string) => void,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      ...sharedOptions,
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    out(nodeRemoveUsage);
    return 0;
  }
  const [name, ...extra] = positionals;
  if (!name || extra.length > 0) throw new Error(nodeRemoveUsage);
  const open = await openProfile(values.fleet);
  try {
    const removed = await removeNode(
      {
        name,
        ...(values.host ? { host: values.host } : {}),
        ...(values.prefix ? { prefix: values.prefix } : {}),
        ...(values['ssh-config'] ? { sshConfigFile: resolve(values['ssh-config']) } : {}),
      },
      open.directory,
      values.json ? warn : out,
    );
    if (values.json) out(JSON.stringify(removed, null, 2));
    else {
      out(
        `${name} left the fleet${removed.uninstalledFrom ? `; the agent is uninstalled from ${removed.uninstalledFrom}` : '; the agent is still installed on the machine (dpkg --purge mailfleet-agent there)'}`,
      );
    }
    return 0;
  } catch (error) {
    if (error instanceof NodeRemovalRefused) {
      if (values.json) out(JSON.stringify({ name, refused: error.reasons }, null, 2));
      warn(`mailfleet node remove: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await open.directory.close().catch(() => {});
  }
}
