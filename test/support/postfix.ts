/**
 * A real Postfix (Debian's package) for interop tests, started by the shared foreground launcher
 * (foreground-postfix.ts) in a temporary directory, listening on free loopback ports. No DNS
 * (relays go to `[host]:port` next hops), no TLS unless `mainCf` adds it.
 *
 * Two kinds of listener:
 * - `port`: the relay entry (a sender's submission): mail from loopback is accepted for any
 *   domain and relayed by `relayhost` / `transports`, or delivered to `mailboxDomains`;
 * - `mxPort` (optional): the "internet MX": only `mailboxDomains` are accepted, after the
 *   `recipientAccess` rules (e.g. `450` for a domain that defers).
 * Mail for `mailboxDomains` is delivered by Postfix's `virtual` agent into Maildirs under
 * `mailboxDir/<domain>/<user>/`; {@link TestPostfix.mailbox} reads them.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startForegroundPostfix } from './foreground-postfix.js';
import { probeFreePort } from './free-port.js';

export { PostfixStartError } from './foreground-postfix.js';

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

/** Starts Postfix; rejects with its log when it does not answer on its ports. */
export async function startPostfix(options: TestPostfixOptions = {}): Promise<TestPostfix> {
  const dir = await mkdtemp(join(tmpdir(), 'mailfleet-postfix-'));
  const mailboxDir = options.mailboxDir ?? join(dir, 'mail');
  await mkdir(mailboxDir, { recursive: true });
  // The virtual agent writes the Maildirs as this user.
  await run('chown', ['nobody:nogroup', mailboxDir]);
  const port = await probeFreePort();
  const mxPort = options.mx ? await probeFreePort() : 0;
  const domains = (options.mailboxDomains ?? []).map((d) => d.toLowerCase());
  const escapeRegexp = (text: string) => text.replace(/[.+*?^$()[\]{}|\\]/g, '\\$&');
  const own = (options.mailboxes ?? []).map((a) => a.toLowerCase());
  const transports = Object.entries(options.transports ?? {});
  const postfix = await startForegroundPostfix({
    dir,
    hostName: options.hostName ?? 'mx.outside.example',
    listeners: [
      { port },
      // The access rules run first: a 450 for a deferring domain, not "relay access denied".
      ...(options.mx
        ? [
            {
              port: mxPort,
              overrides: {
                smtpd_relay_restrictions: '$mx_recipient_restrictions',
                smtpd_recipient_restrictions: 'permit',
              },
            },
          ]
        : []),
    ],
    files: {
      vmailbox: {
        text: [
          ...own.map((address) => `${address} ${address.split('@')[1]}/${address.split('@')[0]}/`),
          ...domains.map((d) => `@${d} ${d}/_any/`),
          '',
        ].join('\n'),
      },
      recipient_access: {
        text: Object.entries(options.recipientAccess ?? {})
          .map(
            ([match, action]) =>
              `/${match.includes('@') ? '^' : '@'}${escapeRegexp(match.toLowerCase())}$/ ${action}\n`,
          )
          .join(''),
      },
      transport: {
        text: transports
          .map(([domain, next]) => `/@${escapeRegexp(domain.toLowerCase())}$/ ${next}\n`)
          .join(''),
      },
    },
    mainCf: {
      myorigin: '$myhostname',
      smtp_dns_support_level: 'disabled',
      local_transport: 'error:5.1.1 no local delivery here',
      relayhost: options.relayhost ?? '',
      transport_maps: transports.length > 0 ? `regexp:${join(dir, 'transport')}` : '',
      virtual_mailbox_domains: domains.join(', '),
      virtual_mailbox_base: mailboxDir,
      virtual_mailbox_maps: `texthash:${join(dir, 'vmailbox')}`,
      virtual_uid_maps: 'static:65534',
      virtual_gid_maps: 'static:65534',
      mx_recipient_restrictions: `check_recipient_access regexp:${join(dir, 'recipient_access')}, reject_unauth_destination`,
      // Tests want retries soon; Postfix's own defaults are minutes.
      queue_run_delay: '1s',
      minimal_backoff_time: '1s',
      maximal_backoff_time: '2s',
      ...options.mainCf,
    },
  });
  return {
    dir,
    port,
    mxPort,
    mailboxDir,
    pid: postfix.pid,
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
    log: () => postfix.log(),
    stop: () => postfix.stop(),
  };
}
