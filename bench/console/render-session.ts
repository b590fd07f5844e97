/**
 * One console page measured: a ConsoleService on a fleet, the browser-mode WebBridge serving the
 * built renderer, and Debian's Chromium (playwright-core) on it with the renderer's probe switched on
 * (renderer/src/services/render-probe.ts). Collects every tick the page reports and reads the page's
 * JS heap (after a forced GC) through the devtools protocol.
 */
import type { CDPSession, Page } from 'playwright-core';
import { rendererRoot } from '../../main/console/console-paths.js';
import { type ConsoleFleet, ConsoleService } from '../../main/console/console-service.js';
import { MemorySettings } from '../../main/console/console-settings.js';
import { WebBridge } from '../../main/console/web-bridge.js';
import type { RenderTick } from '../../renderer/src/services/render-tick.js';
import { launchChromium } from '../../test/support/chromium.js';

/** The page's window, as far as the bench scrolls it (no DOM types in the bench). */
type Scrollable = { scrollTo(x: number, y: number): void };

/** Cumulative main-thread seconds of the page, by kind. */
export interface PageTimes {
  script: number;
  style: number;
  layout: number;
  tasks: number;
}

/** A measured page. */
export interface RenderSession {
  /** Waits until the page has shown `count` ticks of `nodes` nodes. */
  waitForTicks(count: number, nodes: number, timeoutMs: number): Promise<void>;
  /** Ticks reported since the last call. */
  drain(): Promise<RenderTick[]>;
  /** The page's used JS heap after a full GC, in bytes. */
  heapBytes(): Promise<number>;
  /**
   * The page's main-thread time so far, in seconds, by kind (Chromium's Performance domain): script,
   * style recalculation, layout, and all tasks; differences over a run say where the frames went.
   */
  pageTimes(): Promise<PageTimes>;
  /** Writes what the page shows (the window, scrolled `scrollY` down) to `path`, to look at. */
  screenshot(path: string, scrollY: number): Promise<void>;
  close(): Promise<void>;
}

/** Opens the console on `fleet` in Chromium, with the probe on. */
export async function openRenderSession(
  fleet: ConsoleFleet,
  say: (line: string) => void,
): Promise<RenderSession> {
  const service = new ConsoleService({ fleet, settings: new MemorySettings(), systemLocale: 'en' });
  service.start();
  const bridge = new WebBridge({ service, rendererRoot: rendererRoot() });
  await bridge.start();
  const browser = await launchChromium();
  let page: Page;
  let cdp: CDPSession;
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    // Before any script of the page: the probe writes here; the bench empties it every few seconds.
    await context.addInitScript(() => {
      const ticks: unknown[] = [];
      (globalThis as { mailfleetRenderProbe?: unknown }).mailfleetRenderProbe = {
        ticks,
        push: (tick: unknown) => ticks.push(tick),
      };
    });
    page = await context.newPage();
    // What goes wrong in the page is said in the bench's output, not lost.
    page.on('pageerror', (error) => say(`page error: ${error.message}`));
    page.on('crash', () => say('the page crashed'));
    cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(bridge.url);
  } catch (error) {
    await browser.close();
    await bridge.stop();
    service.stop();
    throw error;
  }
  const collected: RenderTick[] = [];
  const drain = async (): Promise<RenderTick[]> => {
    const fresh = await withTimeout(
      page.evaluate(() => {
        const probe = (globalThis as { mailfleetRenderProbe?: { ticks: unknown[] } }).mailfleetRenderProbe;
        return probe ? probe.ticks.splice(0) : [];
      }),
      60_000,
      "reading the page's ticks",
    );
    collected.push(...(fresh as RenderTick[]));
    return collected.splice(0);
  };
  return {
    waitForTicks: async (count, nodes, timeoutMs) => {
      const began = Date.now();
      let seen = 0;
      const kept: RenderTick[] = [];
      while (seen < count) {
        if (Date.now() - began > timeoutMs) {
          throw new Error(`the page showed ${seen} ticks of ${nodes} nodes in ${timeoutMs} ms`);
        }
        await new Promise((r) => setTimeout(r, 500));
        const ticks = await drain();
        kept.push(...ticks);
        seen += ticks.filter((t) => t.nodes === nodes).length;
      }
    },
    drain,
    heapBytes: async () => {
      await withTimeout(cdp.send('HeapProfiler.collectGarbage'), 60_000, 'a GC in the page');
      const usage = await withTimeout(cdp.send('Runtime.getHeapUsage'), 60_000, 'the page heap');
      return usage.usedSize;
    },
    pageTimes: async () => {
      const { metrics } = await withTimeout(cdp.send('Performance.getMetrics'), 60_000, 'page metrics');
      const value = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
      return {
        script: value('ScriptDuration'),
        style: value('RecalcStyleDuration'),
        layout: value('LayoutDuration'),
        tasks: value('TaskDuration'),
      };
    },
    screenshot: async (path, scrollY) => {
      await page.evaluate((y) => (globalThis as unknown as Scrollable).scrollTo(0, y), scrollY);
      // Two frames: the blocks coming near get their tiles before the picture is taken.
      await page.waitForTimeout(500);
      await page.screenshot({ path });
      await page.evaluate(() => (globalThis as unknown as Scrollable).scrollTo(0, 0));
    },
    close: async () => {
      await browser.close();
      await bridge.stop();
      service.stop();
    },
  };
}

/** `promise`, or an error naming `what` after `ms`: a page that stops answering must end the run. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the page for ${what} in ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
