/**
 * The set-up of the console's end-to-end tests: a small lab (`mailfleet lab up`, every agent its
 * own process) in a new temporary home, `mailfleet console --web` on its fleet profile, Debian's
 * Chromium with one page on the console's URL, and the page's errors collected. `stop()` closes
 * them in reverse order and removes the home; a set-up that fails half way stops what it started.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { type ConsoleProcess, startConsoleProcess } from './console-process.js';
import { type LabProcess, startLabProcess } from './lab-process.js';

/** Where the console tests write their screenshots. */
export const consoleScreenshots = join(import.meta.dirname, '..', '..', 'test-output', 'console');

/** A running lab with a console on it and a browser page showing it. */
export interface ConsoleLab {
  home: string;
  lab: LabProcess;
  console: ConsoleProcess;
  browser: Browser;
  page: Page;
  /** Uncaught page errors and `console.error` lines of `page`, as they come. */
  pageErrors: string[];
  stop(): Promise<void>;
}

/** Starts the lab with `labFlags`, the console on its `fleet.json`, and a page (English browser) on it. */
export async function startConsoleLab(options: {
  /** Part of the temporary home's name, to tell the tests' homes apart. */
  name: string;
  labFlags: string[];
  viewport: { width: number; height: number };
  /** Flags for `mailfleet console --web` (e.g. `--sign-in` for the password sign-in page). */
  consoleArgs?: string[];
}): Promise<ConsoleLab> {
  const home = await mkdtemp(join(tmpdir(), `mailfleet-${options.name}-`));
  await mkdir(consoleScreenshots, { recursive: true });
  const started: Partial<Omit<ConsoleLab, 'home' | 'pageErrors' | 'stop'>> = {};
  const stop = async () => {
    await started.browser?.close();
    await started.console?.stop();
    await started.lab?.stop();
    await rm(home, { recursive: true, force: true });
  };
  try {
    started.lab = await startLabProcess(home, options.labFlags, 150_000);
    started.console = await startConsoleProcess(
      join(home, 'fleet.json'),
      30_000,
      options.consoleArgs ? { args: options.consoleArgs } : undefined,
    );
    started.browser = await launchChromium();
    const page = await started.browser.newPage({ viewport: options.viewport, locale: 'en-US' });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(started.console.url);
    return {
      home,
      lab: started.lab,
      console: started.console,
      browser: started.browser,
      page,
      pageErrors,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
