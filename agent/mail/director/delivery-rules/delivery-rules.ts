/**
 * What the director does with an accepted message for users' self-service settings
 * (docs/self-service.md), between DATA and the queue:
 * - hop counting: more than `maxHops` Received fields is a loop (554 5.4.6, RFC 5321 6.3);
 * - forwarding: each forwarding user's copy is queued on its own, with `Delivered-To: <user>` on
 *   top; its targets in other domains get the envelope sender rewritten by SRS (../srs/), local
 *   targets the original one; a message that already carries that user's Delivered-To has been
 *   round once (a loop through another system) and is stored instead;
 * - aliases, groups and routing addresses that lead to other domains: those targets get a copy
 *   of their own with the SRS sender too (the receiver's SPF check would otherwise ask the
 *   original sender's domain about the director), the message itself unchanged;
 * - spam: a user who rejects above a score does not get a message the gateway scored that high
 *   (the whole message is refused when no recipient is left);
 * - vacation: after the message is queued, each addressed user on vacation answers it once per
 *   sender per 7 days (RFC 3834), from the null sender.
 */
import type { Clock } from '../../../common/clock.js';
import type { MailUserEntry } from '../../../common/directory/fleet-entries.js';
import type { SrsRewriter } from '../../srs/srs-address.js';
import type { RecipientExpansion } from '../inbound/recipient-expansion.js';
import type { IncomingMessage } from '../queue/queue-entry.js';
import { readQueuedHeaders } from '../queue/queue-headers.js';
import type { VacationRecord } from './vacation-record.js';
import { addressesIn, type HeaderField, vacationDecision, vacationReply } from './vacation-reply.js';

/** Options of {@link DeliveryRules}. */
export interface DeliveryRulesOptions {
  findUser(address: string): Promise<MailUserEntry | undefined>;
  vacations: VacationRecord;
  clock: Clock;
  /** Host name for the replies' Message-IDs. */
  host: string;
  /**
   * SRS: the envelope sender of forwarded copies, and of alias, group and routing-address targets,
   * to other domains (srs-address.ts `forward`); absent, they keep the original sender.
   */
  srs?: Pick<SrsRewriter, 'forward'>;
  /** Received fields beyond which a message is refused as looping (default 50, Postfix's hopcount_limit). */
  maxHops?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

/** One RCPT and what it expanded to. */
export interface AcceptedRecipient {
  rcpt: string;
  expansion: Extract<RecipientExpansion, { kind: 'targets' }>;
}

/** The plan for one accepted message. */
export type DeliveryPlan =
  | { refuse: { code: number; text: string } }
  | {
      /** The message itself, then one copy per forwarding user. */
      messages: IncomingMessage[];
      /** Vacation replies to queue once the messages are (each claimed durably before it is returned). */
      replies(): Promise<IncomingMessage[]>;
    };

/** The director's delivery rules for self-service settings. */
export class DeliveryRules {
  constructor(private readonly options: DeliveryRulesOptions) {}

