/**
 * Adds a node to the fleet (`mailfleet node add`, the console's "Add node"): through the admin's
 * own OpenSSH it copies the agent's Debian package to the machine and installs it, writes the
 * node's agent.json, bind password and host key, creates the node's server entry with that host
 * key already pinned (so no one can enroll first under the node's name), for a store also its
 * logical store, starts the agent and waits until it answers over the control plane.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { DirectoryUrls } from '../../../agent/common/directory/directory-urls.js';
import type { FleetDirectory } from '../../../agent/common/directory/fleet-directory.js';
import { connectRpc } from '../../../agent/common/rpc/connect-rpc.js';
import { generateEd25519KeyPair } from '../../../agent/common/rpc/ssh-key-generation.js';
import { installScript, nodeLayout, shellQuote } from './node-install-script.js';
import { type AddableRole, addableRoles, nodeNamePattern } from './node-names.js';
import { mustRunOverSsh, type OpenSshTarget } from './openssh-host.js';

/** What to add and where. */
export interface AddNodeRequest {
  /** `[user@]host` for ssh; the admin must be allowed `sudo` there (not with `prefix`). */
  host: string;
  name: string;
  role: AddableRole;
  /** What consoles and peers connect to; default: the host part of `host`. */
  address?: string;
  /** Where the agent listens (control plane and mail); default `0.0.0.0`. */
  listen?: string;
  /** Default 40123. */
  controlPort?: number;
  /** Default LMTP 24, IMAP 143, POP3 110 (the unit grants CAP_NET_BIND_SERVICE). */
  mailPorts?: { lmtp: number; imap: number; pop3: number };
  /** Install under this directory instead of the system (a trial or a test; no sudo, no systemd). */
  prefix?: string;
  /** The .deb to install (`npm run package:agent`). */
  packageFile: string;
  /** `ssh -F FILE`. */
  sshConfigFile?: string;
  /** How long to wait for the agent to answer; default 90 s. */
  answerTimeoutMs?: number;
}

/** What the console side brings: the directory bound as a system admin, the admin's SSH identity. */
export interface AddNodeContext {
  directory: FleetDirectory;
  /** The directory as the node should reach it (the profile's URLs unless told otherwise). */
  directoryUrl: DirectoryUrls;
  baseDn: string;
  /**
   * How to ask the new node `node.info` once: with the admin's key over a connection of its own
   * (the CLI), or through a console's fleet links (which pin the key from the new entry).
   */
  askNode: NodeAsker;
  /** Progress in words, one line per step. */
  progress?: (line: string) => void;
}

/** What `node.info` says, and the fingerprint of the host key the node presented. */
export interface NodeAnswer {
  name: string;
  role: string;
  version: string;
  hostKeyFingerprint: string;
}

/** Asks `node.info` of the node at `address:controlPort`, accepting only `hostKey`. */
export type NodeAsker = (node: {
  name: string;
  address: string;
  controlPort: number;
  hostKey: string;
}) => Promise<NodeAnswer>;

/** A {@link NodeAsker} with the admin's own key (the CLI). */
export function askWithAdminKey(admin: { uid: string; privateKey: string }): NodeAsker {
  return async ({ address, controlPort, hostKey }) => {
    const connection = await connectRpc({
      host: address,
      port: controlPort,
      username: admin.uid,
      privateKey: admin.privateKey,
      pinnedHostKeys: [hostKey],
      readyTimeoutMs: 5000,
    });
    try {
      const info = await connection.client.call('node.info', {});
      return {
        name: info.name,
        role: info.role,
        version: info.version,
        hostKeyFingerprint: connection.hostKeyFingerprint,
      };
    } finally {
      connection.close();
    }
  };
}

/** The node as it answered. */
export interface AddedNode {
  name: string;
  role: AddableRole;
  address: string;
  controlPort: number;
  hostKeyFingerprint: string;
  /** The logical store made for a store node. */
  logicalStore?: string;
  version: string;
  /** From the start of the agent to its first answer. */
  answeredAfterMs: number;
  /** When it first answered (ms since the epoch). */
  answeredAt: number;
}

/** The agent.json of the new node (docs/agent.md, "Configuration"). */
export function newNodeConfig(
  request: AddNodeRequest,
  context: Pick<AddNodeContext, 'directoryUrl' | 'baseDn'>,
  address: string,
): Record<string, unknown> {
  const layout = nodeLayout(request.prefix);
  const listen = request.listen ?? '0.0.0.0';
  const ports = request.mailPorts ?? { lmtp: 24, imap: 143, pop3: 110 };
  return {
    node: request.name,
    dataDir: layout.dataDir,
    directory: {
      url: context.directoryUrl,
      baseDn: context.baseDn,
      bindDn: `cn=${request.name},ou=servers,${context.baseDn}`,
      bindPasswordFile: layout.bindPasswordFile,
    },
    control: { host: listen, port: request.controlPort ?? 40123 },
    address,
    hostKeyFile: layout.hostKeyFile,
    mail: { host: listen, lmtpPort: ports.lmtp, imapPort: ports.imap, pop3Port: ports.pop3 },
    log: { level: 'info' },
  };
}

