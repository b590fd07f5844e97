/**
 * The mix of one traffic run: for each arrival, what kind of mail it is, who sends it from which
 * client address, to whom, through which server and in which character set. Outside mail comes
 * from many 127.x addresses in sixteen /24 networks, so greylisting (which keys on the /24) and its
 * client whitelisting both act as they would for real senders.
 */
import {
  labDeferringDomain,
  labNoMailDomain,
  labOutsideDomains,
  labRefusingDomain,
} from '../lab-outside-world.js';
import type { SeededRandom } from './seeded-random.js';
import type { SmtpEndpoint } from './smtp-sender.js';
import type { TrafficCharset, TrafficMessageSpec } from './traffic-mail.js';
import type { TrafficKind } from './traffic-tally.js';
import type { TrafficTargets } from './traffic-targets.js';

/** One message to send. */
export interface PlannedMessage {
  kind: TrafficKind;
  spec: TrafficMessageSpec;
  envelope: { from: string; to: string };
  endpoint: SmtpEndpoint;
  /** Local address the connection comes from (outside senders); absent for users. */
  localAddress?: string;
}

// Shares of the arrivals; the rest is mail from outside (clean or spam).
const internalShare = 0.25;
const outboundShare = 0.08;
const unknownRecipientShare = 0.07;
const largeAttachmentShare = 0.03;
// An attachment holding the EICAR test file (a clamd-scanning gateway refuses it), and a stranger
// writing as a lab domain's address (refused by the domain's DMARC p=reject).
const virusShare = 0.02;
const forgedSenderShare = 0.02;

const outsideDomains = labOutsideDomains;
// Mail from users to the outside: mostly delivered, some to a busy server (queued, delay DSN after
// hours), some refused (bounce DSN to the user) or to a domain that takes no mail (null MX).
const outboundDomains = [...labOutsideDomains, labDeferringDomain, labRefusingDomain, labNoMailDomain];
const outsideNames = ['yamada', 'smith', 'chen', 'kim', 'garcia', 'office', 'info', 'journal'];
const spamDomains = ['bulk-offers.example', 'prize-center.example'];

/** A client address in 127.1.N.M: sixteen /24 networks, none of them 127.0.0.1 (which the director trusts). */
function outsideClientAddress(random: SeededRandom): string {
  return `127.1.${random.integer(0, 15)}.${random.integer(2, 250)}`;
}

function charsetFor(random: SeededRandom): TrafficCharset {
  const r = random.next();
  return r < 0.35 ? 'iso-2022-jp' : r < 0.8 ? 'utf-8' : 'us-ascii';
}

/** Plans arrival number `n` of run `run`. */
export function planMessage(
  run: string,
  n: number,
  targets: TrafficTargets,
  spamShare: number,
  random: SeededRandom,
): PlannedMessage {
  const tag = `${run}-${n}`;
  const recipient = random.pick(targets.users);
  const r = random.next();
  // Without a submission port (AUTH) users cannot send outside: that share becomes internal mail.
  const outbound = targets.submission.requireTls ? outboundShare : 0;
  if (r < internalShare + outbound) {
    const sender = random.pick(targets.users.filter((u) => u !== recipient));
    const endpoint: SmtpEndpoint = targets.submission.requireTls
      ? { ...targets.submission, auth: { user: sender.address, pass: sender.password } }
      : targets.submission;
    const to =
      r < outbound ? `${random.pick(outsideNames)}@${random.pick(outboundDomains)}` : recipient.address;
    return {
      kind: r < outbound ? 'outbound' : 'internal',
      spec: spec(tag, sender.address, to, charsetFor(random), false, 0),
      envelope: { from: sender.address, to },
      endpoint,
    };
  }
  const gateway: SmtpEndpoint = { ...targets.gateway };
  const localAddress = outsideClientAddress(random);
  if (r < internalShare + outbound + unknownRecipientShare) {
    const domain = random.pick(targets.domains);
    const to = `nobody-${random.integer(1000, 9999)}@${domain}`;
    const from = `${random.pick(outsideNames)}@${random.pick(outsideDomains)}`;
    return {
      kind: 'unknownRecipient',
      spec: spec(tag, from, to, 'us-ascii', false, 0),
      envelope: { from, to },
      endpoint: gateway,
      localAddress,
    };
  }
  if (r < internalShare + outbound + unknownRecipientShare + largeAttachmentShare) {
    const from = `${random.pick(outsideNames)}@${random.pick(outsideDomains)}`;
    return {
      kind: 'largeAttachment',
      spec: spec(tag, from, recipient.address, 'utf-8', false, random.integer(1, 4) * 1024 * 1024),
      envelope: { from, to: recipient.address },
      endpoint: gateway,
      localAddress,
    };
  }
  const edge = internalShare + outbound + unknownRecipientShare + largeAttachmentShare;
  if (r < edge + virusShare) {
    const from = `${random.pick(outsideNames)}@${random.pick(outsideDomains)}`;
    return {
      kind: 'virus',
      spec: { ...spec(tag, from, recipient.address, 'utf-8', false, 0), eicar: true },
      envelope: { from, to: recipient.address },
      endpoint: gateway,
      localAddress,
    };
  }
  if (r < edge + virusShare + forgedSenderShare) {
    const from = `jimu@${random.pick(targets.domains)}`;
    return {
      kind: 'forgedSender',
      spec: spec(tag, from, recipient.address, 'utf-8', false, 0),
      envelope: { from, to: recipient.address },
      endpoint: gateway,
      localAddress,
    };
  }
  const spam = random.chance(spamShare);
  const from = spam
    ? `promo${random.integer(1000, 99999)}@${random.pick(spamDomains)}`
    : `${random.pick(outsideNames)}@${random.pick(outsideDomains)}`;
  return {
    kind: spam ? 'spam' : 'inbound',
    spec: spec(tag, from, recipient.address, spam ? 'utf-8' : charsetFor(random), spam, 0),
    envelope: { from, to: recipient.address },
    endpoint: gateway,
    localAddress,
  };
}

function spec(
  tag: string,
  from: string,
  to: string,
  charset: TrafficCharset,
  spam: boolean,
  attachmentBytes: number,
): TrafficMessageSpec {
  return {
    tag,
    from: { address: from },
    to,
    charset,
    spam,
    attachmentBytes,
    messageIdDomain: from.slice(from.indexOf('@') + 1),
  };
}
