/**
 * Flags of `mailfleet lab traffic`: how much mail, how much of it spam, and for how long. Parsed with
 * zod so a typo is refused in words before any mail is sent.
 */
import { z } from 'zod';

/** What a traffic run does. */
export interface TrafficOptions {
  /** Messages per second offered, on average (Poisson arrivals). */
  ratePerSecond: number;
  /** Share of the mail from outside that is spam (GTUBE and spammy words). */
  spamShare: number;
  /** How long the run sends; it stops on its own. */
  durationMs: number;
  /** Mail-client logins (IMAP and POP3 through the director's proxy) per second. */
  loginsPerSecond: number;
  /** Same seed, same mix. */
  seed: number;
  /** After the duration, how long transactions under way may finish before the summary counts them as in flight. */
  endGraceMs: number;
}

const durationPattern = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `10m`, `30s`, `1h`, `500ms` or a number of seconds, in milliseconds; `flag` names it in errors. */
export function parseDuration(text: string, flag = '--duration'): number {
  const match = durationPattern.exec(text.trim());
  if (!match) throw new Error(`${flag} takes a time such as 30s, 10m or 1h, not ${JSON.stringify(text)}`);
  return Number(match[1]) * (unitMs[match[2] ?? 's'] ?? 1000);
}

const trafficOptionsSchema = z.object({
  ratePerSecond: z.number().positive().max(1000, '--rate is at most 1000 messages per second'),
  spamShare: z.number().min(0).max(1, '--spam is a share between 0 and 1'),
  durationMs: z
    .number()
    .min(1000, '--duration is at least 1s')
    .max(24 * 3_600_000, '--duration is at most 24h'),
  loginsPerSecond: z.number().min(0).max(200, '--logins is at most 200 per second'),
  seed: z.number().int().nonnegative(),
  endGraceMs: z.number().min(0).max(600_000, '--end-grace is at most 10m'),
});

/** Raw flag values (strings from the command line). */
export interface TrafficFlags {
  rate?: string | undefined;
  spam?: string | undefined;
  duration?: string | undefined;
  logins?: string | undefined;
  seed?: string | undefined;
  'end-grace'?: string | undefined;
}

function numberFlag(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`${flag} takes a number, not ${JSON.stringify(value)}`);
  return n;
}

/** Defaults: 20 messages/s, 30 % of outside mail spam, 10 minutes, a login every 2 s..., 30 s for the last transactions. */
export function parseTrafficOptions(flags: TrafficFlags): TrafficOptions {
  const ratePerSecond = numberFlag(flags.rate, 20, '--rate');
  const parsed = trafficOptionsSchema.safeParse({
    ratePerSecond,
    spamShare: numberFlag(flags.spam, 0.3, '--spam'),
    durationMs: flags.duration === undefined ? 10 * 60_000 : parseDuration(flags.duration),
    // ...and by default one login for every four messages, at least one every 2 s.
    loginsPerSecond: numberFlag(flags.logins, Math.max(0.5, ratePerSecond / 4), '--logins'),
    seed: numberFlag(flags.seed, Date.now() % 1_000_000, '--seed'),
    endGraceMs: flags['end-grace'] === undefined ? 30_000 : parseDuration(flags['end-grace'], '--end-grace'),
  });
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}
