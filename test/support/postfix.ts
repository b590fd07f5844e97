/**
 * A real Postfix (Debian's package) for interop tests and the bench, in the foreground
 * (`postfix start-fg`) with its own configuration, queue and data directories in a temporary
 * directory, listening on free loopback ports. No chroot, no DNS (relays go to `[host]:port`
 * next hops), no TLS; the log goes to a file (`maillog_file`, with the `postlog` service).
 *
 * Two kinds of listener:
 * - `port`: the relay entry (a sender's submission): mail from loopback is accepted for any
 *   domain and relayed by `relayhost` / `transports`, or delivered to `mailboxDomains`;
 * - `mxPort` (optional): the "internet MX": only `mailboxDomains` are accepted, after the
 *   `recipientAccess` rules (e.g. `450` for a domain that defers).
 * Mail for `mailboxDomains` is delivered by Postfix's `virtual` agent into Maildirs under
 * `mailboxDir/<domain>/<user>/`; {@link TestPostfix.mailbox} reads them.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { probeFreePort } from './free-port.js';

const run = promisify(execFile);

/** How to set up a test Postfix. */
export interface TestPostfixOptions {
  /** myhostname (default `mx.outside.example`). */
  hostName?: string;
  /** Default next hop for mail not for `mailboxDomains`, e.g. `[127.0.0.1]:2525`. */
  relayhost?: string;
  /** Per-domain next hops, e.g. `{ 'alpha.example': 'smtp:[127.0.0.1]:2525' }`. */
  transports?: Record<string, string>;
  /**
   * Domains whose mail Postfix keeps in Maildirs: `mailboxDir/<domain>/<user>/` for the addresses
   * in `mailboxes`, `mailboxDir/<domain>/_any/` for any other address of the domain.
   */
  mailboxDomains?: string[];
  /** Addresses with their own Maildir (Postfix allows no pattern substitution in mailbox maps). */
  mailboxes?: string[];
  /** Where the Maildirs go (absolute; created, owned by nobody); default `<dir>/mail`. Not removed by stop. */
  mailboxDir?: string;
  /** Open the MX listener too. */
  mx?: boolean;
  /** MX listener rules: recipient domain or address -> access action (`450 4.2.0 try later`, `REJECT`). */
  recipientAccess?: Record<string, string>;
  /** More main.cf settings (e.g. for the bench). */
  mainCf?: Record<string, string>;
}

/** A running Postfix. */
export interface TestPostfix {
  /** The configuration directory (`postfix -c`). */
  dir: string;
  /** The relay-entry smtpd port. */
  port: number;
  /** The MX smtpd port (0 without `mx`). */
  mxPort: number;
  /** Where the Maildirs are. */
  mailboxDir: string;
  /** The master process's pid. */
  pid: number;
  /** Messages (whole texts) in the Maildir of `address` (new and cur); `@domain` reads the catch-all. */
  mailbox(address: string): Promise<string[]>;
  /** The queue as `postqueue -j` prints it. */
  queue(): Promise<unknown[]>;
  /** The mail log so far. */
  log(): Promise<string>;
  /** Stops Postfix by pid and removes its directories. */
  stop(): Promise<void>;
}

/** Thrown when Postfix does not come up; carries its log. */
export class PostfixStartError extends Error {
  override readonly name = 'PostfixStartError';
}

