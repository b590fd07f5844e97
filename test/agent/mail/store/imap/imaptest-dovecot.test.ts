/**
 * The reference: Dovecot's imaptest scripted suite against Debian's Dovecot (started here in the
 * foreground), through the same harness as the store's tests. It shows the harness reads a clean
 * run as clean, and gives the figures docs/imap.md puts beside ours.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DovecotImapServer, startDovecotImap } from '../../../../support/dovecot-imap-server.js';
import {
  buildImaptest,
  cleanSuite,
  cleanSuiteFigures,
  parseSuiteSummary,
  runImaptest,
} from '../../../../support/imaptest.js';
import { makeTempDir, removeTempDir } from '../maildir/maildir-test-support.js';

const user = { address: 'reference@dovecot.example', password: 'reference-pw' };
let dir: string;
let dovecot: DovecotImapServer;

beforeAll(async () => {
  const build = buildImaptest();
  dir = await makeTempDir('imaptest-dovecot-');
  await mkdir(join(dir, 'mail'), { recursive: true });
  dovecot = await startDovecotImap(dir, join(dir, 'mail'), [user]);
  await build;
}, 180_000);

afterAll(async () => {
  await dovecot?.stop();
  if (dir) await removeTempDir(dir);
});

describe('imaptest against Dovecot (the reference)', () => {
  it('passes the scripted suite with the figures docs/imap.md quotes', async () => {
    const { tests } = await buildImaptest();
    const run = await runImaptest(
      { port: dovecot.port, user: user.address, password: user.password },
      [`test=${tests}`],
      180_000,
    );
    const summary = parseSuiteSummary(run.output);
    process.stdout.write(
      `imaptest vs Dovecot: ${summary.groups} groups, ${summary.failedGroups} failed; base ${summary.baseFailed}/${summary.baseTotal}; extensions ${summary.extensionsFailed}/${summary.extensionsTotal}\n`,
    );
    expect(cleanSuiteFigures(summary)).toEqual(cleanSuite);
    expect(summary.extensionsTotal).toBeGreaterThan(summary.baseTotal / 2);
  }, 240_000);
});
