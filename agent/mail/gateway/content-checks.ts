/**
 * The gateway's checks of a message's content at end of DATA, in order: antivirus (clamd: a virus
 * is refused with 554 5.7.1 naming it); sender authentication (SPF, DKIM, DMARC, ARC: a DMARC
 * reject is refused with 550 5.7.1, a quarantine delivered marked as spam); the spam scan (Rspamd)
 * against each recipient domain's spam policy; then the gateway's Authentication-Results on top
 * (docs/edge.md). A refusal is thrown as the SMTP error to send; what passes comes back as the
 * message to relay and the outcome to count.
 */
import type { ClamdClient, VirusVerdict } from './clamd-client.js';
import { clientNetwork } from './client-network.js';
import type { SpamPolicyLookup } from './domain-spam-policy.js';
import { withoutHeaderFields } from './header-fields.js';
import type { RspamdClient } from './rspamd-client.js';
import type { RspamdVerdict } from './rspamd-verdict.js';
import type { SenderAuthentication, SenderAuthenticator } from './sender-authentication.js';
import { smtpError } from './smtp-refusal.js';
import { applySpamHeaders, decideSpamAction, type SpamDecision } from './spam-decision.js';
import type { GatewayDecision, SpamStatistics } from './spam-statistics.js';

/** What the content checks are made of (a part of the gateway server's options). */
export interface ContentCheckOptions {
  statistics: SpamStatistics;
  spamPolicies: SpamPolicyLookup;
  /** Without a scanner the gateway accepts unscanned and its status says so. */
  scanner?: RspamdClient;
  /** Antivirus (clamd); without it no virus scan runs and the status says so. */
  virusScanner?: ClamdClient;
  /** SPF, DKIM, DMARC and ARC checks; without them no Authentication-Results is added. */
  authenticator?: SenderAuthenticator;
  log?: (level: 'info' | 'warn', message: string, fields?: Record<string, unknown>) => void;
}

/** One message at end of DATA, as the checks see it. */
export interface ReceivedMessage {
  /** The message without Authentication-Results from outside. */
  message: Buffer;
  /** The envelope sender ('' for a bounce). */
  sender: string;
  recipients: string[];
  /** The client's address as the socket gave it. */
  remoteAddress: string;
  /** The HELO/EHLO name, if any. */
  helo?: string;
  /** Counts an outcome of one recipient in the gateway's statistics. */
  record: (recipient: string, outcome: GatewayDecision['outcome'], reason: string, score?: number) => void;
}

/** A message the checks let through: what to relay and how it is counted. */
export interface CheckedMessage {
  /** The message to relay, with the spam headers and the gateway's Authentication-Results. */
  message: Buffer;
  outcome: 'clean' | 'tagged' | 'quarantined';
  reason: string;
  /** The spam score, when the scanner answered. */
  score?: number;
}

const severity: Record<SpamDecision['action'], number> = { accept: 0, tag: 1, defer: 2, reject: 3 };

/** Antivirus, sender authentication and the spam scan of one message. */
export class ContentChecks {
  constructor(private readonly options: ContentCheckOptions) {}

  /** Runs the checks; throws the SMTP error of a refusal or deferral. */
  async check(received: ReceivedMessage): Promise<CheckedMessage> {
    const { recipients } = received;
    await this.refuseViruses(received);
    const authentication = await this.authenticate(received);
    if (authentication?.action === 'reject') {
      for (const r of recipients) received.record(r, 'rejectedAuthentication', authentication.reason);
      throw smtpError(
        authentication.reply ?? { code: 550, enhanced: '5.7.1', message: 'rejected by DMARC policy' },
      );
    }
    const { decision, score } = await this.scanSpam(received);
    if (decision?.action === 'reject' || decision?.action === 'defer') {
      if (decision.action === 'reject') {
        for (const r of recipients) received.record(r, 'rejectedSpam', decision.reason, score);
      }
      throw smtpError(decision.reply);
    }
    let outgoing = received.message;
    if (decision?.action === 'tag')
      outgoing = applySpamHeaders(received.message, decision.headers, decision.subjectPrefix);
    if (decision?.action === 'accept') outgoing = applySpamHeaders(received.message, decision.headers);
    const quarantined = authentication?.action === 'quarantine' && decision?.action !== 'tag';
    if (quarantined) {
      // Marked as spam the way a tag is (the flag and the domain's subject prefix), so mail clients
      // and filters file it with the Junk.
      const domain = recipients[0]?.slice(recipients[0].lastIndexOf('@') + 1) ?? '';
      outgoing = applySpamHeaders(
        withoutHeaderFields(outgoing, ['X-Spam-Flag']),
        [['X-Spam-Flag', 'YES']],
        (await this.options.spamPolicies(domain)).subjectPrefix,
      );
    }
    if (authentication) outgoing = Buffer.concat([Buffer.from(authentication.header, 'latin1'), outgoing]);
    const outcome = quarantined ? 'quarantined' : decision?.action === 'tag' ? 'tagged' : 'clean';
    const reason = quarantined
      ? (authentication?.reason ?? '')
      : (decision?.reason ?? 'content scanning: not configured');
    return { message: outgoing, outcome, reason, ...(score !== undefined ? { score } : {}) };
  }