// Every service Postfix needs, without chroot (column 5 `n`): the queue directory has no /etc copies.
const services = [
  'pickup    unix  n  -  n  60  1  pickup',
  'cleanup   unix  n  -  n  -   0  cleanup',
  'qmgr      unix  n  -  n  300 1  qmgr',
  'tlsmgr    unix  -  -  n  1000? 1 tlsmgr',
  'rewrite   unix  -  -  n  -   -  trivial-rewrite',
  'bounce    unix  -  -  n  -   0  bounce',
  'defer     unix  -  -  n  -   0  bounce',
  'trace     unix  -  -  n  -   0  bounce',
  'verify    unix  -  -  n  -   1  verify',
  'flush     unix  n  -  n  1000? 0 flush',
  'proxymap  unix  -  -  n  -   -  proxymap',
  'proxywrite unix -  -  n  -   1  proxymap',
  'smtp      unix  -  -  n  -   -  smtp',
  'relay     unix  -  -  n  -   -  smtp',
  'showq     unix  n  -  n  -   -  showq',
  'error     unix  -  -  n  -   -  error',
  'retry     unix  -  -  n  -   -  error',
  'discard   unix  -  -  n  -   -  discard',
  'local     unix  -  n  n  -   -  local',
  'virtual   unix  -  n  n  -   -  virtual',
  'lmtp      unix  -  -  n  -   -  lmtp',
  'anvil     unix  -  -  n  -   1  anvil',
  'scache    unix  -  -  n  -   1  scache',
  'postlog   unix-dgram n - n -  1  postlogd',
];

