/**
 * The peer for the control bench: Debian's OpenSSH sshd, started in the foreground on a free loopback
 * port, with a subsystem that echoes lines (`/bin/cat`). The same ssh2 client talks to it and to the
 * agent, so the ratio shows what the agent's SSH server and JSON-RPC dispatch cost over OpenSSH's
 * transport floor.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { findFreePorts } from '../../main/lab/free-ports.js';
import { waitForPort } from '../../main/lab/lab-supervisor.js';
import { ensureSystemRequirements } from '../../test/support/system-packages.js';

export interface OpenSshPeer {
  port: number;
  hostKey: string;
  stop(): Promise<void>;
}

/** Starts sshd accepting `clientPublicKey`, with `Subsystem echo /bin/cat`. */
export async function startOpenSshPeer(dir: string, clientPublicKey: string): Promise<OpenSshPeer> {
  ensureSystemRequirements([
    {
      program: '/usr/sbin/sshd',
      debianPackage: 'openssh-server',
      why: 'the control and move benches compare with OpenSSH',
    },
    { program: '/usr/bin/ssh-keygen', debianPackage: 'openssh-client', why: 'host key for the OpenSSH peer' },
  ]);
  mkdirSync(dir, { recursive: true });
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKeyPath = join(dir, 'host_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKeyPath]);
  writeFileSync(join(dir, 'authorized_keys'), `${clientPublicKey}\n`, { mode: 0o600 });
  const [port] = (await findFreePorts(1)) as [number];
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKeyPath}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    `AllowUsers ${userInfo().username}`,
    'PermitRootLogin prohibit-password',
    'Subsystem echo /bin/cat',
  ].join('\n');
  writeFileSync(join(dir, 'sshd_config'), `${config}\n`);
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  try {
    await waitForPort(port, 10_000, 'sshd');
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}: ${stderr}`);
  }
  const hostKey = execFileSync('ssh-keygen', ['-y', '-f', hostKeyPath], { encoding: 'utf8' }).trim();
  return {
    port,
    hostKey,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** An echo channel on the peer: `roundTrip(line)` sends a line and waits for it to come back. */
export async function openEchoChannel(
  peer: OpenSshPeer,
  privateKey: string,
): Promise<{ roundTrip(line: string): Promise<void>; close(): void }> {
  const pinned = ssh2.utils.parseKey(peer.hostKey);
  if (pinned instanceof Error) throw pinned;
  const client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', reject);
    client.connect({
      host: '127.0.0.1',
      port: peer.port,
      username: userInfo().username,
      privateKey,
      hostVerifier: (key: Buffer) => key.equals(pinned.getPublicSSH()),
    });
  });
  const channel = await new Promise<ssh2.ClientChannel>((resolve, reject) =>
    client.subsys('echo', (error, ch) => (error ? reject(error) : resolve(ch))),
  );
  let buffered = '';
  let waiting: (() => void) | undefined;
  channel.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    if (buffered.includes('\n')) {
      buffered = buffered.slice(buffered.indexOf('\n') + 1);
      waiting?.();
    }
  });
  return {
    roundTrip: (line) =>
      new Promise<void>((resolve) => {
        waiting = resolve;
        channel.write(`${line}\n`);
      }),
    close: () => client.end(),
  };
}
