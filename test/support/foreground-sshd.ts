/**
 * Debian's OpenSSH sshd in the foreground on a free loopback port, with a host key of its own and
 * one authorized key, stopped by its pid: the one way the tests (loopback-sshd.ts, an admin's
 * "host") and the benches (bench/control/openssh-peer.ts, the transport peer) start it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findFreePorts } from '../../main/lab/free-ports.js';
import { waitForPort } from '../../main/lab/lab-supervisor.js';

/** A running sshd. */
export interface ForegroundSshd {
  port: number;
  /** The host key's private file (`ssh-keygen -y` gives its public line). */
  hostKeyPath: string;
  /** The host's public key, `ssh-ed25519 AAAA...`, to pin on the client's side. */
  hostPublicKey: string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts sshd on `address` with its files in `dir`: only public-key logins of `user` with
 * `authorizedKey`, plus `extraConfig` lines (a `Subsystem`, say).
 */
export async function startForegroundSshd(options: {
  dir: string;
  address: string;
  user: string;
  authorizedKey: string;
  extraConfig?: string[];
}): Promise<ForegroundSshd> {
  const { dir, address } = options;
  mkdirSync(dir, { recursive: true });
  // sshd refuses to start without its privilege separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKeyPath = join(dir, 'ssh_host_ed25519_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKeyPath]);
  writeFileSync(join(dir, 'authorized_keys'), `${options.authorizedKey}\n`, { mode: 0o600 });
  const [port] = (await findFreePorts(1)) as [number];
  const config = [
    `Port ${port}`,
    `ListenAddress ${address}`,
    `HostKey ${hostKeyPath}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    `AllowUsers ${options.user}`,
    'PermitRootLogin prohibit-password',
    ...(options.extraConfig ?? []),
  ];
  writeFileSync(join(dir, 'sshd_config'), `${config.join('\n')}\n`);
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  try {
    await waitForPort(port, 10_000, 'sshd', address);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}: ${stderr}`);
  }
  const hostPublicKey = execFileSync('ssh-keygen', ['-y', '-f', hostKeyPath], { encoding: 'utf8' }).trim();
  return {
    port,
    hostKeyPath,
    hostPublicKey,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
