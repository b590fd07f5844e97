/**
 * The daily tasks on the command line against ONE small real lab (`mailfleet lab up`, two stores,
 * a director, a gateway, the directory): `status`, `node`, `audit`, `user`, `alias`, `queue`, `why`,
 * `lab kill|start`, `console --web`, `start --web` and the completion of node names, each run as the
 * real binary, each with its bad input refused in words (one in Japanese), and what it wrote seen
 * by others: the directory (an IMAP login through the director), the director's queue.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { QueueListEntry } from '../../../agent/common/contract/queue-admin-contract.js';
import { parseLabUsers } from '../../../main/lab/lab-people.js';
import { bashCompletes } from '../../support/bash-completion.js';
import { cliLabForFile } from '../../support/cli-lab.js';
import { startConsoleProcess } from '../../support/console-process.js';
import { labImapLogin } from '../../support/lab-imap-login.js';
import { labSmtpTransport } from '../../support/lab-smtp.js';

const { mailfleet, mailfleetWith, home } = cliLabForFile('daily-cli', [
  '--stores',
  '2',
  '--spares',
  '0',
  '--users',
  '20',
  '--domains',
  '2',
]);
const japanese = { LANG: 'ja_JP.UTF-8', LC_ALL: '', LC_MESSAGES: '' };

async function labUsers() {
  return parseLabUsers(await readFile(join(home(), 'lab-users.csv'), 'utf8'));
}

describe('mailfleet status, node, audit', () => {
  it('lists every node up, shows a node, reads the audit; refuses bad input in words', async () => {
    const status = await mailfleet('status', '--json');
    expect(status.code).toBe(0);
    const nodes = JSON.parse(status.stdout) as Array<{ name: string; state: string }>;
    expect(nodes.map((n) => [n.name, n.state])).toEqual([
      ['director01', 'up'],
      ['directory01', 'up'],
      ['gateway01', 'up'],
      ['store01', 'up'],
      ['store02', 'up'],
    ]);
    expect((await mailfleet('status')).stdout).toMatch(/^5 of 5 nodes up$/m);
    expect((await mailfleet('status', '--fleet', join(home(), 'missing.json'))).code).toBe(1);

    const services = await mailfleet('node', 'store01', 'services', '--json');
    expect(services.code).toBe(0);
    expect((JSON.parse(services.stdout) as Array<{ name: string }>).map((s) => s.name)).toContain('imap');
    expect((await mailfleet('node', 'nosuch', 'info')).stderr).toMatch(
      /no node named nosuch in the directory/,
    );
    expect((await mailfleet('node', 'store01', 'frob')).code).toBe(2);

    const audit = await mailfleet('audit', 'store01', '--limit', '5', '--json');
    expect(audit.code).toBe(0);
    expect(JSON.parse(audit.stdout)).toEqual(expect.any(Array));
    expect((await mailfleet('audit', '--limit', '0')).stderr).toMatch(/--limit must be 1 to 1000/);
  }, 120_000);
});

describe('mailfleet user and alias', () => {
  it('finds, shows, adds, sets a password from stdin, disables and enables; refuses in words', async () => {
    const [someone] = await labUsers();
    const found = await mailfleet('user', 'find', someone!.address.split('@')[0]!, '--json');
    expect(JSON.parse(found.stdout).users.map((u: { mail: string }) => u.mail)).toContain(someone!.address);
    expect((await mailfleet('user', 'show', someone!.address)).stdout).toMatch(
      new RegExp(`^address: +${someone!.address}$`, 'm'),
    );

    const address = `hanako.cli@${someone!.address.split('@')[1]}`;
    const password = 'Kq8#vTz2-Lm9w';
    // No password on stdin: refused before anything is written.
    const none = await mailfleet('user', 'add', address, '--name', '花子 CLI', '--store', 'store01');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no password was given/);
    expect((await mailfleet('user', 'show', address)).stderr).toMatch(
      /There is no such entry in the directory/,
    );
    const added = await mailfleetWith(
      { input: `${password}\n` },
      'user',
      'add',
      address,
      '--name',
      '花子 CLI',
      '--store',
      'store01',
    );
    expect(added.stderr).toBe('');
    expect(added.stdout).toMatch(`added ${address} on store01`);
    expect(await labImapLogin(home(), address, password)).toBe(true);
    const again = await mailfleetWith(
      { input: `${password}\n` },
      'user',
      'add',
      address,
      '--name',
      'x',
      '--store',
      'store01',
    );
    expect(again.stderr).toMatch(/This address or name is already in use/);

    const short = await mailfleetWith({ input: 'short\n' }, 'user', 'passwd', address);
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/password/i);
    const newPassword = 'Zx7!pQ2w-Rt5y';
    const changed = await mailfleetWith({ input: `${newPassword}\n` }, 'user', 'passwd', address);
    expect(changed.stdout).toMatch(`the password of ${address} is changed`);
    expect(await labImapLogin(home(), address, newPassword)).toBe(true);

    expect((await mailfleet('user', 'disable', address)).stdout).toMatch(`${address} is disabled`);
    expect(JSON.parse((await mailfleet('user', 'show', address, '--json')).stdout).state).toBe('disabled');
    expect((await mailfleet('user', 'enable', address)).code).toBe(0);
    expect(JSON.parse((await mailfleet('user', 'show', address, '--json')).stdout).state).toBe('active');

    const bad = await mailfleet('user', 'show', 'not-an-address');
    expect(bad.stderr).toMatch(/The input is not valid\. \(address: not a mail address/);
    const missing = await mailfleetWith({ env: japanese }, 'user', 'show', 'nobody@nowhere.example');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /ディレクトリに該当する項目がありません。 \(no such user nobody@nowhere\.example\)/,
    );
    expect((await mailfleet('user', 'add', address)).code).toBe(2);
  }, 180_000);

  it('lists, adds, changes and removes an alias; refuses in words', async () => {
    const [a, b] = await labUsers();
    const domain = a!.address.split('@')[1]!;
    const alias = `help-desk@${domain}`;
    expect((await mailfleet('alias', 'add', alias, a!.address)).stdout).toMatch(
      `${alias} forwards to ${a!.address}`,
    );
    expect((await mailfleet('alias', 'set', alias, a!.address, b!.address)).code).toBe(0);
    const listed = JSON.parse((await mailfleet('alias', 'list', domain, '--json')).stdout);
    expect(listed).toContainEqual({ address: alias, forwardTo: [a!.address, b!.address] });
    expect((await mailfleet('alias', 'add', a!.address, b!.address)).stderr).toMatch(
      /This address or name is already in use\. \(.* is already used by the user/,
    );
    expect((await mailfleet('alias', 'remove', alias)).stdout).toMatch(`the alias ${alias} is removed`);
    expect((await mailfleet('alias', 'list', domain)).stdout).not.toContain(alias);
    expect((await mailfleet('alias', 'add', alias)).code).toBe(2);
  }, 120_000);
});

describe('mailfleet queue and why', () => {
  it('lists, shows, holds, releases, requeues and deletes queued mail, and says why it waits', async () => {
    const user = (await labUsers()).find((u) => u.store === 'store02')!;
    expect((await mailfleet('lab', 'kill', 'store02', '--home', home())).stdout).toMatch(/killed store02/);
    expect((await mailfleet('lab', 'kill', 'nosuch', '--home', home())).stderr).toMatch(
      /this lab has no node named nosuch/,
    );
    const transport = await labSmtpTransport(home(), 'director01', '127.0.0.1');
    await transport.sendMail({
      envelope: { from: 'clerk@example.org', to: [user.address] },
      raw: `From: clerk@example.org\r\nTo: ${user.address}\r\nSubject: waiting\r\nMessage-ID: <why-cli-1@example.org>\r\n\r\nbody\r\n`,
    });
    transport.close();

    let entry: QueueListEntry | undefined;
    for (let i = 0; i < 30 && entry?.recipients[0]?.state !== 'deferred'; i++) {
      const listed = await mailfleet('queue', 'list', '--recipient', user.address, '--json');
      expect(listed.code).toBe(0);
      entry = (JSON.parse(listed.stdout) as Array<{ entries: QueueListEntry[] }>)[0]?.entries[0];
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(entry?.recipients[0]).toMatchObject({ state: 'deferred', destination: 'lmtp:store02' });
    const id = entry!.id;
    expect((await mailfleet('queue', 'list', '--state', 'deferred')).stdout).toMatch(
      new RegExp(`director01 +${id} .*${user.address} \\(deferred\\)`),
    );
    expect((await mailfleet('queue', 'show', id)).stdout).toMatch(
      `${user.address}: mail store store02 does not answer. The next try is at`,
    );

    const why = await mailfleet('why', 'why-cli-1@example.org');
    expect(why.code).toBe(0);
    expect(why.stdout).toMatch(/director01 \(the director\) took it into its queue for delivery\./);
    expect(why.stdout).toMatch(/mail store store02 does not answer\./);
    expect(why.stdout).toMatch(`now in the queue of director01 as ${id}`);
    const whyJa = await mailfleetWith({ env: japanese }, 'why', user.address);
    expect(whyJa.stdout).toMatch(/メール格納先 store02 が応答していません。/);
    const nothing = await mailfleet('why', 'nobody-at-all@nowhere.example');
    expect(nothing.code).toBe(1);
    expect(nothing.stdout).toMatch(/no gateway or director has seen mail like this/);

    const hold = await mailfleet('queue', 'hold', id);
    expect([hold.code, hold.stdout.trim()]).toEqual([0, 'held on director01']);
    expect((await mailfleet('queue', 'show', id)).stdout).toMatch(/Held by an administrator/);
    expect((await mailfleet('queue', 'list', '--held', '--json')).stdout).toContain(id);
    expect((await mailfleet('queue', 'release', id)).stdout).toMatch(/released on director01/);
    expect((await mailfleet('queue', 'release', id)).stdout).toMatch(/there was no such hold on director01/);
    expect((await mailfleet('queue', 'hold', id, '--user', user.address)).code).toBe(2);

    const requeue = await mailfleet('queue', 'requeue', '--destination', 'lmtp:store02', '--dry-run');
    expect(requeue.code).toBe(0);
    expect(requeue.stdout).toMatch(/would touch 1 message\(s\), 1 recipient\(s\) on director01/);
    const undecided = await mailfleet('queue', 'delete', id);
    expect(undecided.code).toBe(2);
    expect(undecided.stderr).toMatch(/--bounce .* or --no-bounce/);
    expect((await mailfleet('queue', 'delete', '--dry-run', '--no-bounce')).stderr).toMatch(
      /name the messages/,
    );
    expect((await mailfleet('queue', 'delete', id, '--no-bounce', '--dry-run')).stdout).toMatch(
      /would touch 1 message/,
    );
    // The agent decides, not the CLI: deleting is for system admins, and the helpdesk admin is refused.
    const helpdesk = join(home(), 'fleet-labhelpdesk.json');
    const refused = await mailfleet('queue', 'delete', id, '--no-bounce', '--fleet', helpdesk);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^director01: not allowed for this administrator: /m);
    expect((await mailfleet('queue', 'show', id, '--fleet', helpdesk)).stdout).toContain(id);
    expect((await mailfleet('queue', 'show', 'nosuchid')).stderr).toMatch(
      /no queue holds a message nosuchid/,
    );
    expect((await mailfleet('queue', 'list', '--state', 'weird')).stderr).toMatch(/--state takes pending/);
    expect((await mailfleet('queue', 'list', '--node', 'nosuch')).stderr).toMatch(/no node named nosuch/);

    // store02 back: the mail is delivered, and why says so.
    expect((await mailfleet('lab', 'start', 'store02', '--home', home())).code).toBe(0);
    for (let i = 0; i < 60; i++) {
      const requeued = await mailfleet('queue', 'requeue', id);
      if (requeued.stdout.includes('0 message(s)')) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect((await mailfleet('why', 'why-cli-1@example.org')).stdout).toMatch(
      /Delivered to mail store store02\./,
    );
  }, 240_000);
});

describe('mailfleet console, start and completion on a lab', () => {
  it('serves the console to a browser (console --web, start --web) and completes node names', async () => {
    const profile = join(home(), 'fleet.json');
    for (const command of ['console', 'start'] as const) {
      const running = await startConsoleProcess(profile, 60_000, { command });
      try {
        // The printed address works once: it trades its token for a session cookie, then the page loads.
        const exchange = await fetch(running.url, { redirect: 'manual' });
        expect(exchange.status).toBe(303);
        const cookie = exchange.headers.get('set-cookie')!.split(';')[0]!;
        const page = await fetch(new URL('/', running.url), { headers: { cookie } });
        expect(page.status).toBe(200);
        expect(await page.text()).toMatch(/<html/i);
      } finally {
        await running.stop();
      }
    }
    expect((await mailfleet('console', '--web', '--port', '70000')).stderr).toMatch(
      /--port takes 0 to 65535/,
    );
    expect(await bashCompletes(profile, 'node', 'st')).toEqual(['store01', 'store02']);
    expect(await bashCompletes(profile, 'node', 'a')).toEqual(['add']);
    expect((await bashCompletes(profile, 'queue', 'list', '--node', 'dir')).sort()).toEqual([
      'director01',
      'directory01',
    ]);
  }, 120_000);
});
