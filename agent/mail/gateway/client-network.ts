/**
 * The client network a greylist triplet names: the /24 of an IPv4 address, the /64 of an IPv6
 * address. Big senders retry from another host of the same farm, so the network, not the host,
 * is what has to come back.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { SmtpInputError } from './smtp-refusal.js';

/** Expands an IPv6 address (already checked by `isIPv6`) to eight 16-bit groups. */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // A dotted IPv4 tail (`::ffff:1.2.3.4`, `64:ff9b::1.2.3.4`) stands for the last two groups.
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [, head = '', a = '0', b = '0', c = '0', d = '0'] = dotted;
    text = `${head}${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`;
  }
  const parse = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16));
  const halves = text.split('::');
  if (halves.length === 1) return parse(text);
  const left = parse(halves[0] ?? '');
  const right = parse(halves[1] ?? '');
  return [...left, ...new Array<number>(Math.max(0, 8 - left.length - right.length)).fill(0), ...right];
}

/** Parsed client address: its family, the canonical address text, and its greylist network key. */
export interface ClientNetwork {
  family: 4 | 6;
  /** The address as the statistics show it (IPv4-mapped IPv6 shown as IPv4). */
  address: string;
  /** `203.0.113.0/24` or `2001:db8:1:2::/64`. */
  network: string;
}

/**
 * Parses the client's IP address (as smtp-server reports it; `::ffff:a.b.c.d` counts as IPv4).
 * Throws `SmtpInputError` (421) for anything that is not an IP address: the gateway cannot judge a
 * client it cannot name, and says so rather than crash.
 */
export function clientNetwork(remoteAddress: string): ClientNetwork {
  let text = remoteAddress;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  if (mapped?.[1]) text = mapped[1];
  if (isIPv4(text)) {
    const octets = text.split('.');
    return { family: 4, address: text, network: `${octets.slice(0, 3).join('.')}.0/24` };
  }
  if (isIPv6(text)) {
    const groups = ipv6Groups(text);
    if (groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)) {
      const prefix = groups
        .slice(0, 4)
        .map((g) => g.toString(16))
        .join(':');
      return { family: 6, address: text.toLowerCase(), network: `${prefix}::/64` };
    }
  }
  throw new SmtpInputError({
    code: 421,
    enhanced: '4.3.0',
    message: `cannot read the client address ${JSON.stringify(remoteAddress.slice(0, 64))}`,
  });
}
