/**
 * The edge in a running lab, as an administrator sees it (issue 14): `lab up` starts Debian's
 * rspamd and clamd beside the agents, `lab traffic --spam 0.3` sends outside mail (spam as GTUBE, a
 * few EICAR attachments, a few strangers writing as a lab domain), and the dashboard's spam funnel
 * in Chromium shows greylisted, refused as spam (by the real rspamd), refused for a virus (by the
 * real clamd), refused by DMARC, and accepted. The Spam view names the scanners, counts SPF, DKIM,
 * DMARC per sender domain, and its DNS records panel shows every lab domain's records published.
 * Screenshots go to test-output/console/.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleLab, consoleScreenshots, startConsoleLab } from '../support/console-lab.js';
import { mailfleetCli } from '../support/lab-process.js';

let consoleLab: ConsoleLab;
let page: Page;
let traffic: ChildProcess | undefined;

const figure = async (locator: ReturnType<Page['locator']>) =>
  Number((await locator.textContent())?.replace(/[^\d]/g, '') || 0);

beforeAll(async () => {
  consoleLab = await startConsoleLab({
    name: 'edge-e2e',
    labFlags: ['--stores', '2', '--users', '40', '--domains', '2', '--greylist-delay', '3s'],
    viewport: { width: 1280, height: 1000 },
  });
  ({ page } = consoleLab);
  traffic = spawn(
    process.execPath,
    [
      mailfleetCli,
      'lab',
      'traffic',
      '--home',
      consoleLab.home,
      '--rate',
      '5',
      '--spam',
      '0.3',
      '--duration',
      '15m',
      '--seed',
      '11',
    ],
    { stdio: 'ignore' },
  );
}, 200_000);

afterAll(async () => {
  if (traffic?.pid !== undefined && traffic.exitCode === null) {
    const exited = new Promise((r) => traffic?.once('exit', r));
    process.kill(traffic.pid, 'SIGINT');
    await exited;
  }
  await consoleLab?.stop();
}, 120_000);

describe('the edge in a lab (rspamd, clamd, DKIM, DMARC)', () => {
  it("the dashboard's spam funnel shows greylisted, spam, virus, forged and accepted from the real scanners", async () => {
    const funnel = page.locator('[data-chart="chart-spam-funnel"]');
    for (const stage of ['greylisted', 'rejectedSpam', 'rejectedVirus', 'rejectedAuthentication', 'clean'])
      await expect
        .poll(() => figure(funnel.locator(`tr[data-stage="${stage}"] td`)), {
          timeout: 150_000,
          interval: 1000,
        })
        .toBeGreaterThan(0);
    await funnel.scrollIntoViewIfNeeded();
    await page.screenshot({
      path: join(consoleScreenshots, 'dashboard-spam-funnel-edge.png'),
      fullPage: true,
    });
    expect(consoleLab.pageErrors).toEqual([]);
  }, 200_000);

  it('the Spam view names the scanners, counts sender checks per domain, and shows the DNS records published', async () => {
    await page.evaluate(() => {
      window.location.hash = '#/spam';
    });
    await expect
      .poll(() => page.locator('[data-testid="virus-scanning"]').textContent(), { timeout: 30_000 })
      .toMatch(/Virus scanning: ClamAV at 127\.0\.0\.1:\d+/);
    expect(await page.locator('[data-testid="sender-authentication"]').textContent()).toMatch(
      /SPF, DKIM, DMARC and ARC/,
    );
    const table = page.locator('[data-testid="sender-authentication-table"]');
    // The strangers who wrote as a lab domain failed its DMARC.
    await expect
      .poll(() => table.locator('td[data-check="dmarc"]').allTextContents(), { timeout: 60_000 })
      .toContainEqual(expect.stringMatching(/fail \d/));
    const domain = (await page.locator('[data-testid="spam-domains"] tbody th').first().textContent()) ?? '';
    expect(domain).toMatch(/\.univ\.example$/);
    await page.locator('input[name="dns-domain"]').fill(domain);
    await page.getByRole('button', { name: 'Check DNS' }).click();
    const rows = page.locator('[data-testid="dns-records-table"] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(4);
    expect(await rows.evaluateAll((all) => all.map((row) => row.getAttribute('data-dns')))).toEqual([
      'published',
      'published',
      'published',
      'published',
    ]);
    expect(await rows.first().textContent()).toMatch(
      /DKIM key.*_domainkey\..*v=DKIM1; k=(rsa|ed25519); p=.*signing/,
    );
    await page.locator('[data-testid="dns-records"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(consoleScreenshots, 'spam-view-edge.png'), fullPage: true });
    expect(consoleLab.pageErrors).toEqual([]);
  }, 120_000);
});
