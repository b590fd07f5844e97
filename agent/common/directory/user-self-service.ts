/**
 * A mail user's self-service settings (docs/self-service.md): forwarding, the vacation auto-reply
 * and spam handling, as held in the `mailfleetSelfService` attributes of the user's entry. The
 * user writes them on the self-service page, a department admin from the console; the director
 * acts on them at delivery (agent/mail/director/delivery/).
 */
import { z } from 'zod';

/** What happens to mail the gateway scored as spam, for this user. */
export type UserSpamHandling =
  /** Delivered tagged, into the Junk folder. */
  | { mode: 'junk' }
  /** Refused when the score is at or above `rejectScore`; below it delivered tagged into Junk. */
  | { mode: 'reject'; rejectScore: number };

/** The vacation auto-reply (RFC 3834). */
export interface UserVacation {
  active: boolean;
  subject: string;
  body: string;
  /** Epoch ms; replies go out from this moment (inclusive). */
  startsAt: number;
  /** Epoch ms; no replies from this moment on. */
  endsAt: number;
}

/** Everything a user sets for themself; absent parts are off. */
export interface UserSelfService {
  /** Addresses mail is forwarded to at delivery. */
  forwardTo: string[];
  /** Whether forwarded mail is also stored in the mailbox. */
  keepCopy: boolean;
  vacation?: UserVacation;
  spam?: UserSpamHandling;
}

/** The LDAP attributes of the settings, in schema spelling. */
export const selfServiceAttributes = [
  'mailfleetForward',
  'mailfleetForwardKeepCopy',
  'mailfleetVacationActive',
  'mailfleetVacationSubject',
  'mailfleetVacationBody',
  'mailfleetVacationStart',
  'mailfleetVacationEnd',
  'mailfleetSpamHandling',
] as const;

/** The auxiliary class that carries them. */
export const selfServiceClass = 'mailfleetSelfService';

// RFC 5321 sizes; the schema holds at most 256 characters per address.
const addressPattern =
  /^[^@\s<>()",;:\\[\]]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/;

/** A forwarding target: a plain mail address (no display name, no route), lower-cased domain. */
export const forwardAddress = z
  .string()
  .trim()
  .max(256)
  .regex(addressPattern, 'not a mail address')
  .transform((address) => {
    const at = address.lastIndexOf('@');
    return `${address.slice(0, at)}@${address.slice(at + 1).toLowerCase()}`;
  });

// A reply's subject and body: what the schema holds; no control characters (line breaks only in the body).
const hasControl = (text: string, allowLineBreaks: boolean) =>
  [...text].some((c) => {
    const code = c.charCodeAt(0);
    if (allowLineBreaks && (c === '\n' || c === '\r' || c === '\t')) return false;
    return code < 0x20 || code === 0x7f;
  });
const subjectText = z
  .string()
  .max(256)
  .refine((text) => !hasControl(text, false), 'no line breaks in a subject');
const bodyText = z
  .string()
  .max(8192)
  .refine((text) => !hasControl(text, true), 'no control characters in the text');

/** The settings as a writer sends them (the page, the console, the RPC); checked before any write. */
export const selfServiceChange = z
  .object({
    forwardTo: z.array(forwardAddress).max(10),
    keepCopy: z.boolean(),
    vacation: z
      .object({
        active: z.boolean(),
        subject: subjectText,
        body: bodyText,
        startsAt: z.number().int().nonnegative(),
        endsAt: z.number().int().nonnegative(),
      })
      .optional(),
    spam: z
      .discriminatedUnion('mode', [
        z.object({ mode: z.literal('junk') }),
        z.object({ mode: z.literal('reject'), rejectScore: z.number().min(1).max(100) }),
      ])
      .optional(),
  })
  .strict();

/** Why a change is refused, in words; undefined when it may be written. */
export function selfServiceProblem(address: string, settings: UserSelfService): string | undefined {
  const own = address.toLowerCase();
  if (settings.forwardTo.some((target) => target.toLowerCase() === own))
    return `forwarding to ${address} itself would loop`;
  if (new Set(settings.forwardTo.map((t) => t.toLowerCase())).size !== settings.forwardTo.length)
    return 'a forwarding address is listed twice';
  const vacation = settings.vacation;
  if (vacation) {
    if (vacation.endsAt <= vacation.startsAt) return 'the vacation must end after it starts';
    if (vacation.active && vacation.body.trim() === '') return 'the vacation reply needs a text';
  }
  return undefined;
}

/** LDAP generalized time (UTC, whole seconds) of an epoch ms. */
export function toGeneralizedTime(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/[-:T]|\.000/g, '')}`;
}

/** Epoch ms of an LDAP generalized time (`20261207093000Z`, minutes and seconds optional); NaN when malformed. */
export function fromGeneralizedTime(value: string): number {
  const match = value.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,]\d+)?(Z|[+-]\d{4})$/);
  if (!match) return Number.NaN;
  const [, y, mo, d, h, mi = '00', s = '00', zone = 'Z'] = match;
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`);
}

