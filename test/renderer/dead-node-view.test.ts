/**
 * A dead node's page as a clerk sees it (issue 17, items 4 and 5), in Chromium against a real lab
 * with store02's agent killed: the page says it has not answered since when, what that means for
 * its users and what to do (restart, fail over), shows no service as running and no chart waiting
 * for figures; the "since" time stays the same across 10 reloads of the page. English and Japanese;
 * screenshots go to test-output/console/.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleLab,
  consoleScreenshots as screenshots,
  startConsoleLab,
} from '../support/console-lab.js';
import { runMailfleet } from '../support/lab-process.js';

let consoleLab: ConsoleLab;
let page: Page;

const panel = () => page.getByTestId('node-down');
/** The "since" part of the panel's title (the age beside it moves every second). */
async function sinceText(): Promise<string> {
  const title = (await panel().locator('h3').textContent()) ?? '';
  return /since (.+?) \(/.exec(title)?.[1] ?? /は (.+?) から応答/.exec(title)?.[1] ?? `unreadable: ${title}`;
}

beforeAll(async () => {
  consoleLab = await startConsoleLab({
    name: 'dead-node-e2e',
    labFlags: ['--stores', '2', '--users', '20', '--domains', '1'],
    viewport: { width: 1280, height: 1000 },
  });
  page = consoleLab.page;
  const killed = await runMailfleet(consoleLab.home, 'lab', 'kill', 'store02', '--home', consoleLab.home);
  if (killed.code !== 0) throw new Error(`lab kill store02: ${killed.stderr}`);
  await page.evaluate(() => {
    window.location.hash = '#/nodes/store02';
  });
}, 200_000);

afterAll(async () => {
  await consoleLab?.stop();
}, 120_000);

describe("a dead node's page", () => {
  it('says it does not answer, since when, what it means and what to do; nothing green, no waiting charts', async () => {
    await expect.poll(() => panel().count(), { timeout: 15_000 }).toBe(1);
    expect(await panel().locator('h3').textContent()).toMatch(
      /^store02 has not answered since .+ \(.+ ago\)\.$/,
    );
    expect(await page.getByTestId('node-down-meaning').textContent()).toContain(
      'Its users cannot read their mail',
    );
    const todo = await page.getByTestId('node-down-todo').textContent();
    expect(todo).toContain('Restart store02');
    expect(todo).toContain('fail its mail store over to the spare');
    expect(await page.locator('td.service-running').count()).toBe(0);
    expect(
      await page.locator('[data-testid="node-services"] td.service-unknown').first().textContent(),
    ).toMatch(/^Not known now \(last reported: /);
    expect(await page.locator('.node-charts').count()).toBe(0);
    expect(await page.locator('.state-badge').textContent()).toBe('Not answering');
    await page.screenshot({ path: join(screenshots, 'node-dead-en.png'), fullPage: true });
  });

  it('keeps the time it was first seen down across 10 reloads', async () => {
    const first = await sinceText();
    for (let i = 0; i < 10; i++) {
      await page.reload();
      await expect.poll(() => panel().count(), { timeout: 15_000 }).toBe(1);
      expect(await sinceText()).toBe(first);
    }
  });

  it('says the same in Japanese', async () => {
    await page.getByRole('button', { name: '日本語' }).click();
    await expect
      .poll(() => panel().locator('h3').textContent())
      .toMatch(/^store02 は .+ から応答していません（.+前から）。$/);
    expect(await page.getByTestId('node-down-meaning').textContent()).toContain('利用者はメールを読めません');
    expect(await page.getByTestId('node-down-todo').textContent()).toContain('フェイルオーバー');
    expect(await page.locator('td.service-running').count()).toBe(0);
    await page.screenshot({ path: join(screenshots, 'node-dead-ja.png'), fullPage: true });
    expect(consoleLab.pageErrors).toEqual([]);
  });
});
