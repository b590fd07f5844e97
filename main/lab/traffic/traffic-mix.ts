/**
 * The mix of one traffic run: for each arrival, what kind of mail it is, who sends it from which
 * client address, to whom, through which server and in which character set. Outside mail comes
 * from many 127.x addresses in sixteen /24 networks, so greylisting (which keys on the /24) and its
 * client whitelisting both act as they would for real senders.
 */
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
const internalShare = 0.3;
const unknownRecipientShare = 0.07;
const largeAttachmentShare = 0.03;

const outsideDomains = [
  'example.com',
  'example.net',
  'example.org',
  'partner-univ.example',
  'gakkai.example',
];
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
  if (r < internalShare) {
    const sender = random.pick(targets.users.filter((u) => u !== recipient));
    const endpoint: SmtpEndpoint = targets.submission.requireTls
      ? { ...targets.submission, auth: { user: sender.address, pass: sender.password } }
      : targets.submission;
    return {
      kind: 'internal',
      spec: spec(tag, sender.address, recipient.address, charsetFor(random), false, 0),
      envelope: { from: sender.address, to: recipient.address },
      endpoint,
    };
  }
  const gateway: SmtpEndpoint = { ...targets.gateway };
  const localAddress = outsideClientAddress(random);
  if (r < internalShare + unknownRecipientShare) {
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
  if (r < internalShare + unknownRecipientShare + largeAttachmentShare) {
    const from = `${random.pick(outsideNames)}@${random.pick(outsideDomains)}`;
    return {
      kind: 'largeAttachment',
      spec: spec(tag, from, recipient.address, 'utf-8', false, random.integer(1, 4) * 1024 * 1024),
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
