/** Debian's Chromium through playwright-core, headless, with the flags this machine needs. */
import { type Browser, chromium } from 'playwright-core';

/** Launches /usr/bin/chromium headless; `extraArgs` add flags (e.g. a pinned certificate). */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}