  /** Refuses an infected message (554 5.7.1 naming the signature); a scanner failure defers. */
  private async refuseViruses(received: ReceivedMessage): Promise<void> {
    const scanner = this.options.virusScanner;
    if (!scanner) return;
    let verdict: VirusVerdict;
    try {
      verdict = await scanner.scan(received.message);
    } catch (error) {
      this.options.log?.('warn', 'virus scan failed: message deferred', { error: (error as Error).message });
      throw smtpError({
        code: 451,
        enhanced: '4.7.1',
        message: 'virus scanner unavailable, please try again later',
      });
    }
    if (!verdict.infected) return;
    for (const r of received.recipients) received.record(r, 'rejectedVirus', `virus: ${verdict.signature}`);
    throw smtpError({
      code: 554,
      enhanced: '5.7.1',
      message: `message refused: it contains a virus (${verdict.signature})`,
    });
  }

  /** Sender authentication, counted per From: domain; a failure of the checks themselves is logged, not fatal. */
  private async authenticate(received: ReceivedMessage): Promise<SenderAuthentication | undefined> {
    const authenticator = this.options.authenticator;
    if (!authenticator) return undefined;
    try {
      const result = await authenticator.check(received.message, {
        clientAddress: clientNetwork(received.remoteAddress).address,
        sender: received.sender,
        ...(received.helo ? { helo: received.helo } : {}),
      });
      this.options.statistics.recordAuthentication({
        domain: result.fromDomain,
        results: { spf: result.spf, dkim: result.dkim, dmarc: result.dmarc, arc: result.arc },
      });
      return result;
    } catch (error) {
      // DNS trouble is the sender's DMARC's temperror: delivered without a verdict, not refused.
      this.options.log?.('warn', 'sender authentication failed', { error: (error as Error).message });
      return undefined;
    }
  }

  /** The spam scan and the decision of the recipients' domains' policies (none without a scanner). */
  private async scanSpam(
    received: ReceivedMessage,
  ): Promise<{ decision: SpamDecision | null; score: number | undefined }> {
    const scanner = this.options.scanner;
    let decision: SpamDecision | null = null;
    let score: number | undefined;
    if (!scanner) return { decision, score };
    let verdict: RspamdVerdict | null = null;
    let failure: string | undefined;
    try {
      verdict = await scanner.scan(received.message, {
        sender: received.sender,
        recipients: received.recipients,
        clientAddress: clientNetwork(received.remoteAddress).address,
        ...(received.helo ? { helo: received.helo } : {}),
      });
      score = verdict.score;
    } catch (error) {
      failure = (error as Error).message;
    }
    // One answer for the whole message: with recipients in domains of different policies, the
    // mildest applies (a reject for one domain must not refuse mail another domain wants tagged).
    const domains = [...new Set(received.recipients.map((r) => r.slice(r.lastIndexOf('@') + 1)))];
    for (const domain of domains) {
      const candidate = decideSpamAction(verdict, await this.options.spamPolicies(domain), failure);
      if (!decision || severity[candidate.action] < severity[decision.action]) decision = candidate;
    }
    return { decision, score };
  }
}
