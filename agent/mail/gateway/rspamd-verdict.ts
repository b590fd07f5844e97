/**
 * Rspamd's answer to `POST /checkv2`, parsed with zod: rspamd is a peer over the network, so its
 * JSON is untrusted input like any other.
 */
import { z } from 'zod';

/** The actions rspamd can return (its metric actions). */
export const rspamdActions = [
  'no action',
  'greylist',
  'add header',
  'rewrite subject',
  'soft reject',
  'reject',
] as const;

/** One of rspamd's actions. */
export type RspamdAction = (typeof rspamdActions)[number];

const symbolSchema = z.object({
  name: z.string(),
  score: z.number(),
  description: z.string().optional(),
  options: z.array(z.string()).optional(),
});

/** The part of the `/checkv2` JSON the gateway uses. */
export const rspamdReplySchema = z.object({
  action: z.enum(rspamdActions),
  score: z.number(),
  required_score: z.number(),
  symbols: z.record(z.string(), symbolSchema).default({}),
  messages: z.object({ smtp_message: z.string().optional() }).optional(),
  is_skipped: z.boolean().optional(),
});

/** A symbol rspamd matched. */
export interface RspamdSymbol {
  name: string;
  score: number;
  description?: string;
}

/** Rspamd's verdict on one message. */
export interface RspamdVerdict {
  action: RspamdAction;
  score: number;
  /** Rspamd's reject threshold. */
  requiredScore: number;
  /** Matched symbols, highest score first. */
  symbols: RspamdSymbol[];
  /** A message rspamd suggests for the SMTP reply (e.g. "Gtube pattern"). */
  smtpMessage?: string;
}

/** Parses the body of a `/checkv2` reply; throws an Error naming what is wrong. */
export function parseRspamdReply(body: string): RspamdVerdict {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new Error(`rspamd answered something that is not JSON: ${JSON.stringify(body.slice(0, 120))}`);
  }
  const parsed = rspamdReplySchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(`rspamd's answer is not a scan result: ${z.prettifyError(parsed.error).slice(0, 300)}`);
  }
  const reply = parsed.data;
  const symbols = Object.values(reply.symbols)
    .map((s) => ({ name: s.name, score: s.score, ...(s.description ? { description: s.description } : {}) }))
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  const smtpMessage = reply.messages?.smtp_message;
  return {
    action: reply.action,
    score: reply.score,
    requiredScore: reply.required_score,
    symbols,
    ...(smtpMessage ? { smtpMessage } : {}),
  };
}
