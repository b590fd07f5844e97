/**
 * Debian's Dovecot as a reference IMAP server for format tests: pointed at a mail root laid out as
 * `<root>/<domain>/<local>/Maildir` (the store's layout), users from a passwd-file, started in the
 * foreground (`dovecot -F`) on a free loopback port and stopped by pid. Dovecot will not open mail
 * as root, so the mail root is handed to Debian's `mail` user first.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { probeFreePort } from './free-port.js';

/** A running Dovecot. */
export interface DovecotImapServer {
  port: number;
  pid: number;
  log(): Promise<string>;
  stop(): Promise<void>;
}

function mailSystemUser(passwd: string): { uid: number; gid: number } {
  const fields = passwd
    .split('\n')
    .find((l) => l.startsWith('mail:'))
    ?.split(':');
  if (!fields?.[2] || !fields[3]) throw new Error('no system user "mail" in /etc/passwd');
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`dovecot exited (${child.exitCode})`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`dovecot did not listen on ${port} within ${timeoutMs} ms`);
}

/** Starts Dovecot IMAP over `mailRoot` for the given users (address, plain password). */
export async function startDovecotImap(
  workDir: string,
  mailRoot: string,
  users: { address: string; password: string }[],
): Promise<DovecotImapServer> {
  const mail = mailSystemUser(await readFile('/etc/passwd', 'utf8'));
  execFileSync('chown', ['-R', `${mail.uid}:${mail.gid}`, mailRoot]);
  // Dovecot's auth and mail processes run as other users: they must reach the files under workDir.
  await chmod(workDir, 0o755);
  for (const sub of ['run', 'state']) await mkdir(join(workDir, sub), { recursive: true });
  await writeFile(join(workDir, 'users'), users.map((u) => `${u.address}:{PLAIN}${u.password}\n`).join(''));
  for (let attempt = 0; ; attempt++) {
    const port = await probeFreePort();
    const config = `
instance_name = mailfleet-format-${process.pid}-${port}
base_dir = ${join(workDir, 'run')}
state_dir = ${join(workDir, 'state')}
log_path = ${join(workDir, 'dovecot.log')}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
auth_failure_delay = 0
first_valid_uid = 1
mail_uid = ${mail.uid}
mail_gid = ${mail.gid}
mail_location = maildir:${mailRoot}/%d/%n/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${join(workDir, 'users')}
}
userdb {
  driver = static
  args = uid=${mail.uid} gid=${mail.gid} home=${mailRoot}/%d/%n
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
    await writeFile(join(workDir, 'dovecot.conf'), config);
    const child = spawn('/usr/sbin/dovecot', ['-F', '-c', join(workDir, 'dovecot.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const log = () => readFile(join(workDir, 'dovecot.log'), 'utf8').catch(() => '');
    try {
      await waitForPort(port, child, 15_000);
    } catch (error) {
      child.kill('SIGKILL');
      // Someone took the port between the probe and Dovecot's bind: try another.
      if (attempt < 3 && /Address already in use/.test(stderr + (await log()))) continue;
      throw new Error(`${(error as Error).message}\n${stderr}\n${await log()}`);
    }
    return {
      port,
      pid: child.pid!,
      log,
      stop: async () => {
        if (child.exitCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(child.pid!, 'SIGTERM');
        await exited;
      },
    };
  }
}
