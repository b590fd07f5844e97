/**
 * Debian's OpenSSH sshd on a loopback address of its own, as a "host" (this machine) that an
 * admin reaches with the ssh client: the admin's key authorized for root, and on the admin's side
 * an ssh_config with that key and the host's key pinned in a known_hosts of its own. Stopped by
 * its pid.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startForegroundSshd } from './foreground-sshd.js';

/** A running sshd and the admin's ssh_config for it. */
export interface LoopbackSshd {
  /** The admin's ssh_config: `Host <alias>` reaches the sshd as root. */
  sshConfig: string;
  /** SIGTERM to the sshd; resolves once it exited. */
  stop(): Promise<void>;
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
  const sshd = await startForegroundSshd({
    dir,
    address,
    user: 'root',
    authorizedKey: options.adminPublicKey,
  });
  // The admin's side: their key, and the host's key pinned in their known_hosts.
  await writeFile(join(dir, 'known_hosts'), `${alias} ${sshd.hostPublicKey}\n`);
  const sshConfig = join(dir, 'ssh_config');
  await writeFile(
    sshConfig,
    [
      `Host ${alias}`,
      `  HostName ${address}`,
      `  Port ${sshd.port}`,
      '  User root',
      `  IdentityFile ${join(dir, 'admin_ed25519')}`,
      '  IdentitiesOnly yes',
      `  HostKeyAlias ${alias}`,
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
    ].join('\n'),
  );
  return { sshConfig, stop: () => sshd.stop() };
}
