/**
 * The steps the console's failover walks share (test/renderer/failover-view.test.ts,
 * switch-to-spare-view.test.ts) on a failover lab (test/support/failover-lab.ts): the helpdesk
 * admin's page, a dialog's plan read in Japanese and cancelled, and the replica table the CLI prints.
 */
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { consoleScreenshots } from './console-lab.js';
import type { FailoverLab } from './failover-lab.js';
import { runMailfleet } from './lab-process.js';

/** Opens the helpdesk admin's console in a new English page of the lab's browser, runs `look` on it, and closes it. */
export async function onHelpdeskPage(
  lab: FailoverLab,
  look: (helpdesk: Page) => Promise<void>,
): Promise<void> {
  const helpdesk = await lab.consoleLab.browser.newPage({
    viewport: { width: 1400, height: 1100 },
    locale: 'en-US',
  });
  try {
    await helpdesk.goto(lab.helpdeskConsole.url);
    await look(helpdesk);
  } finally {
    await helpdesk.close();
  }
}

/** Waits until `dialog` shows `step` (its `data-step`): the plan, a refusal, done. */
export async function dialogShows(dialog: Locator, step: string, timeout = 30_000): Promise<void> {
  await expect.poll(() => dialog.getAttribute('data-step'), { timeout }).toBe(step);
}

/** What the Japanese look at a dialog's plan needs. */
export interface JapanesePlanLook {
  /** The button that opens the dialog, and its words in each language. */
  button: Locator;
  buttonJa: string;
  buttonEn: string;
  dialog: Locator;
  /** Reads the plan (its questions and facts in Japanese). */
  read: () => Promise<void>;
  /** The screenshot's file name under test-output/console/. */
  screenshot: string;
}

/**
 * Japanese first: switches the console to Japanese, opens the dialog, reads its plan, takes the
 * screenshot, cancels (nothing starts) and switches back to English.
 */
export async function readPlanInJapanese(page: Page, look: JapanesePlanLook): Promise<void> {
  await page.getByRole('button', { name: '日本語' }).click();
  await expect.poll(() => look.button.textContent()).toBe(look.buttonJa);
  await look.button.click();
  await dialogShows(look.dialog, 'plan');
  await look.read();
  await page.screenshot({ path: join(consoleScreenshots, look.screenshot) });
  await look.dialog.getByRole('button', { name: 'キャンセル' }).click();
  await expect.poll(() => look.dialog.getAttribute('open')).toBeNull();
  await page.getByRole('button', { name: 'English' }).click();
  await expect.poll(() => look.button.textContent()).toBe(look.buttonEn);
}

/** A row of `mailfleet replicas --json`. */
export interface ReplicaRow {
  store: string;
  servedBy: string;
  replicaNode: string;
}

/** The lab's replica table as the CLI prints it (`mailfleet replicas --json`). */
export async function replicaRows(home: string): Promise<ReplicaRow[]> {
  return JSON.parse((await runMailfleet(home, 'replicas', '--json')).stdout) as ReplicaRow[];
}
