/**
 * RFC 5322 address lists (with the obsolete forms real mail still has) parsed into IMAP ENVELOPE
 * addresses. Names stay raw (encoded-words and 8-bit bytes untouched, RFC 3501 7.4.2); only quoting
 * is removed. Never throws: garbage gives the addresses that could be read.
 */

/** One ENVELOPE address; a group is a start marker (host undefined, mailbox = group name) and an end marker (all undefined). */
export interface EnvelopeAddress {
  name?: string;
  adl?: string;
  mailbox?: string;
  host?: string;
}

type Token =
  | { kind: 'word' | 'quoted' | 'comment' | 'literal'; text: string }
  | { kind: 'special'; text: string };

/** Most addresses read from one header; the rest are dropped (keeps a hostile header's envelope bounded). */
const maxAddresses = 500;

/**
 * Past an ISO-2022-JP escape run starting at `at` (raw 8-bit-free Japanese in old mail): a
 * two-byte run (ESC $ B ... ESC ( B) may contain any of ( ) < > @ , ; : " and is one word.
 */
function skipEscapeRun(text: string, at: number): number {
  const designation = text.slice(at + 1, at + 3);
  if (designation !== '$B' && designation !== '$@') return Math.min(text.length, at + 3);
  const back = text.indexOf('\x1b(', at + 3);
  return back === -1 ? text.length : Math.min(text.length, back + 3);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === ' ' || char === '\t' || char === '\r' || char === '\n') {
      i++;
    } else if (char === '"') {
      let value = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      i++;
      tokens.push({ kind: 'quoted', text: value });
    } else if (char === '(') {
      let depth = 1;
      let value = '';
      i++;
      while (i < text.length && depth > 0) {
        const c = text[i]!;
        if (c === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
          continue;
        }
        if (c === '(') depth++;
        else if (c === ')' && --depth === 0) break;
        value += c;
        i++;
      }
      i++;
      tokens.push({ kind: 'comment', text: value.trim() });
    } else if (char === '[') {
      const close = text.indexOf(']', i);
      const end = close === -1 ? text.length : close + 1;
      tokens.push({ kind: 'literal', text: text.slice(i, end) });
      i = end;
    } else if (char === ')') {
      // A stray closing parenthesis (no comment open) is dropped.
      i++;
    } else if ('<>@,;:.'.includes(char)) {
      tokens.push({ kind: 'special', text: char });
      i++;
    } else {
      let end = i;
      while (end < text.length && !' \t\r\n"()[<>@,;:.'.includes(text[end]!)) {
        end = text[end] === '\x1b' ? skipEscapeRun(text, end) : end + 1;
      }
      tokens.push({ kind: 'word', text: text.slice(i, end) });
      i = end;
    }
  }
  return tokens;
}

/** Joins the words of a local part or domain (`a.b`), dropping comments. */
function joinDotted(tokens: Token[]): string {
  return tokens
    .filter((token) => token.kind !== 'comment')
    .map((token) =>
      token.kind === 'quoted' && /[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]/.test(token.text)
        ? `"${token.text}"`
        : token.text,
    )
    .join('');
}

function phrase(tokens: Token[]): string | undefined {
  const words = tokens.filter(
    (token) => token.kind === 'word' || token.kind === 'quoted' || token.text === '.',
  );
  if (words.length === 0) return undefined;
  let out = '';
  for (const word of words) {
    if (word.text === '.' && word.kind === 'special') out += '.';
    else out += (out === '' || out.endsWith('.') ? '' : ' ') + word.text;
  }
  return out;
}

/** One mailbox from its tokens (no commas or group punctuation inside). */
function readMailbox(tokens: Token[]): EnvelopeAddress | undefined {
  if (tokens.length === 0) return undefined;
  const open = tokens.findIndex((token) => token.kind === 'special' && token.text === '<');
  if (open !== -1) {
    let close = tokens.findIndex(
      (token, index) => index > open && token.kind === 'special' && token.text === '>',
    );
    if (close === -1) close = tokens.length;
    let inner = tokens.slice(open + 1, close);
    let adl: string | undefined;
    const colon = inner.findIndex((token) => token.kind === 'special' && token.text === ':');
    if (colon !== -1 && inner[0]?.text === '@') {
      // Obsolete source route: <@a,@b:user@host>.
      adl = inner
        .slice(0, colon)
        .map((token) => token.text)
        .join('');
      inner = inner.slice(colon + 1);
    }
    const comment = tokens.slice(close + 1).find((token) => token.kind === 'comment');
    const name = phrase(tokens.slice(0, open)) ?? comment?.text;
    return { ...splitAddrSpec(inner), name: name === '' ? undefined : name, adl };
  }
  const comment = tokens.find((token) => token.kind === 'comment');
  return { ...splitAddrSpec(tokens), name: comment?.text === '' ? undefined : comment?.text };
}

function splitAddrSpec(tokens: Token[]): { mailbox: string; host: string } {
  let at = -1;
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (tokens[i]!.kind === 'special' && tokens[i]!.text === '@') {
      at = i;
      break;
    }
  }
  if (at === -1) return { mailbox: joinDotted(tokens), host: '' };
  return { mailbox: joinDotted(tokens.slice(0, at)), host: joinDotted(tokens.slice(at + 1)) };
}

/** Parses an address-list header value into ENVELOPE addresses, groups included. */
export function parseAddressList(value: string): EnvelopeAddress[] {
  const tokens = tokenize(value);
  const out: EnvelopeAddress[] = [];
  let current: Token[] = [];
  let inGroup = false;
  const flush = (): void => {
    const address = readMailbox(current);
    current = [];
    if (address && (address.mailbox !== '' || address.host !== '') && out.length < maxAddresses)
      out.push(address);
  };
  let inAngle = false;
  for (const token of tokens) {
    if (token.kind === 'special') {
      if (token.text === '<') inAngle = true;
      else if (token.text === '>') inAngle = false;
      else if (!inAngle && token.text === ':' && !inGroup) {
        inGroup = true;
        if (out.length < maxAddresses) out.push({ mailbox: phrase(current) ?? '' });
        current = [];
        continue;
      } else if (!inAngle && token.text === ';' && inGroup) {
        flush();
        inGroup = false;
        if (out.length < maxAddresses) out.push({});
        continue;
      } else if (!inAngle && token.text === ',') {
        flush();
        continue;
      }
    }
    current.push(token);
  }
  flush();
  if (inGroup && out.length < maxAddresses) out.push({});
  return out;
}
