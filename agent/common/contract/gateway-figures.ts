/**
 * Wire shapes of the gateway's RPCs: `gateway.status` (is mail scanned, greylist size, where mail
 * goes) and `spam.statistics` (SpamStatistics.snapshot(): per minute, per domain, top clients, last
 * decisions). Kept apart from methods.ts because they are long.
 */
import { z } from 'zod';

const count = z.number().int().nonnegative();

/** What happened to a message or recipient at the gateway, in the order of the funnel. */
export const spamOutcomes = [
  'greylisted',
  'rejectedUnknownRecipient',
  'rejectedAuthentication',
  'rejectedVirus',
  'rejectedSpam',
  'quarantined',
  'tagged',
  'clean',
] as const;

/** The sender authentication checks the gateway counts (docs/edge.md). */
export const authenticationChecks = ['spf', 'dkim', 'dmarc', 'arc'] as const;

/** One of the gateway's decisions. */
export type SpamOutcome = (typeof spamOutcomes)[number];

/** Counts per gateway decision. */
export const spamOutcomeCounts = z.object(
  Object.fromEntries(spamOutcomes.map((outcome) => [outcome, count])) as Record<SpamOutcome, typeof count>,
);

/** `gateway.status` result. */
export const gatewayStatus = z.object({
  listening: z.boolean(),
  /** `text` is what the console shows: `content scanning: not configured` or `... rspamd at URL`. */
  contentScanning: z.object({
    configured: z.boolean(),
    text: z.string(),
    scanner: z.literal('rspamd').optional(),
    url: z.string().optional(),
  }),
  /** `virus scanning: not configured` or `virus scanning: clamd at host:port`. */
  virusScanning: z
    .object({
      configured: z.boolean(),
      text: z.string(),
      scanner: z.literal('clamd').optional(),
      address: z.string().optional(),
    })
    .default({ configured: false, text: 'virus scanning: not configured' }),
  /** Whether SPF, DKIM, DMARC and ARC are checked (Authentication-Results added). */
  senderAuthentication: z.boolean().default(false),
  greylist: z.object({
    pendingTriplets: count,
    passedTriplets: count,
    networks: count,
    whitelistedNetworks: count,
  }),
  /** Clients refused now for trying too many unknown recipients. */
  blockedClients: z.array(z.string()),
  /** Where accepted mail is relayed (the director's SMTP), `host:port`. */
  nextHop: z.string(),
});

/** One decision in `spam.statistics`' last-decisions list. */
const spamDecision = z.object({
  at: z.number(),
  outcome: z.enum(spamOutcomes),
  clientAddress: z.string(),
  sender: z.string(),
  recipient: z.string(),
  domain: z.string(),
  reason: z.string(),
  score: z.number().optional(),
});

/** How often one check gave one result for one From: domain over the window. */
const authenticationCount = z.object({
  domain: z.string(),
  check: z.enum(authenticationChecks),
  result: z.string(),
  count,
});

/** `spam.statistics` result. */
export const spamStatistics = z.object({
  generatedAt: z.number(),
  windowMinutes: count,
  perMinute: z.array(spamOutcomeCounts.extend({ minute: z.number() })),
  totals: spamOutcomeCounts,
  byDomain: z.array(spamOutcomeCounts.extend({ domain: z.string(), total: count })),
  topClients: z.array(spamOutcomeCounts.extend({ address: z.string(), total: count })),
  lastDecisions: z.array(spamDecision),
  /** SPF, DKIM, DMARC, ARC results per From: domain, most frequent first (at most 200). */
  authentication: z.array(authenticationCount).default([]),
});