/** Starts Postfix; rejects with its log when it does not answer on its ports. */
export async function startPostfix(options: TestPostfixOptions = {}): Promise<TestPostfix> {
  const dir = await mkdtemp(join(tmpdir(), 'mailfleet-postfix-'));
  const mailboxDir = options.mailboxDir ?? join(dir, 'mail');
  const logFile = join(dir, 'maillog');
  // Postfix's daemons (user postfix) and the virtual agent (nobody) must reach their directories;
  // the queue directory belongs to root, the data directory to postfix (`postfix check` makes the rest).
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'queue'), { mode: 0o755 });
  await mkdir(join(dir, 'data'), { mode: 0o700 });
  await run('chown', ['postfix', join(dir, 'data')]);
  await mkdir(mailboxDir, { recursive: true });
  // The virtual agent writes the Maildirs as this user.
  await run('chown', ['nobody:nogroup', mailboxDir]);
  const port = await probeFreePort();
  const mxPort = options.mx ? await probeFreePort() : 0;
  const domains = (options.mailboxDomains ?? []).map((d) => d.toLowerCase());
  const escapeRegexp = (text: string) => text.replace(/[.+*?^$()[\]{}|\\]/g, '\\$&');
  const own = (options.mailboxes ?? []).map((a) => a.toLowerCase());
  await writeFile(
    join(dir, 'vmailbox'),
    [
      ...own.map((address) => `${address} ${address.split('@')[1]}/${address.split('@')[0]}/`),
      ...domains.map((d) => `@${d} ${d}/_any/`),
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'recipient_access'),
    Object.entries(options.recipientAccess ?? {})
      .map(
        ([match, action]) =>
          `/${match.includes('@') ? '^' : '@'}${escapeRegexp(match.toLowerCase())}$/ ${action}\n`,
      )
      .join(''),
  );
  const transports = Object.entries(options.transports ?? {});
  await writeFile(
    join(dir, 'transport'),
    transports.map(([domain, next]) => `/@${escapeRegexp(domain.toLowerCase())}$/ ${next}\n`).join(''),
  );
  const main: Record<string, string> = {
    compatibility_level: '3.6',
    queue_directory: join(dir, 'queue'),
    data_directory: join(dir, 'data'),
    mail_owner: 'postfix',
    setgid_group: 'postdrop',
    maillog_file: logFile,
    maillog_file_prefixes: dir,
    myhostname: options.hostName ?? 'mx.outside.example',
    myorigin: '$myhostname',
    mydestination: '',
    inet_interfaces: '127.0.0.1',
    inet_protocols: 'ipv4',
    mynetworks: '127.0.0.0/8',
    smtpd_peername_lookup: 'no',
    smtp_dns_support_level: 'disabled',
    smtputf8_enable: 'no',
    biff: 'no',
    local_transport: 'error:5.1.1 no local delivery here',
    alias_maps: '',
    alias_database: '',
    relayhost: options.relayhost ?? '',
    transport_maps: transports.length > 0 ? `regexp:${join(dir, 'transport')}` : '',
    virtual_mailbox_domains: domains.join(', '),
    virtual_mailbox_base: mailboxDir,
    virtual_mailbox_maps: `texthash:${join(dir, 'vmailbox')}`,
    virtual_uid_maps: 'static:65534',
    virtual_gid_maps: 'static:65534',
    smtpd_relay_restrictions: 'permit_mynetworks, reject_unauth_destination',
    mx_recipient_restrictions: `check_recipient_access regexp:${join(dir, 'recipient_access')}, reject_unauth_destination`,
    // Tests want retries soon; Postfix's own defaults are minutes.
    queue_run_delay: '1s',
    minimal_backoff_time: '1s',
    maximal_backoff_time: '2s',
    ...options.mainCf,
  };
  await writeFile(
    join(dir, 'main.cf'),
    Object.entries(main)
      .map(([key, value]) => `${key} = ${value}\n`)
      .join(''),
  );
  await writeFile(
    join(dir, 'master.cf'),
    [
      `127.0.0.1:${port} inet n - n - - smtpd`,
      ...(options.mx
        ? [
            `127.0.0.1:${mxPort} inet n - n - - smtpd`,
            // The access rules run first: a 450 for a deferring domain, not "relay access denied".
            '  -o smtpd_relay_restrictions=$mx_recipient_restrictions',
            '  -o smtpd_recipient_restrictions=permit',
          ]
        : []),
      ...services,
      '',
    ].join('\n'),
  );
  await run('postfix', ['-c', dir, 'check']).catch(async (error: { stdout?: string; stderr?: string }) => {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    await rm(dir, { recursive: true, force: true });
    throw new PostfixStartError(`postfix check failed: ${error.stderr ?? ''}${error.stdout ?? ''}\n${log}`);
  });
  // `script` gives Postfix a terminal, so a fatal start error is printed instead of lost in syslog.
  const child: ChildProcess = spawn('script', ['-qfc', `postfix -c ${dir} start-fg`, '/dev/null'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const readLog = async () => readFile(logFile, 'utf8').catch(() => '');
  const stop = async () => {
    const pid = await masterPid(dir);
    if (pid) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      await waitForExit(pid, 10_000);
    }
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const listener of [port, ...(options.mx ? [mxPort] : [])])
      await waitForGreeting(listener, child, 20_000);
  } catch (error) {
    const log = await readLog();
    await stop();
    throw new PostfixStartError(`${(error as Error).message}\n${output}\n${log}`);
  }
  return {
    dir,
    port,
    mxPort,
    mailboxDir,
    pid: (await masterPid(dir)) ?? child.pid ?? 0,
    async mailbox(address) {
      const [local = '', domain = ''] = address.toLowerCase().split('@');
      const user = local === '' ? '_any' : local;
      const texts: string[] = [];
      for (const sub of ['new', 'cur']) {
        const folder = join(mailboxDir, domain, user, sub);
        const names = await readdir(folder).catch(() => [] as string[]);
        for (const name of names.sort()) texts.push(await readFile(join(folder, name), 'utf8'));
      }
      return texts;
    },
    async queue() {
      const { stdout } = await run('postqueue', ['-c', dir, '-j']);
      return stdout
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as unknown);
    },
    log: readLog,
    stop,
  };
}

async function masterPid(dir: string): Promise<number | undefined> {
  const text = await readFile(join(dir, 'queue', 'pid', 'master.pid'), 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone meanwhile.
  }
}

async function waitForGreeting(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new PostfixStartError(`postfix exited with ${child.exitCode}`);
    const greeted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(2_000, () => done(false));
      socket.once('data', (chunk: Buffer) => done(chunk.toString().startsWith('220')));
      socket.once('error', () => done(false));
    });
    if (greeted) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new PostfixStartError(`postfix did not greet on port ${port} in ${timeoutMs} ms`);
}
