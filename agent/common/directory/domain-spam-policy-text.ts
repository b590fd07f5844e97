/**
 * A mail domain's spam policy and its text form in the directory (`mailfleetSpamPolicy` on the
 * domain entry: `mode=reject; tag=6; reject=15; prefix=[SPAM] `). On the floor because both the
 * gateway (which applies it) and the console core (where a department sets it, issue 15) read it.
 */
import { z } from 'zod';

/** What a domain wants done with spam. */
export interface DomainSpamPolicy {
  /** `reject`: refuse at DATA above the reject score, tag above the tag score; `tag`: only tag; `off`: accept all. */
  mode: 'reject' | 'tag' | 'off';
  /** Tag at or above this score; `null` follows rspamd's own `add header`/`rewrite subject` action. */
  tagScore: number | null;
  /** Reject at or above this score; `null` follows rspamd's `reject` action. */
  rejectScore: number | null;
  /** Put in front of the Subject of tagged mail (empty: leave the subject alone). */
  subjectPrefix: string;
}

/** What a domain gets when its entry says nothing: rspamd's thresholds, reject, `[SPAM] ` prefix. */
export const defaultDomainSpamPolicy: DomainSpamPolicy = {
  mode: 'reject',
  tagScore: null,
  rejectScore: null,
  subjectPrefix: '[SPAM] ',
};

const score = z.coerce.number().finite().min(-1000).max(1000);
const policyFieldsSchema = z
  .object({
    mode: z.enum(['reject', 'tag', 'off']).optional(),
    tag: score.optional(),
    reject: score.optional(),
    // A subject prefix is header text: no line breaks or controls, kept short.
    prefix: z
      .string()
      .max(40)
      .regex(/^[^\p{Cc}]*$/u)
      .optional(),
  })
  .strict();

/**
 * Reads the text form of a policy (`key=value` pairs separated by `;`; keys mode, tag, reject,
 * prefix; missing keys take the default). Throws an Error naming the bad part.
 */
export function parseDomainSpamPolicy(text: string): DomainSpamPolicy {
  const fields: Record<string, string> = {};
  for (const part of text.split(';')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) throw new Error(`spam policy part ${JSON.stringify(part.trim())} is not key=value`);
    const key = part.slice(0, eq).trim();
    // The prefix keeps its trailing space (`[SPAM] `); other values are trimmed.
    const value = key === 'prefix' ? part.slice(eq + 1).trimStart() : part.slice(eq + 1).trim();
    if (key in fields) throw new Error(`spam policy names ${key} twice`);
    fields[key] = value;
  }
  const parsed = policyFieldsSchema.safeParse(fields);
  if (!parsed.success)
    throw new Error(`spam policy ${JSON.stringify(text)}: ${z.prettifyError(parsed.error)}`);
  const f = parsed.data;
  return {
    mode: f.mode ?? defaultDomainSpamPolicy.mode,
    tagScore: f.tag ?? defaultDomainSpamPolicy.tagScore,
    rejectScore: f.reject ?? defaultDomainSpamPolicy.rejectScore,
    subjectPrefix: f.prefix ?? defaultDomainSpamPolicy.subjectPrefix,
  };
}
