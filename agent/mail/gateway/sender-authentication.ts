/**
 * Sender authentication at the gateway (mailauth, RFC 7208 SPF, RFC 6376 DKIM, RFC 7489 DMARC,
 * RFC 8617 ARC): checked at end of DATA against DNS (the gateway's `dnsServers`), with the From:
 * domain's published DMARC policy applied:
 *
 * - DMARC `fail` under `p=reject`: refused, `550 5.7.1 rejected by the DMARC policy of <domain>`;
 *   with a valid ARC chain (mail forwarded by a list or an alias elsewhere, RFC 8617) it is only
 *   quarantined: ARC vouches for what the forwarder saw, but any sealer can make a chain, so it
 *   earns the benefit of the doubt, not the inbox;
 * - DMARC `fail` under `p=quarantine` (or `reject` with ARC): delivered marked as spam (the spam
 *   headers and the subject prefix, as a tag);
 * - otherwise delivered. A DNS failure (temperror) is never a refusal.
 *
 * Every Authentication-Results field that came with the message is removed before ours is added
 * (RFC 8601 5: a forged one must not be mistaken for the gateway's), and the gateway's own goes on
 * top, named by its server name.
 */
import { Resolver } from 'node:dns/promises';
import { withoutHeaderFields } from './header-fields.js';
import type { SmtpReply } from './smtp-refusal.js';

/** Results in one word each, as RFC 8601 names them. */
export type AuthenticationWord =
  | 'pass'
  | 'fail'
  | 'softfail'
  | 'neutral'
  | 'none'
  | 'temperror'
  | 'permerror'
  | 'policy';

/** What the checks found and what the DMARC policy asks. */
export interface SenderAuthentication {
  spf: AuthenticationWord;
  dkim: AuthenticationWord;
  dmarc: AuthenticationWord;
  arc: AuthenticationWord;
  /** The From: domain DMARC judged (lower case), or '' when there was none. */
  fromDomain: string;
  /** `reject`: refuse; `quarantine`: deliver as spam; `none`: deliver. */
  action: 'reject' | 'quarantine' | 'none';
  /** Words for the statistics' last decisions. */
  reason: string;
  /** The refusal when `action` is reject. */
  reply?: SmtpReply;
  /** The gateway's Authentication-Results field, ready to put on top (CRLF-terminated). */
  header: string;
}

/** The envelope the checks need. */
export interface AuthenticationEnvelope {
  clientAddress: string;
  helo?: string;
  sender: string;
}

function word(result: string | undefined | false): AuthenticationWord {
  switch (result) {
    case 'pass':
    case 'fail':
    case 'softfail':
    case 'neutral':
    case 'temperror':
    case 'permerror':
    case 'policy':
      return result;
    case 'temperr':
      return 'temperror';
    default:
      return 'none';
  }
}

/** The best DKIM result of all signatures: one pass is enough for DKIM to pass. */
function dkimWord(results: ReadonlyArray<{ status: { result: string } }>): AuthenticationWord {
  const words = results.map((r) => word(r.status.result));
  for (const best of ['pass', 'fail', 'temperror', 'permerror', 'neutral', 'policy'] as const)
    if (words.includes(best)) return best;
  return 'none';
}

/** The message without any Authentication-Results field (RFC 8601 5: forged ones must go). */
export function withoutAuthenticationResults(message: Buffer): Buffer {
  return withoutHeaderFields(message, ['Authentication-Results']);
}

/** A resolver for mailauth through the given servers (`address` or `address:port`), or the system's. */
export function mailauthResolver(servers?: readonly string[]) {
  const resolver = new Resolver({ timeout: 3_000, tries: 2 });
  if (servers?.length) resolver.setServers([...servers]);
  return (name: string, rrtype: string) => resolver.resolve(name, rrtype) as Promise<never>;
}

/** Checks senders for one gateway. */
export class SenderAuthenticator {
  private readonly resolver: ReturnType<typeof mailauthResolver>;

  constructor(private readonly options: { serverName: string; dnsServers?: readonly string[] }) {
    this.resolver = mailauthResolver(options.dnsServers);
  }

  /** Checks a message (whose forged Authentication-Results are already removed). */
  async check(message: Buffer, envelope: AuthenticationEnvelope): Promise<SenderAuthentication> {
    // Loaded on first use: mailauth costs ~0.15 s of CPU to load, and of the lab's 39 agents only the
    // gateway checks senders (lab up starts them all at once on two cores).
    const { authenticate } = await import('mailauth');
    const result = await authenticate(message, {
      ip: envelope.clientAddress,
      ...(envelope.helo ? { helo: envelope.helo } : {}),
      sender: envelope.sender,
      mta: this.options.serverName,
      resolver: this.resolver,
      disableBimi: true,
    });
    const spf = result.spf ? word(result.spf.status.result) : 'none';
    const dkim = dkimWord(result.dkim.results);
    const dmarc = result.dmarc ? word(result.dmarc.status.result) : 'none';
    const arc = result.arc ? word(result.arc.status.result) : 'none';
    // The From: header's own domain (DMARC's `domain` can be the organisational one it fell back to).
    const headerFrom = result.dkim.headerFrom?.[0] ?? '';
    const fromDomain = headerFrom.includes('@')
      ? headerFrom.slice(headerFrom.lastIndexOf('@') + 1).toLowerCase()
      : '';
    // The policy the From: domain publishes (sp= for a subdomain, mailauth picks it).
    const policy = result.dmarc
      ? String(result.dmarc.policy || result.dmarc.p || 'none').toLowerCase()
      : 'none';
    const header = result.headers
      .split('\r\n')
      .filter((line) => !/^ARC-/i.test(line))
      .join('\r\n');
    const summary = `spf=${spf} dkim=${dkim} dmarc=${dmarc} arc=${arc}`;
    const found = { spf, dkim, dmarc, arc, fromDomain, header };
    if (dmarc === 'fail' && policy === 'reject' && arc !== 'pass')
      return {
        ...found,
        action: 'reject',
        reason: `DMARC policy of ${fromDomain}: reject (${summary})`,
        reply: {
          code: 550,
          enhanced: '5.7.1',
          message: `rejected by the DMARC policy of ${fromDomain}: the sender is not authenticated (SPF and DKIM not aligned with the From: domain)`,
        },
      };
    if (dmarc === 'fail' && (policy === 'quarantine' || policy === 'reject'))
      return {
        ...found,
        action: 'quarantine',
        reason: `DMARC policy of ${fromDomain}: ${policy}${policy === 'reject' ? ', quarantined for a valid ARC chain' : ''} (${summary})`,
      };
    return { ...found, action: 'none', reason: summary };
  }
}