  /** Plans the queued messages for `content` (the Received field already on top). */
  async plan(
    sender: string,
    recipients: readonly AcceptedRecipient[],
    content: Buffer,
  ): Promise<DeliveryPlan> {
    const parsed = await readQueuedHeaders(content);
    const headers: HeaderField[] = parsed.headers;
    const hops = headers.filter((h) => h.name.toLowerCase() === 'received').length;
    if (hops > (this.options.maxHops ?? 50))
      return { refuse: { code: 554, text: `5.4.6 routing loop detected: ${hops} Received fields` } };
    const deliveredTo = new Set(
      headers.filter((h) => h.name.toLowerCase() === 'delivered-to').flatMap((h) => addressesIn(h.value)),
    );
    const main: IncomingMessage['recipients'] = [];
    // Other domains' addresses a local address led to: with SRS, they leave with its sender.
    const led: IncomingMessage['recipients'] = [];
    const copies: IncomingMessage[] = [];
    const seen = new Set<string>();
    const add = (address: string, original: string, to = main) => {
      if (seen.has(address)) return;
      seen.add(address);
      to.push({ address, original });
    };
    for (const { rcpt, expansion } of recipients) {
      for (const address of expansion.mailboxes) add(address, rcpt);
      for (const address of expansion.remote)
        add(address, rcpt, expansion.relay || !this.options.srs ? main : led);
      for (const copy of expansion.forwards ?? []) {
        if (deliveredTo.has(copy.owner)) {
          // Forwarded by this user before and come back: stored, not sent round again.
          this.log('warn', 'forwarding loop: the message is stored instead', { user: copy.owner });
          add(copy.owner, rcpt);
          continue;
        }
        const forwarded = Buffer.concat([Buffer.from(`Delivered-To: ${copy.owner}\r\n`), content]);
        const to = (addresses: readonly string[]) =>
          addresses.map((address) => ({ address, original: rcpt }));
        // Local targets get the original sender: SPF is not checked again inside the fleet.
        if (copy.mailboxes.length > 0)
          copies.push({ sender, recipients: to(copy.mailboxes), content: forwarded });
        if (copy.remote.length > 0) {
          const outbound = this.options.srs?.forward(sender) ?? sender;
          copies.push({ sender: outbound, recipients: to(copy.remote), content: forwarded });
        }
      }
    }
    if (this.options.srs && led.length > 0)
      copies.push({ sender: this.options.srs.forward(sender), recipients: led, content });
    const users = new Map<string, MailUserEntry>();
    for (const { address } of main) {
      const user = await this.options.findUser(address);
      if (user && user.mail.toLowerCase() === address) users.set(address, user);
    }
    const score = spamScore(headers);
    const kept = main.filter(({ address }) => {
      const spam = users.get(address)?.selfService?.spam;
      if (spam?.mode !== 'reject' || score === undefined || score < spam.rejectScore) return true;
      this.log('info', "spam above the user's limit: not delivered", { user: address, score });
      return false;
    });
    if (kept.length === 0 && copies.length === 0)
      return { refuse: { code: 550, text: "5.7.1 refused as spam by the recipient's settings" } };
    const messages = kept.length > 0 ? [{ sender, recipients: kept, content }, ...copies] : copies;
    const mail = { sender, headers, ...(parsed.subject === undefined ? {} : { subject: parsed.subject }) };
    const onVacation = kept
      .map(({ address }) => users.get(address))
      .filter((user): user is MailUserEntry => user?.selfService?.vacation?.active === true);
    return { messages, replies: () => this.replies(onVacation, mail) };
  }

  private async replies(
    users: readonly MailUserEntry[],
    mail: { sender: string; headers: HeaderField[]; subject?: string },
  ): Promise<IncomingMessage[]> {
    const replies: IncomingMessage[] = [];
    for (const user of users) {
      const now = this.options.clock.now();
      const vacation = user.selfService?.vacation;
      const decision = vacationDecision(vacation, [user.mail, ...user.mailLocalAddress], mail, now);
      if (!vacation || !decision.reply) {
        if (!decision.reply)
          this.log('info', 'no vacation reply', { user: user.mail, because: decision.because });
        continue;
      }
      if (!(await this.options.vacations.claim(user.mail, mail.sender, now))) {
        this.log('info', 'no vacation reply', {
          user: user.mail,
          because: 'replied to this sender in the last 7 days',
        });
        continue;
      }
      replies.push({
        sender: '',
        recipients: [{ address: mail.sender.toLowerCase(), original: mail.sender }],
        content: vacationReply({ vacation, from: user.mail, mail, host: this.options.host, now }),
      });
    }
    return replies;
  }

  private log(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void {
    this.options.log?.(level, message, fields);
  }
}

/** The gateway's score (X-Spam-Score, the top one: the gateway puts its fields first). */
function spamScore(headers: readonly HeaderField[]): number | undefined {
  const value = headers.find((h) => h.name.toLowerCase() === 'x-spam-score')?.value;
  const score = value === undefined ? Number.NaN : Number.parseFloat(value);
  return Number.isFinite(score) ? score : undefined;
}
