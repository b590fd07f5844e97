/**
 * `mailfleet lab traffic` against a small lab, as someone trying the lab runs it: the CLI sends its
 * mix through the gateway and the director and stops on its own, printing one JSON line. Then every
 * mailbox is read through the director's IMAP proxy (imapflow): each message the run counted as
 * accepted is there exactly once, greylisted mail came through on its retry, and ISO-2022-JP mail
 * reads back as Japanese.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetProfileSchema } from '../../../main/core/fleet-profile.js';
import { parseLabUsers } from '../../../main/lab/lab-people.js';
import { hostPort } from '../../../main/lab/traffic/traffic-targets.js';
import { type LabProcess, mailfleetCli, startLabProcess } from '../../support/lab-process.js';
import { pauseProcess, resumeProcess } from '../../support/paused-process.js';

const run = promisify(execFile);
let home: string;
let lab: LabProcess | undefined;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'mailfleet-lab-traffic-'));
  lab = await startLabProcess(
    home,
    ['--stores', '2', '--spares', '0', '--users', '30', '--domains', '2', '--greylist-delay', '3s'],
    90_000,
  );
}, 120_000);

afterAll(async () => {
  await lab?.stop();
  await rm(home, { recursive: true, force: true });
});

describe('lab traffic', () => {
  it('refuses a flag that makes no sense, in words, before sending anything', async () => {
    const failed = await run(process.execPath, [
      mailfleetCli,
      'lab',
      'traffic',
      '--home',
      home,
      '--rate',
      'fast',
    ]).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(/--rate takes a number/);
  });

  it('sends a mix that the fleet delivers once each, greylisting and refusing what it should', async () => {
    const { stdout } = await run(
      process.execPath,
      [mailfleetCli, 'lab', 'traffic', '--home', home, '--rate', '5', '--duration', '12s', '--seed', '11'],
      { timeout: 120_000 },
    );
    const summary = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(summary.failed).toBe(0);
    expect(summary.deferred).toBe(0);
    expect(summary.accepted).toBeGreaterThan(10);
    expect(summary.greylisted).toBeGreaterThan(0);
    expect(summary.greylistRetries).toBeGreaterThan(0);
    expect(summary.refusedUnknownRecipient).toBe(summary.offered.unknownRecipient);
    expect(summary.logins.imapOk + summary.logins.pop3Ok).toBeGreaterThan(0);
    expect(summary.logins.imapFailed + summary.logins.pop3Failed).toBe(0);

    const profile = fleetProfileSchema.parse(JSON.parse(await readFile(join(home, 'fleet.json'), 'utf8')));
    const proxy = hostPort(profile.nodes.find((n) => n.role === 'director')?.services.imap ?? '');
    const ca = await readFile(join(home, 'tls', 'ca.pem'), 'utf8');
    const users = parseLabUsers(await readFile(join(home, 'lab-users.csv'), 'utf8'));

    // The director delivers from its queue a moment after its 250: wait until every accepted one is in.
    const deadline = Date.now() + 60_000;
    let found: { tag: string; raw: Buffer }[] = [];
    do {
      found = [];
      for (const user of users) found.push(...(await runMessages(proxy, user, ca, summary.run)));
      if (found.length >= summary.accepted - summary.acceptedByKind.outbound) break;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    } while (Date.now() < deadline);
    const tags = found.map((m) => m.tag);
    expect(new Set(tags).size).toBe(tags.length);
    // Mail to the outside went on to the simulated internet, not into a lab mailbox.
    expect(summary.acceptedByKind.outbound).toBeGreaterThan(0);
    expect(tags.length).toBe(summary.accepted - summary.acceptedByKind.outbound);

    // Every accepted ISO-2022-JP message that stayed inside the lab is in a mailbox as such.
    const japaneseMail = found.filter((m) => /charset=ISO-2022-JP/i.test(m.raw.toString('latin1')));
    expect(summary.acceptedByCharset['iso-2022-jp']).toBeGreaterThan(0);
    expect(japaneseMail.length).toBeGreaterThan(0);
    const japanese = japaneseMail[0];
    const parsed = await simpleParser(japanese?.raw ?? Buffer.alloc(0));
    expect(parsed.subject).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  }, 240_000);
});

describe('lab traffic with transactions still under way at the end', () => {
  it('ends with exit code 0, its done: line and the JSON summary counting them as in flight', async () => {
    // The director stops answering (SIGSTOP) half-way through the run: every submission and every
    // IMAP/POP3 session through its proxy started after that is still open when the run ends, some
    // of them after their greeting (where node-pop3 alone would wait for ever).
    const director = Number((await readFile(join(home, 'nodes', 'director01', 'agent.pid'), 'utf8')).trim());
    const traffic = run(
      process.execPath,
      [
        mailfleetCli,
        'lab',
        'traffic',
        '--home',
        home,
        '--rate',
        '30',
        '--logins',
        '10',
        '--duration',
        '8s',
        '--end-grace',
        '2s',
        '--seed',
        '5',
      ],
      { timeout: 120_000 },
    ).then(
      (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        code: error.code ?? -1,
        stdout: error.stdout ?? '',
        stderr: error.stderr ?? '',
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 4000));
    await pauseProcess(director);
    let ended: { code: number; stdout: string; stderr: string };
    try {
      ended = await traffic;
    } finally {
      resumeProcess(director);
    }
    expect(ended.code, ended.stderr).toBe(0);
    const lines = ended.stdout.trim().split('\n');
    expect(
      lines.some((line) => /^done: .*still in flight at the end: \d+ messages, \d+ logins/.test(line)),
    ).toBe(true);
    const summary = JSON.parse(lines.at(-1) ?? '{}');
    expect(summary.inFlightAtEnd.messages + summary.inFlightAtEnd.logins).toBeGreaterThan(0);
    expect(summary.accepted).toBeGreaterThan(0);
  }, 180_000);
});

/** The messages of traffic run `runId` in a user's INBOX, read through the director's proxy. */
async function runMessages(
  proxy: { host: string; port: number },
  user: { address: string; password: string },
  ca: string,
  runId: string,
): Promise<{ tag: string; raw: Buffer }[]> {
  const client = new ImapFlow({
    ...proxy,
    secure: false,
    auth: { user: user.address, pass: user.password },
    tls: { ca, servername: 'localhost' },
    logger: false,
  });
  await client.connect();
  try {
    const mailbox = await client.mailboxOpen('INBOX', { readOnly: true });
    if (mailbox.exists === 0) return [];
    const messages: { tag: string; raw: Buffer }[] = [];
    for await (const message of client.fetch('1:*', { source: true })) {
      const raw = message.source ?? Buffer.alloc(0);
      // Only the message's own header: a bounce DSN quotes the original headers in its body.
      const header = raw.toString('latin1').split('\r\n\r\n')[0] ?? '';
      const tag = /^X-Mailfleet-Traffic: (\S+)/im.exec(header)?.[1];
      if (tag?.startsWith(`${runId}-`)) messages.push({ tag, raw });
    }
    return messages;
  } finally {
    await client.logout();
  }
}
