/**
 * Issue 13's directory part in real agents: two slapd providers in multi-provider replication
 * (the shipped lines), two stores and a director given both URLs, and the console core (openFleet
 * from a profile listing both) making an admin's edits. Mail goes through the director every
 * 100 ms and the admin adds users and edits one all along; the first provider is killed with
 * SIGKILL in the middle and started again later. Then: every edit the console acknowledged is on
 * both providers, every message the director acknowledged (250) is in its mailbox exactly once,
 * and the console core and the director's samples said which directory they used. Then the
 * console in Chromium (browser mode, `mailfleet console --web` on the same profile) says which
 * directory it and the director use, in English and Japanese (screenshots in test-output/console).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../agent/common/directory/fleet-entries.js';
import { Agent } from '../../../agent/daemon/agent.js';
import { parseAgentConfig } from '../../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../../agent/daemon/production-dependencies.js';
import { statusCommand } from '../../../main/cli/commands/status.js';
import { DirectoryAdmin } from '../../../main/core/directory-admin/directory-admin.js';
import { loadFleetProfile } from '../../../main/core/fleet-profile.js';
import { type OpenFleet, openFleet } from '../../../main/core/open-fleet.js';
import { AgentTestDirectory, newKeyPair } from '../../support/agent-test-directory.js';
import { launchChromium } from '../../support/chromium.js';
import { consoleScreenshots } from '../../support/console-lab.js';
import { startConsoleProcess } from '../../support/console-process.js';
import { inboxSubjects } from '../../support/inbox-subjects.js';
import { storeSeedEntries, storeUsers } from '../../support/store-seed.js';
import { sendMail } from './mail-path-fleet.js';

const sysKey = newKeyPair('sys');
const sysPassword = 'sys-directory-pw';
const newUserPassword = 'new-user-Pa55word';
const baseDn = 'dc=mailfleet,dc=lab';
const tree = new FleetTree(baseDn);

let directory: AgentTestDirectory;
const agents: Agent[] = [];
let open: OpenFleet;
let home: string;
/** Every agent's log lines (JSON). */
const logLines: string[] = [];

beforeAll(async () => {
  directory = await AgentTestDirectory.start(
    {
      baseDn,
      servers: [
        { name: 'store01', role: 'store' },
        { name: 'store02', role: 'store' },
        { name: 'director01', role: 'director' },
      ],
      admins: [
        {
          uid: 'sys',
          displayName: 'System',
          tier: 'system',
          sshPublicKeys: [sysKey.public],
          password: sysPassword,
        },
      ],
      extraEntries: storeSeedEntries,
    },
    { replicated: true },
  );
  const dependencies = productionDependencies({
    clock: { now: () => Date.now() },
    logSink: (line) => logLines.push(line),
  });
  const start = async (node: string, overrides: Parameters<AgentTestDirectory['agentConfig']>[1]) => {
    const agent = new Agent(parseAgentConfig(await directory.agentConfig(node, overrides)), dependencies);
    await agent.start();
    agents.push(agent);
    return agent;
  };
  const mail = { host: '127.0.0.1', lmtpPort: 0, imapPort: 0, pop3Port: 0 };
  await start('store01', { mail });
  await start('store02', { mail });
  await start('director01', {
    director: { host: '127.0.0.1', smtpPort: 0, trustedNetworks: ['127.0.0.1/32'] },
    proxy: { host: '127.0.0.1', imapPort: 0, pop3Port: 0, failedLoginDelayMs: 0 },
  });
  home = await mkdtemp(join(tmpdir(), 'mailfleet-directory-failover-'));
  await writeFile(join(home, 'sys.key'), sysKey.private, { mode: 0o600 });
  await writeFile(join(home, 'sys.password'), sysPassword, { mode: 0o600 });
  const profile = {
    name: 'directory-failover',
    directory: { url: directory.urls, baseDn, bindDn: tree.admin('sys'), bindPasswordFile: 'sys.password' },
    admin: { uid: 'sys', privateKeyFile: 'sys.key' },
    nodes: [],
  };
  await writeFile(join(home, 'fleet.json'), JSON.stringify(profile), { mode: 0o600 });
  open = await openFleet(await loadFleetProfile(join(home, 'fleet.json')), { subscribe: false });
  await open.fleet.settled(20_000);
}, 120_000);