/** Parses `mailfleetSpamHandling` (`mode=junk` or `mode=reject; reject=15`); undefined when absent or malformed. */
export function parseSpamHandling(value: string | undefined): UserSpamHandling | undefined {
  if (value === undefined) return undefined;
  const fields = new Map(
    value
      .split(';')
      .map((part): [string, string] => {
        const [key = '', text = ''] = part.split('=', 2).map((s) => s.trim().toLowerCase());
        return [key, text];
      })
      .filter(([key]) => key !== ''),
  );
  if (fields.get('mode') === 'junk') return { mode: 'junk' };
  const score = Number(fields.get('reject'));
  if (fields.get('mode') === 'reject' && Number.isFinite(score) && score > 0)
    return { mode: 'reject', rejectScore: score };
  return undefined;
}

/** The `mailfleetSpamHandling` value of a setting. */
export function formatSpamHandling(spam: UserSpamHandling): string {
  return spam.mode === 'junk' ? 'mode=junk' : `mode=reject; reject=${spam.rejectScore}`;
}

/** Reads the settings from an entry's values (lower-case attribute names to values). */
export function readSelfService(values: (name: string) => string[]): UserSelfService | undefined {
  const first = (name: string) => values(name.toLowerCase())[0];
  const forwardTo = values('mailfleetforward');
  const keepCopy = first('mailfleetForwardKeepCopy')?.toUpperCase() === 'TRUE';
  const startsAt = fromGeneralizedTime(first('mailfleetVacationStart') ?? '');
  const endsAt = fromGeneralizedTime(first('mailfleetVacationEnd') ?? '');
  const active = first('mailfleetVacationActive')?.toUpperCase() === 'TRUE';
  const vacation =
    Number.isFinite(startsAt) && Number.isFinite(endsAt)
      ? {
          active,
          subject: first('mailfleetVacationSubject') ?? '',
          body: first('mailfleetVacationBody') ?? '',
          startsAt,
          endsAt,
        }
      : undefined;
  const spam = parseSpamHandling(first('mailfleetSpamHandling'));
  if (forwardTo.length === 0 && !vacation && !spam) return undefined;
  return { forwardTo, keepCopy, ...(vacation ? { vacation } : {}), ...(spam ? { spam } : {}) };
}

/**
 * The attribute values that hold a setting: every self-service attribute, empty for those to
 * remove, so one replace-per-attribute modify writes the whole setting.
 */
export function selfServiceValues(
  settings: UserSelfService,
): Record<(typeof selfServiceAttributes)[number], string[]> {
  const vacation = settings.vacation;
  return {
    mailfleetForward: settings.forwardTo,
    mailfleetForwardKeepCopy: settings.forwardTo.length > 0 ? [settings.keepCopy ? 'TRUE' : 'FALSE'] : [],
    mailfleetVacationActive: vacation ? [vacation.active ? 'TRUE' : 'FALSE'] : [],
    mailfleetVacationSubject: vacation && vacation.subject !== '' ? [vacation.subject] : [],
    mailfleetVacationBody: vacation && vacation.body !== '' ? [vacation.body] : [],
    mailfleetVacationStart: vacation ? [toGeneralizedTime(vacation.startsAt)] : [],
    mailfleetVacationEnd: vacation ? [toGeneralizedTime(vacation.endsAt)] : [],
    mailfleetSpamHandling: settings.spam ? [formatSpamHandling(settings.spam)] : [],
  };
}
