/**
 * Debian's Dovecot as the store bench's peer: LMTP and IMAP on free loopback ports, Maildir storage in
 * a temp directory, users from a passwd-file, started in the foreground (`dovecot -F`) and stopped by
 * pid. Dovecot keeps its default durability (`mail_fsync = optimized`: the message is fsynced before
 * LMTP answers), which is what "durable delivery" means for the comparison; `mailFsync: 'always'`
 * also fsyncs everything else it writes (dovecot-alone.ts, the standalone figure).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findFreePorts } from '../../main/lab/free-ports.js';
import { waitForPort } from '../../main/lab/lab-supervisor.js';
import { ensureSystemRequirements } from '../../test/support/system-packages.js';

export interface DovecotPeer {
  lmtpPort: number;
  imapPort: number;
  /** Pid of the dovecot master (its children are the per-session processes). */
  pid: number;
  logText(): string;
  stop(): Promise<void>;
}

/** Starts Dovecot with the given users (address and plain password). */
export async function startDovecotPeer(
  dir: string,
  users: { address: string; password: string }[],
  options: { mailFsync?: 'optimized' | 'always' } = {},
): Promise<DovecotPeer> {
  ensureSystemRequirements([
    {
      program: '/usr/sbin/dovecot',
      debianPackage: 'dovecot-imapd',
      why: 'the store bench compares with Dovecot',
    },
    {
      program: '/usr/lib/dovecot/lmtp',
      debianPackage: 'dovecot-lmtpd',
      why: 'Dovecot LMTP for the store bench',
    },
  ]);
  for (const sub of ['run', 'state', 'mail']) mkdirSync(join(dir, sub), { recursive: true });
  // Dovecot refuses to deliver as root: mail belongs to Debian's `mail` system user.
  const mailUser = systemUser('mail');
  chownSync(join(dir, 'mail'), mailUser.uid, mailUser.gid);
  // mkdtemp makes 0700 directories; the mail user must be able to walk down to its mail.
  chmodSync(dir, 0o755);
  chmodSync(dirname(dir), 0o755);
  const [lmtpPort, imapPort] = (await findFreePorts(2)) as [number, number];
  writeFileSync(join(dir, 'users'), users.map((u) => `${u.address}:{PLAIN}${u.password}`).join('\n'));
  const config = `
instance_name = mailfleet-bench-${process.pid}
base_dir = ${join(dir, 'run')}
state_dir = ${join(dir, 'state')}
log_path = ${join(dir, 'dovecot.log')}
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
auth_failure_delay = 0
first_valid_uid = 1
mail_uid = ${mailUser.uid}
mail_gid = ${mailUser.gid}
mail_fsync = ${options.mailFsync ?? 'optimized'}
mail_location = maildir:${join(dir, 'mail')}/%d/%n/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${join(dir, 'users')}
}
userdb {
  driver = static
  args = uid=${mailUser.uid} gid=${mailUser.gid} home=${join(dir, 'mail')}/%d/%n
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${lmtpPort}
  }
}
protocol imap {
  # The bench opens 100 idle sessions as one user from one address.
  mail_max_userip_connections = 200
}
protocol lmtp {
  postmaster_address = postmaster@bench.example
}
`;
  writeFileSync(join(dir, 'dovecot.conf'), config);
  const child: ChildProcess = spawn('/usr/sbin/dovecot', ['-F', '-c', join(dir, 'dovecot.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const logText = () => {
    try {
      return readFileSync(join(dir, 'dovecot.log'), 'utf8');
    } catch {
      return '';
    }
  };
  try {
    await waitForPort(lmtpPort, 15_000, 'dovecot lmtp');
    await waitForPort(imapPort, 15_000, 'dovecot imap');
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}\n${logText()}`);
  }
  return {
    lmtpPort,
    imapPort,
    pid: child.pid!,
    logText,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** uid and gid of a system user, from /etc/passwd. */
function systemUser(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error(`no system user ${name}`);
  return { uid: Number(uid), gid: Number(gid) };
}
