/**
 * Submission From: alignment (the director signs only what its users may speak for). DKIM and DMARC
 * vouch for the domain in the From: header, not the envelope sender that sender-login.ts checks, so
 * before the director signs an authenticated user's message, the From: header must hold exactly one
 * address, in a domain of one of the login's own addresses. Otherwise the message is refused at DATA
 * with 550 5.7.1: signing it would lend the domain's signature to a forgery (a user of
 * eng.univ.example writing `From: president@univ.example`), and sending it unsigned would have it
 * refused by receivers under the domain's DMARC policy anyway. Gmail and Microsoft 365 refuse such a
 * submission the same way (a "send as" must be verified first).
 */
import addressparser from 'nodemailer/lib/addressparser';

function smtpReply(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

/** The header section's From: fields, unfolded. */
function fromFields(message: Buffer): string[] {
  const end = message.indexOf('\r\n\r\n');
  const header = message.subarray(0, end < 0 ? message.length : end).toString('latin1');
  const fields: string[] = [];
  for (const line of header.replace(/\r\n[ \t]/g, ' ').split('\r\n'))
    if (/^from\s*:/i.test(line)) fields.push(line.slice(line.indexOf(':') + 1));
  return fields;
}

/**
 * The From: domain (lower case) of a message, or an Error saying why there is not exactly one
 * address (RFC 5322 3.6.2 allows several only with a Sender:, and DMARC cannot pick one).
 */
export function fromHeaderDomain(message: Buffer): string | Error {
  const fields = fromFields(message);
  if (fields.length !== 1)
    return new Error(fields.length === 0 ? 'no From: header' : 'more than one From: header');
  const addresses = addressparser(fields[0] ?? '', { flatten: true });
  if (addresses.length !== 1) return new Error('the From: header must hold exactly one address');
  const address = addresses[0]?.address ?? '';
  const at = address.lastIndexOf('@');
  if (at < 1 || at === address.length - 1)
    return new Error(`the From: address ${address || '(empty)'} has no domain`);
  return address.slice(at + 1).toLowerCase();
}

/**
 * The From: domain the director may sign for this login, or the 550 5.7.1 refusal. `senders` are the
 * login's own addresses (lower case, as sender-login.ts has them).
 */
export function alignedFromDomain(
  message: Buffer,
  login: string,
  senders: ReadonlySet<string>,
): string | Error {
  const domain = fromHeaderDomain(message);
  if (domain instanceof Error)
    return smtpReply(550, `5.6.0 ${domain.message}: refused (DKIM signs the From: domain)`);
  const own = new Set([...senders].map((address) => address.slice(address.lastIndexOf('@') + 1)));
  if (own.has(domain)) return domain;
  return smtpReply(
    550,
    `5.7.1 From: header domain ${domain} is not one of user ${login}'s domains; the director signs only its users' own domains`,
  );
}
