/**
 * Debian's OpenSSH sshd on a loopback address of its own, as a "host" (this machine) that an
 * admin reaches with the ssh client: the admin's key authorized for root, and on the admin's side
 * an ssh_config with that key and the host's key pinned in a known_hosts of its own. Stopped by
 * its pid.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { findFreePorts } from '../../main/lab/free-ports.js';

/** A running sshd and the admin's ssh_config for it. */
export interface LoopbackSshd {
  /** The admin's ssh_config: `Host <alias>` reaches the sshd as root. */
  sshConfig: string;
  /** SIGTERM to the sshd. */
  stop(): void;
}

/**
 * Starts sshd on `address` (a free port) with its files in `dir`, where the admin's private key
 * must be (or be written) as `admin_ed25519`; the ssh_config names the host `alias`.
 */
export async function startLoopbackSshd(options: {
  dir: string;
  address: string;
  alias: string;
  adminPublicKey: string;
}): Promise<LoopbackSshd> {
  const { dir, address, alias } = options;
  // sshd refuses to start without its privilege separation directory.
  execFileSync('mkdir', ['-p', '-m', '0755', '/run/sshd']);
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  await writeFile(join(dir, 'authorized_keys'), `${options.adminPublicKey}\n`, { mode: 0o600 });
  const [port] = (await findFreePorts(1)) as [number];
  await writeFile(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      `ListenAddress ${address}`,
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'AllowUsers root',
      'PermitRootLogin prohibit-password',
    ].join('\n'),
  );
  const sshd: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], {
    stdio: 'ignore',
  });
  try {
    await waitForListening(address, port);
  } catch (error) {
    sshd.kill('SIGTERM');
    throw error;
  }
  // The admin's side: their key, and the host's key pinned in their known_hosts.
  const hostPublic = execFileSync('ssh-keygen', ['-y', '-f', hostKey], { encoding: 'utf8' }).trim();
  await writeFile(join(dir, 'known_hosts'), `${alias} ${hostPublic}\n`);
  const sshConfig = join(dir, 'ssh_config');
  await writeFile(
    sshConfig,
    [
      `Host ${alias}`,
      `  HostName ${address}`,
      `  Port ${port}`,
      '  User root',
      `  IdentityFile ${join(dir, 'admin_ed25519')}`,
      '  IdentitiesOnly yes',
      `  HostKeyAlias ${alias}`,
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
    ].join('\n'),
  );
  return { sshConfig, stop: () => sshd.kill('SIGTERM') };
}

async function waitForListening(address: string, port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, address);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd did not listen on ${address}:${port}`);
}
