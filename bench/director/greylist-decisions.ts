/**
 * Greylist decisions per second, for `npm run bench -- director`: a memory greylist with a journal
 * in a temporary directory, fed a mix of first attempts, early retries, passing retries and known
 * triplets from many client networks, with a clock the bench advances itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Greylist } from '../../agent/mail/gateway/greylist.js';
import { GreylistJournal } from '../../agent/mail/gateway/greylist-journal.js';

/** What the bench measured. */
export interface GreylistBenchResult {
  decisions: number;
  seconds: number;
  decisionsPerSecond: number;
  /** How the decisions came out, so a reader can see the mix was realistic. */
  passed: number;
  deferred: number;
}

/** Runs `decisions` greylist decisions (default 200,000) against a journaled greylist. */
export function benchGreylistDecisions(decisions = 200_000): GreylistBenchResult {
  const dir = mkdtempSync(join(tmpdir(), 'mailfleet-greylist-bench-'));
  let now = 1_700_000_000_000;
  const clock = { now: () => now };
  // Whitelisting off: otherwise most of the run would be the cheapest path.
  const greylist = new Greylist({
    clock,
    settings: { whitelistAfterPasses: 0 },
    journal: new GreylistJournal({ dir }),
  });
  greylist.open();
  let passed = 0;
  let deferred = 0;
  try {
    const started = process.hrtime.bigint();
    for (let i = 0; i < decisions; i += 1) {
      // 20,000 distinct triplets: each is seen first, then retried as time moves on.
      const n = i % 20_000;
      const client = `10.${(n >> 8) & 255}.${n & 255}.${(i >> 4) & 255}`;
      const decision = greylist.decide(
        client,
        `sender${n % 977}@example${n % 13}.org`,
        `user${n}@univ.example`,
      );
      if (decision.action === 'pass') passed += 1;
      else deferred += 1;
      if (n === 19_999) now += 180_000;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { decisions, seconds, decisionsPerSecond: Math.round(decisions / seconds), passed, deferred };
  } finally {
    greylist.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
