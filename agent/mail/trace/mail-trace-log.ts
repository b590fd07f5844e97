/**
 * The mail trace of a gateway or a director: every step a message's recipient went through on this
 * node (greylisted, refused, relayed; received, deferred, delivered, bounced), kept in memory in a
 * bounded ring (the newest {@link MailTraceLogOptions.capacity} steps) so `mail.trace` can answer
 * "where is the mail from X to Y". Like a mail log it is a record of what happened, not the mail:
 * a restarted agent starts an empty trace; the queue itself is durable (docs/director.md).
 */
import type { MailTraceStep } from '../../common/contract/mail-trace-contract.js';

/** Limits of the trace. */
export interface MailTraceLogOptions {
  /** Steps kept (default 50,000: a busy day's recipients on one node, some 15 MB). */
  capacity?: number;
}

/** What `find` looks for. */
export interface MailTraceQuery {
  address?: string | undefined;
  messageId?: string | undefined;
  pairs?: ReadonlyArray<{ sender: string; recipient: string }> | undefined;
  /** Only steps whose recipient is in these domains (a domain admin's); undefined: every step. */
  domains?: ReadonlySet<string> | undefined;
  limit: number;
}

/** A Message-ID as compared: no angle brackets, no surrounding white space. */
export function bareMessageId(text: string): string {
  return text.trim().replace(/^<|>$/g, '');
}

/** The bounded ring of steps. */
export class MailTraceLog {
  private readonly steps: MailTraceStep[] = [];
  private readonly capacity: number;
  private start = 0;

  constructor(options: MailTraceLogOptions = {}) {
    this.capacity = options.capacity ?? 50_000;
  }

  /** Notes a step. */
  add(step: MailTraceStep): void {
    if (this.steps.length < this.capacity) {
      this.steps.push(step);
      return;
    }
    this.steps[this.start] = step;
    this.start = (this.start + 1) % this.capacity;
  }

  /** Steps matching the query, oldest first; the newest `limit` when more match. */
  find(query: MailTraceQuery): { steps: MailTraceStep[]; truncated: boolean; since?: number } {
    const address = query.address?.toLowerCase();
    const messageId = query.messageId === undefined ? undefined : bareMessageId(query.messageId);
    const pairs = new Set(
      (query.pairs ?? []).map((p) => `${p.sender.toLowerCase()} ${p.recipient.toLowerCase()}`),
    );
    const matches: MailTraceStep[] = [];
    for (let i = 0; i < this.steps.length; i++) {
      const step = this.steps[(this.start + i) % this.steps.length] as MailTraceStep;
      const recipient = step.recipient.toLowerCase();
      if (query.domains && !query.domains.has(recipient.slice(recipient.lastIndexOf('@') + 1))) continue;
      const hit =
        (address !== undefined &&
          (recipient.includes(address) || step.sender.toLowerCase().includes(address))) ||
        (messageId !== undefined && step.messageId === messageId) ||
        pairs.has(`${step.sender.toLowerCase()} ${recipient}`);
      if (hit) matches.push(step);
    }
    const oldest = this.steps[this.start];
    return {
      steps: matches.slice(-query.limit),
      truncated: matches.length > query.limit,
      ...(oldest ? { since: oldest.at } : {}),
    };
  }
}

/** The Message-ID of a message's header section, if it has one (read from the first 64 KiB). */
export function messageIdOf(content: Buffer): string | undefined {
  const head = content.subarray(0, 65_536).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const header = end < 0 ? head : head.slice(0, end);
  const found = /^message-id:[ \t]*((?:[^\r\n]|\r?\n[ \t])*)/im.exec(header)?.[1];
  return found ? bareMessageId(found.replace(/\r?\n[ \t]+/g, ' ')) : undefined;
}