afterAll(async () => {
  await open?.close();
  for (const agent of agents.reverse()) await agent.stop();
  await directory?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

/** Polls until `check` holds; fails naming `what` after 60 s. */
async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`never happened: ${what}`);
}

/** The director's SMTP endpoint as it published it. */
async function directorSmtp(): Promise<{ host: string; port: number }> {
  const server = await open.directory.getServer('director01');
  const [host = '', port = '0'] = (server?.endpoints.smtp ?? '').split(':');
  return { host, port: Number(port) };
}

describe('a directory provider killed under mail traffic and admin edits', () => {
  it('loses no acknowledged edit or message, and says which directory is in use', async () => {
    const pair = directory.pair;
    if (!pair) throw new Error('not replicated');
    const [first, second] = pair.providers;
    const admin = new DirectoryAdmin({ directory: open.directory });
    const smtp = await directorSmtp();
    const recipients: Array<{ mail: string; password: string }> = [storeUsers.alice, storeUsers.bob];
    const accepted = new Map<string, string[]>(); // user -> subjects acknowledged with 250
    const addedUsers: string[] = [];
    const refusedEdits: string[] = [];
    const displayNames: string[] = [];
    let ackedDisplayName = -1;
    const seen = { console: '', director: '' };

    const round = async (i: number) => {
      // Mail: one message every round to a user of the seed or one the admin added.
      const to = recipients[i % recipients.length] as { mail: string };
      const subject = `failover-${i}`;
      const sent = await sendMail(
        smtp,
        '127.0.0.1',
        { from: 'sender@outside.example', to: [to.mail] },
        subject,
      );
      if (sent.ok) accepted.set(to.mail, [...(accepted.get(to.mail) ?? []), subject]);
      // Edits through the console core: a new user every other round, alice renamed otherwise.
      if (i % 2 === 0) {
        const address = `new${i}@alpha.example`;
        const added = await admin.addUser({
          address,
          displayName: `New ${i}`,
          logicalStore: i % 4 === 0 ? 'store01' : 'store02',
          password: newUserPassword,
        });
        if (added.ok) {
          addedUsers.push(address);
          recipients.push({ mail: address, password: newUserPassword });
        } else refusedEdits.push(`${address}: ${added.error.code}`);
      } else {
        displayNames.push(`Alice ${i}`);
        const edited = await admin.updateUser({ address: storeUsers.alice.mail, displayName: `Alice ${i}` });
        if (edited.ok) ackedDisplayName = displayNames.length - 1;
        else refusedEdits.push(`alice: ${edited.error.code}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    };

    for (let i = 0; i < 12; i++) await round(i);
    expect(open.fleet.snapshot().directory.link).toMatchObject({ inUse: first.url, unanswered: [] });
    await first.kill();
    for (let i = 12; i < 36; i++) {
      await round(i);
      const link = open.fleet.snapshot().directory.link;
      if (link?.inUse === second.url && link.unanswered.some((u) => u.url === first.url))
        seen.console = link.inUse;
      const sample = await open.fleet.call('director01', 'node.metrics', {});
      if (
        sample.directory?.inUse === second.url &&
        sample.directory.unanswered.some((u) => u.url === first.url)
      ) {
        seen.director = sample.directory.inUse;
      }
    }
    await first.start();
    for (let i = 36; i < 44; i++) await round(i);

    // The console core and the director said they used the second provider while the first was down,
    // and the director's log said when it moved.
    expect(seen).toEqual({ console: second.url, director: second.url });
    type LogLine = { node?: string; msg?: string; fields?: { url?: string; unanswered?: string[] } };
    const moved = logLines
      .map((line) => JSON.parse(line) as LogLine)
      .filter((line) => line.node === 'director01' && line.msg === 'directory server in use');
    expect(
      moved.some(
        (line) => line.fields?.url === second.url && line.fields.unanswered?.[0]?.startsWith(first.url),
      ),
    ).toBe(true);
    // Edits made while the first provider was down were acknowledged (an edit in flight at the
    // kill may be refused, in words).
    expect(addedUsers.filter((a) => Number(a.match(/\d+/)?.[0]) >= 14).length).toBeGreaterThanOrEqual(10);
    expect(refusedEdits.length).toBeLessThanOrEqual(1);

    // Every acknowledged edit is on both providers.
    for (const url of pair.urls) {
      await eventually(`every added user on ${url}`, async () => {
        for (const address of addedUsers) if (!(await pair.readAsRoot(url, tree.user(address)))) return false;
        return true;
      });
      await eventually(`alice's last name on ${url}`, async () => {
        const name = String((await pair.readAsRoot(url, tree.user(storeUsers.alice.mail)))?.displayName);
        // A later edit whose answer was lost may have landed too: it is one the admin made.
        return displayNames.indexOf(name) >= ackedDisplayName;
      });
    }

    // Every message acknowledged with 250 is in its mailbox exactly once.
    const imap = (await open.directory.getServer('director01'))?.endpoints.imap ?? '';
    const imapPort = Number(imap.split(':')[1]);
    for (const user of recipients) {
      const expected = [...(accepted.get(user.mail) ?? [])].sort();
      let got: string[] = [];
      await eventually(`mail of ${user.mail}`, async () => {
        got = (await inboxSubjects(imapPort, user.mail, user.password)).filter((s) =>
          s.startsWith('failover-'),
        );
        return got.length >= expected.length;
      });
      expect(got.sort(), user.mail).toEqual(expected);
    }
    const total = [...accepted.values()].reduce((n, subjects) => n + subjects.length, 0);
    expect(total).toBeGreaterThanOrEqual(40);
  });

  it('shows in the console which directory the console and the director use, in English and Japanese', async () => {
    const pair = directory.pair;
    if (!pair) throw new Error('not replicated');
    const [first, second] = pair.providers;
    const name = (url: string) => url.replace(/^ldap:\/\//, '');
    await first.start();
    const consoleProcess = await startConsoleProcess(join(home, 'fleet.json'), 60_000);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
      await page.goto(consoleProcess.url);
      const header = page.locator('.app-directory');
      await expect
        .poll(() => header.textContent(), { timeout: 30_000 })
        .toBe(`Directory: ${name(first.url)}`);

      await first.kill();
      // The console notices at its next directory read (the node list, every 30 s).
      await expect
        .poll(() => header.textContent(), { timeout: 90_000 })
        .toBe(`Directory: ${name(second.url)} (${name(first.url)} does not answer)`);
      // The CLI says it too (on its own connection, which finds the first provider gone).
      const said: string[] = [];
      expect(
        await statusCommand(
          ['--fleet', join(home, 'fleet.json')],
          () => {},
          (line) => said.push(line),
        ),
      ).toBe(0);
      expect(said).toContain(`directory: using ${second.url} (${first.url} does not answer)`);
      // The director notices at its next lookup: mail to a user it has not looked up yet.
      const admin = new DirectoryAdmin({ directory: open.directory });
      const added = await admin.addUser({
        address: 'console-walk@alpha.example',
        displayName: 'Console Walk',
        logicalStore: 'store01',
        password: newUserPassword,
      });
      expect(added.ok).toBe(true);
      const smtp = await directorSmtp();
      const to = ['console-walk@alpha.example'];
      expect((await sendMail(smtp, '127.0.0.1', { from: 'a@outside.example', to }, 'walk')).ok).toBe(true);
      // This file is compiled without the DOM's types: the page runs the expression.
      await page.evaluate("location.hash = '#/nodes/director01'");
      const nodeLine = page.locator('.node-directory-server');
      await expect
        .poll(() => nodeLine.textContent(), { timeout: 30_000 })
        .toBe(`${name(second.url)} (${name(first.url)} does not answer)`);
      await page.screenshot({ path: join(consoleScreenshots, 'directory-failover-en.png'), fullPage: true });

      await page.getByRole('button', { name: '日本語' }).click();
      await expect
        .poll(() => header.textContent())
        .toBe(`ディレクトリ: ${name(second.url)}(${name(first.url)} が応答しません)`);
      await expect
        .poll(() => nodeLine.textContent())
        .toBe(`${name(second.url)}(${name(first.url)} が応答しません)`);
      await page.screenshot({ path: join(consoleScreenshots, 'directory-failover-ja.png'), fullPage: true });
    } finally {
      await browser.close();
      await consoleProcess.stop();
      await first.start();
    }
  }, 240_000);
});
