/**
 * What a traffic run counted: messages by kind and by outcome, greylisting retries, mail-client
 * logins, and every accepted message's tag and recipient (so a test can look for it in the
 * mailbox). The summary is plain JSON: the CLI prints it as its last line.
 */
import type { SendOutcome } from './smtp-sender.js';

/** Kinds of mail a run sends. */
export const trafficKinds = [
  'internal',
  'outbound',
  'inbound',
  'spam',
  'unknownRecipient',
  'largeAttachment',
  'virus',
  'forgedSender',
] as const;
/** One kind of mail. */
export type TrafficKind = (typeof trafficKinds)[number];

/** One accepted message. */
export interface AcceptedMessage {
  tag: string;
  kind: TrafficKind;
  to: string;
  charset: string;
}

/** Counts of one run. */
export interface TrafficSummary {
  offered: Record<TrafficKind, number>;
  charsets: Record<string, number>;
  accepted: number;
  /** Accepted messages by kind (outbound ones went on to the simulated internet, not a lab mailbox). */
  acceptedByKind: Record<TrafficKind, number>;
  /** Accepted messages by character set of their text. */
  acceptedByCharset: Record<string, number>;
  /** First attempts answered 451 4.7.1 by the gateway. */
  greylisted: number;
  /** Attempts made again after a greylisting, as a real MTA would. */
  greylistRetries: number;
  /** Messages still waiting for their retry time when the run ended. */
  greylistedAtEnd: number;
  refusedUnknownRecipient: number;
  refusedSpam: number;
  /** Refused at DATA for a virus (the EICAR test file, when the lab runs clamd). */
  refusedVirus: number;
  /** Refused by a lab domain's DMARC policy (a forged From: of that domain). */
  refusedForged: number;
  refusedOther: number;
  deferred: number;
  failed: number;
  /** Arrivals not sent because too many transactions were already open (the servers were slow). */
  skippedBusy: number;
  logins: { imapOk: number; imapFailed: number; pop3Ok: number; pop3Failed: number };
  /**
   * Transactions still under way when the summary was made (the run's end plus its grace time):
   * messages whose SMTP transaction had not ended, so neither accepted nor refused is known, and
   * mail-client sessions not yet over.
   */
  inFlightAtEnd: { messages: number; logins: number };
  /** A few example replies per outcome, to read what the servers said. */
  sampleReplies: Record<string, string>;
}

/** Counter of a run. */
export class TrafficTally {
  readonly accepted: AcceptedMessage[] = [];
  private readonly summaryCounts: TrafficSummary = {
    offered: zeroPerKind(),
    charsets: {},
    accepted: 0,
    acceptedByKind: zeroPerKind(),
    acceptedByCharset: {},
    greylisted: 0,
    greylistRetries: 0,
    greylistedAtEnd: 0,
    refusedUnknownRecipient: 0,
    refusedSpam: 0,
    refusedVirus: 0,
    refusedForged: 0,
    refusedOther: 0,
    deferred: 0,
    failed: 0,
    skippedBusy: 0,
    logins: { imapOk: 0, imapFailed: 0, pop3Ok: 0, pop3Failed: 0 },
    inFlightAtEnd: { messages: 0, logins: 0 },
    sampleReplies: {},
  };

  /** A new message was offered. */
  offered(kind: TrafficKind, charset: string): void {
    this.summaryCounts.offered[kind]++;
    this.summaryCounts.charsets[charset] = (this.summaryCounts.charsets[charset] ?? 0) + 1;
  }

  /** An attempt ended; `retry` says whether it was a retry after greylisting. */
  outcome(message: AcceptedMessage, outcome: SendOutcome, retry: boolean): void {
    const counts = this.summaryCounts;
    if (retry) counts.greylistRetries++;
    switch (outcome.kind) {
      case 'accepted':
        counts.accepted++;
        counts.acceptedByKind[message.kind]++;
        counts.acceptedByCharset[message.charset] = (counts.acceptedByCharset[message.charset] ?? 0) + 1;
        this.accepted.push(message);
        return;
      case 'greylisted':
        counts.greylisted++;
        this.sample('greylisted', outcome.reply);
        return;
      case 'refused':
        if (/5\.1\.1/.test(outcome.reply)) counts.refusedUnknownRecipient++;
        else if (/virus/i.test(outcome.reply)) counts.refusedVirus++;
        else if (/DMARC/.test(outcome.reply)) counts.refusedForged++;
        else if (/spam/i.test(outcome.reply)) counts.refusedSpam++;
        else counts.refusedOther++;
        this.sample(`refused ${outcome.code}`, outcome.reply);
        return;
      case 'deferred':
        counts.deferred++;
        this.sample(`deferred ${outcome.code}`, outcome.reply);
        return;
      case 'failed':
        counts.failed++;
        this.sample('failed', outcome.reason);
        return;
    }
  }

  /** An arrival was dropped because too many transactions were open. */
  skipped(): void {
    this.summaryCounts.skippedBusy++;
  }

  /** A greylisted message whose retry time had not come when the run ended. */
  leftGreylisted(): void {
    this.summaryCounts.greylistedAtEnd++;
  }

  /** A transaction was still under way when the run ended. */
  inFlight(what: 'message' | 'login'): void {
    if (what === 'message') this.summaryCounts.inFlightAtEnd.messages++;
    else this.summaryCounts.inFlightAtEnd.logins++;
  }

  /** A simulated mail-client session ended. */
  login(protocol: 'imap' | 'pop3', ok: boolean, reason?: string): void {
    const logins = this.summaryCounts.logins;
    if (protocol === 'imap') ok ? logins.imapOk++ : logins.imapFailed++;
    else ok ? logins.pop3Ok++ : logins.pop3Failed++;
    if (!ok && reason) this.sample(`${protocol} login failed`, reason);
  }

  /** The counts so far (a copy). */
  summary(): TrafficSummary {
    return structuredClone(this.summaryCounts);
  }

  /** One line for the progress display. */
  progressLine(elapsedMs: number): string {
    const c = this.summaryCounts;
    const sent = Object.values(c.offered).reduce((a, b) => a + b, 0);
    return (
      `${Math.round(elapsedMs / 1000)} s: ${sent} messages offered, ${c.accepted} accepted, ` +
      `${c.greylisted} greylisted, ${c.refusedUnknownRecipient + c.refusedSpam + c.refusedOther} refused, ` +
      `${c.deferred + c.failed} deferred or failed; logins ${c.logins.imapOk + c.logins.pop3Ok} ok, ` +
      `${c.logins.imapFailed + c.logins.pop3Failed} failed` +
      (c.inFlightAtEnd.messages + c.inFlightAtEnd.logins > 0
        ? `; still in flight at the end: ${c.inFlightAtEnd.messages} messages, ${c.inFlightAtEnd.logins} logins`
        : '')
    );
  }

  private sample(key: string, reply: string): void {
    this.summaryCounts.sampleReplies[key] ??= reply.slice(0, 300);
  }
}

function zeroPerKind(): Record<TrafficKind, number> {
  return Object.fromEntries(trafficKinds.map((kind) => [kind, 0])) as Record<TrafficKind, number>;
}