function hostPart(destination: string): string {
  const host = destination.slice(destination.lastIndexOf('@') + 1);
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Checks the request before anything is touched; throws in words. */
async function checkRequest(request: AddNodeRequest, directory: FleetDirectory): Promise<void> {
  if (!nodeNamePattern.test(request.name)) {
    throw new Error(
      `${JSON.stringify(request.name)} is not a node name: lower-case letters, digits and -, starting with a letter`,
    );
  }
  if (!(addableRoles as readonly string[]).includes(request.role)) {
    throw new Error(
      `node add makes ${addableRoles.join(' and ')} nodes; a ${request.role} needs its mail settings in agent.json: install the package by hand (docs/install.md)`,
    );
  }
  if (request.prefix !== undefined && (!request.prefix.startsWith('/') || request.prefix === '/')) {
    throw new Error(
      `--prefix must be an absolute directory other than /, not ${JSON.stringify(request.prefix)}`,
    );
  }
  if (request.host.startsWith('-') || request.host.trim() === '')
    throw new Error(`${JSON.stringify(request.host)} is not a host`);
  if (await directory.getServer(request.name))
    throw new Error(`a node named ${request.name} is already in the directory`);
  if (request.role === 'store' && (await directory.getLogicalStore(request.name))) {
    throw new Error(`a logical store named ${request.name} is already in the directory`);
  }
}

/** Adds the node; see the file comment. On a failure after the directory writes, they are undone. */
export async function addNode(request: AddNodeRequest, context: AddNodeContext): Promise<AddedNode> {
  const say = context.progress ?? (() => {});
  const { directory } = context;
  await checkRequest(request, directory);
  const target: OpenSshTarget = {
    destination: request.host,
    ...(request.sshConfigFile ? { configFile: request.sshConfigFile } : {}),
  };
  const sudo = request.prefix === undefined ? 'sudo -n ' : '';
  const packageBytes = await readFile(request.packageFile).catch((error: Error) => {
    throw new Error(`cannot read the package ${request.packageFile}: ${error.message}`);
  });

  say(`connecting to ${request.host} with ssh`);
  await mustRunOverSsh(target, `cannot log in to ${request.host}`, sudo === '' ? 'true' : 'sudo -n true');
  const remoteDir = (
    await mustRunOverSsh(target, 'cannot make a temporary directory', 'umask 077 && mktemp -d')
  ).trim();
  const remotePackage = `${remoteDir}/${basename(request.packageFile)}`;
  say(`copying ${basename(request.packageFile)} (${Math.round(packageBytes.length / 1024)} KiB)`);
  await mustRunOverSsh(target, 'cannot copy the package', `cat > ${shellQuote(remotePackage)}`, packageBytes);

  const address = request.address ?? hostPart(request.host);
  const hostKey = generateEd25519KeyPair(request.name);
  const bindPassword = randomBytes(24).toString('base64url');
  const config = newNodeConfig(request, context, address);
  const controlPort = (config.control as { port: number }).port;

  say(`creating the server entry of ${request.name} with its host key pinned`);
  await directory.addServer(
    { name: request.name, role: request.role, address, controlPort, hostKeys: [hostKey.public] },
    bindPassword,
  );
  let logicalStore: string | undefined;
  try {
    if (request.role === 'store') {
      say(`creating the logical store ${request.name}, served by ${request.name}`);
      await directory.addLogicalStore({ name: request.name, servedBy: request.name });
      logicalStore = request.name;
    }
    say(
      request.prefix === undefined
        ? 'installing the package (sudo dpkg -i) and starting the agent'
        : `installing under ${request.prefix} and starting the agent`,
    );
    const script = installScript(nodeLayout(request.prefix), {
      packageFile: remotePackage,
      agentConfig: `${JSON.stringify(config, null, 2)}\n`,
      bindPassword,
      hostPrivateKey: hostKey.private,
    });
    await mustRunOverSsh(target, `installing on ${request.host} failed`, `${sudo}sh -s`, script);
    await mustRunOverSsh(
      target,
      'cannot remove the temporary directory',
      `rmdir ${shellQuote(remoteDir)}`,
    ).catch(() => {});
  } catch (error) {
    // Nothing half-made stays in the directory: the next attempt starts clean.
    if (logicalStore) await directory.deleteLogicalStore(logicalStore).catch(() => {});
    await directory.deleteServer(request.name).catch(() => {});
    throw error;
  }
  const started = Date.now();
  say(`waiting for ${request.name} to answer`);
  const answer = await waitForAnswer(request, context, hostKey.public);
  say(`${request.name} answers (agent ${answer.version})`);
  return {
    name: request.name,
    role: request.role,
    address: answer.address,
    controlPort: answer.controlPort,
    hostKeyFingerprint: answer.fingerprint,
    ...(logicalStore ? { logicalStore } : {}),
    version: answer.version,
    answeredAfterMs: answer.at - started,
    answeredAt: answer.at,
  };
}

/** Polls the published control port and calls node.info, pinning the host key made above. */
async function waitForAnswer(
  request: AddNodeRequest,
  context: AddNodeContext,
  hostKey: string,
): Promise<{ address: string; controlPort: number; fingerprint: string; version: string; at: number }> {
  const deadline = Date.now() + (request.answerTimeoutMs ?? 90_000);
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const entry = await context.directory.getServer(request.name).catch(() => undefined);
    if (entry?.address && entry.controlPort) {
      try {
        const info = await context.askNode({
          name: request.name,
          address: entry.address,
          controlPort: entry.controlPort,
          hostKey,
        });
        if (info.name !== request.name || info.role !== request.role) {
          throw new Error(`the agent there says it is ${info.name} (${info.role})`);
        }
        return {
          address: entry.address,
          controlPort: entry.controlPort,
          fingerprint: info.hostKeyFingerprint,
          version: info.version,
          at: Date.now(),
        };
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const log =
    request.prefix === undefined
      ? 'journalctl -u mailfleet-agent'
      : `${request.prefix}/var/log/mailfleet-agent.log`;
  throw new Error(
    `${request.name} was installed and started but did not answer within ${Math.round((request.answerTimeoutMs ?? 90_000) / 1000)} s (${last}); see ${log} on ${request.host}`,
  );
}
