/**
 * The internet as the lab sees it: a few outside mail domains whose MX is the lab's simulated mail
 * host (main/lab/simulated-internet/), one that defers everything and one that refuses everything,
 * so mail from lab users to the outside is delivered, delayed (delay DSN) or bounced (bounce DSN)
 * the way real mail is. All names are under RFC 2606's reserved `.example` or example.com/net/org.
 */
import type { SimulatedMailRule } from './simulated-internet/simulated-mail-host.js';

/** Outside domains that accept mail. */
export const labOutsideDomains = [
  'example.com',
  'example.net',
  'example.org',
  'partner-univ.example',
  'gakkai.example',
] as const;

/** An outside domain whose server is always "busy": mail to it waits in the director's queue. */
export const labDeferringDomain = 'busy-univ.example';

/** An outside domain whose server refuses every recipient: mail to it bounces back to the sender. */
export const labRefusingDomain = 'closed-company.example';

/** A domain that publishes a null MX (RFC 7505): it takes no mail at all. */
export const labNoMailDomain = 'no-mail.example';

/** The simulated mail host's rules for the lab. */
export const labOutsideRules: SimulatedMailRule[] = [
  { match: labDeferringDomain, action: 'defer', reply: '450 4.2.1 mailbox busy, try again later' },
  { match: labRefusingDomain, action: 'reject', reply: '550 5.1.1 no such user here' },
];

/** Every domain the lab's DNS answers an MX for. */
export function labSimulatedDomains(): string[] {
  return [...labOutsideDomains, labDeferringDomain, labRefusingDomain];
}
