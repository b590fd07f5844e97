/**
 * Envelope addresses as the gateway judges them: parsed strictly (RFC 5321 lengths, no control
 * characters, a domain or address literal), lower-cased, and for greylisting normalised so that
 * per-message sender variants (BATV tags, VERP counters) name the same sender.
 */
import { SmtpInputError } from './smtp-refusal.js';

/** The null reverse-path (bounces, DSNs) as it appears in greylist triplets. */
export const nullSender = '<>';

// RFC 5321 4.5.3.1: local part 64 octets, domain 255, path 256 including the brackets.
const maxLocalPart = 64;
const maxDomain = 255;
const maxAddress = 254;

// Printable ASCII except specials, plus UTF-8 (SMTPUTF8 senders); quoted strings handled apart.
const atomText = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\uffff]+$/u;
const domainLabel = /^(?!-)[a-z0-9\-\u0080-\uffff]{1,63}(?<!-)$/u;
const addressLiteral = /^\[(?:\d{1,3}(?:\.\d{1,3}){3}|IPv6:[0-9a-f:.]+)\]$/i;

function refuse(role: 'sender' | 'recipient', why: string): never {
  throw new SmtpInputError({
    code: 501,
    enhanced: role === 'sender' ? '5.1.7' : '5.1.3',
    message: `malformed ${role} address: ${why}`,
  });
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function validLocalPart(local: string): boolean {
  if (local.startsWith('"') && local.endsWith('"') && local.length >= 2) {
    // Quoted string: any printable character, backslash escapes; no controls.
    return /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e\u0080-\uffff]|\\[\x20-\x7e])*"$/u.test(local);
  }
  return local.split('.').every((atom) => atom.length > 0 && atomText.test(atom));
}

/**
 * Parses an envelope address (with or without angle brackets) and returns it with the domain in
 * lower case and the local part in lower case too (mail systems here treat local parts
 * case-insensitively). Throws `SmtpInputError` 501 with words for anything malformed.
 */
export function parseEnvelopeAddress(raw: string, role: 'sender' | 'recipient'): string {
  let text = raw.trim();
  if (text.startsWith('<') && text.endsWith('>')) text = text.slice(1, -1);
  if (text.length === 0) refuse(role, 'empty address');
  if (text.length > maxAddress) refuse(role, `longer than ${maxAddress} characters`);
  if (hasControlCharacter(text)) refuse(role, 'control characters');
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) refuse(role, 'no local part and domain (local@domain)');
  const local = text.slice(0, at);
  const domain = text.slice(at + 1).toLowerCase();
  if (local.length > maxLocalPart) refuse(role, `local part longer than ${maxLocalPart} characters`);
  if (!validLocalPart(local)) refuse(role, `invalid local part ${JSON.stringify(local.slice(0, 64))}`);
  if (domain.length > maxDomain) refuse(role, 'domain too long');
  if (!addressLiteral.test(domain)) {
    const labels = domain.split('.');
    if (labels.length < 2 || !labels.every((l) => domainLabel.test(l))) {
      refuse(role, `invalid domain ${JSON.stringify(domain.slice(0, 64))}`);
    }
  }
  return `${local.toLowerCase()}@${domain}`;
}

/**
 * The sender as a greylist triplet names it: `<>` for the null sender; otherwise parsed, lower-cased,
 * a BATV tag (`prvs=1234abcd=user@`) removed and digit runs in the local part replaced by `#`, so
 * VERP senders (`bounce-4711-user@`) that differ per message still retry as the same sender
 * (postgrey does the same).
 */
export function greylistSender(raw: string): string {
  const text = raw.trim();
  if (text === '' || text === '<>') return nullSender;
  const address = parseEnvelopeAddress(text, 'sender');
  const at = address.lastIndexOf('@');
  let local = address.slice(0, at);
  local = local.replace(/^(?:prvs|msprvs\d?)=[0-9a-z]+=/, '');
  local = local.replace(/\d+/g, '#');
  return `${local}@${address.slice(at + 1)}`;
}
