/**
 * The console's directory and Moves views as moves-view.test.ts works them (browser mode,
 * playwright-core): the users' rows and pick boxes, the store tiles, the move dialog, the Moves
 * view's rows, a tile's disk figure, and the keyboard's Tab walk.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** The percentage a text starts with ("27% full, 80 GB left", "27% 使用"). */
export function percentIn(text: string | null): number {
  const match = /^(\d+)%/.exec(text ?? '');
  if (!match) throw new Error(`no percentage in ${text}`);
  return Number(match[1]);
}

/** The views on the page `page()` returns when they are used (the page opens in beforeAll). */
export function movesPage(page: () => Page) {
  const storeTile = (store: string) => page().locator(`.store-tile[data-store="${store}"]`);
  return {
    row: (address: string) => page().locator(`button.dir-row[data-address="${address}"]`),
    pickBox: (address: string) =>
      page().locator(`li:has(button.dir-row[data-address="${address}"]) input.dir-pick`),
    storeTile,
    dialog: () => page().locator('dialog.move-dialog'),
    jobRow: (address: string) => page().locator(`tr.move-row[data-user="${address}"]`),
    tileDisk: (store: string) => storeTile(store).locator('[data-figure="disk"]').textContent(),

    /**
     * Presses Tab (or Shift+Tab) until the focused element matches `selector` (and has `text`,
     * when given), at most 60 times.
     */
    tabTo: async (selector: string, options: { text?: string; backwards?: boolean } = {}): Promise<void> => {
      for (let i = 0; i < 60; i++) {
        await page().keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
        const hit = await page().evaluate(
          ({ selector, text }) => {
            const active = document.activeElement;
            return !!active?.matches(selector) && (text === undefined || active.textContent === text);
          },
          { selector, text: options.text },
        );
        if (hit) return;
      }
      throw new Error(`Tab never reached ${selector} ${options.text ?? ''}`);
    },

    /** Opens the directory view (its store tiles drawn). */
    openDirectory: async (): Promise<void> => {
      await page().locator('nav.app-nav a[data-view="directory"]').click();
      await storeTile('store02').waitFor();
    },

    /** Searches the directory and waits for the count of matches. */
    search: async (text: string): Promise<void> => {
      await page().locator('input[name="search"]').fill(text);
      await expect.poll(() => page().getByTestId('dir-count').textContent()).toMatch(/ match|該当/);
    },
  };
}
