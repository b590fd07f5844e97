/**
 * IMAP URLs of CATENATE parts (RFC 4469, URL syntax RFC 5092): a message or a section of one in
 * the user's own mailboxes, `/INBOX;UIDVALIDITY=7/;UID=20/;SECTION=1.2/;PARTIAL=0.1024`, relative
 * to this server or absolute (`imap://taro@store05/...`, the user must be the one logged in).
 * Anything else (another user, URLAUTH, a message that is not there) is a bad URL.
 */
import type { FolderView } from '../mail-storage.js';
import { type SectionSpec, sectionBytes } from './body-section.js';
import { no } from './imap-errors.js';
import type { ImapSession } from './imap-session.js';
import { checkMailboxName, mailboxFromWire, normalizeInbox } from './mailbox-name.js';
import { parseMimeTree } from './mime-tree.js';

/** A URL that names something this server will not or cannot give: `NO [BADURL url]`. */
export function badUrl(url: string, why: string): Error {
  // The URL goes back in the response code only if it is one token of printable ASCII.
  const shown = /^[\x21-\x5c\x5e-\x7e]{1,300}$/.test(url) ? ` ${url}` : '';
  return no(`Bad CATENATE URL: ${why}`, `BADURL${shown}`);
}

/** What a URL names. */
export interface MessageUrl {
  /** Storage (UTF-8) folder name. */
  folder: string;
  uidValidity?: number;
  uid: number;
  section: SectionSpec;
  partial?: { offset: number; length?: number };
}

function percentDecode(text: string, url: string): Buffer {
  if (/%(?![0-9A-Fa-f]{2})/.test(text)) throw badUrl(url, 'invalid %-escape');
  return Buffer.from(
    text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    'latin1',
  );
}

/** The folder of an `enc-mailbox`: UTF-8 (RFC 5092), or modified UTF-7 as older clients send. */
function folderOf(bytes: Buffer, url: string): string {
  try {
    if (bytes.some((byte) => byte >= 0x80)) {
      const name = normalizeInbox(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      checkMailboxName(name);
      return name;
    }
    return mailboxFromWire(bytes.toString('latin1'));
  } catch {
    throw badUrl(url, 'invalid mailbox name');
  }
}

function number(text: string | undefined, url: string, what: string): number {
  if (text === undefined || !/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > 0xffffffff)
    throw badUrl(url, `invalid ${what}`);
  return Number(text);
}

/** `HEADER`, `TEXT`, `1.2`, `1.2.MIME`, `HEADER.FIELDS (From To)`... as a section spec. */
function parseUrlSection(text: string, url: string): SectionSpec {
  const match = /^([0-9A-Za-z.]+)(?: \(([^()]*)\))?$/.exec(text);
  if (!match) throw badUrl(url, 'invalid section');
  const levels = match[1]!.split('.');
  const path: number[] = [];
  while (levels.length > 0 && /^[1-9][0-9]{0,8}$/.test(levels[0]!)) path.push(Number(levels.shift()));
  const kind = levels.join('.').toUpperCase();
  const fields = match[2] === undefined ? [] : match[2].split(' ').filter((field) => field !== '');
  const fieldKinds = kind === 'HEADER.FIELDS' || kind === 'HEADER.FIELDS.NOT';
  if (
    !['', 'HEADER', 'TEXT', 'MIME', 'HEADER.FIELDS', 'HEADER.FIELDS.NOT'].includes(kind) ||
    fieldKinds !== fields.length > 0 ||
    (kind === 'MIME' && path.length === 0) ||
    !fields.every((field) => /^[\x21-\x39\x3b-\x7e]+$/.test(field))
  ) {
    throw badUrl(url, 'invalid section');
  }
  return { path, kind: kind as SectionSpec['kind'], fields };
}

/**
 * Parses a CATENATE URL for `user`.
 * @throws ImapCommandError NO [BADURL] when it is malformed or not this user's.
 */
export function parseMessageUrl(url: string, user: string): MessageUrl {
  let path = url;
  const absolute = /^imap:\/\/(?:([^@/;]*)(?:;[^@/]*)?@)?[^/]*(\/.*)$/i.exec(url);
  if (absolute) {
    const login = absolute[1] === undefined ? '' : percentDecode(absolute[1], url).toString('utf8');
    if (login.toLowerCase() !== user.toLowerCase()) throw badUrl(url, "not one of this user's mailboxes");
    path = absolute[2]!;
  }
  if (!path.startsWith('/') || path.startsWith('//')) throw badUrl(url, 'not an IMAP message URL');
  if (/;urlauth=/i.test(path)) throw badUrl(url, 'URLAUTH is not supported');
  const [mailboxPart = '', ...rest] = path.slice(1).split('/;');
  const [encodedMailbox = '', ...mailboxParams] = mailboxPart.split(';');
  const result: MessageUrl = {
    folder: folderOf(percentDecode(encodedMailbox, url), url),
    uid: 0,
    section: { path: [], kind: '', fields: [] },
  };
  for (const param of mailboxParams) {
    const [name, value] = param.split('=', 2);
    if (name?.toUpperCase() !== 'UIDVALIDITY') throw badUrl(url, `unknown parameter ${name}`);
    result.uidValidity = number(value, url, 'UIDVALIDITY');
  }
  let seen = 0;
  const order = ['UID', 'SECTION', 'PARTIAL'];
  for (const item of rest) {
    const equals = item.indexOf('=');
    const name = item.slice(0, equals).toUpperCase();
    const value = item.slice(equals + 1).replace(/\/$/, '');
    const at = order.indexOf(name);
    if (equals === -1 || at < seen) throw badUrl(url, `unexpected ${name || item}`);
    seen = at + 1;
    if (name === 'UID') result.uid = number(value, url, 'UID');
    else if (name === 'SECTION')
      result.section = parseUrlSection(percentDecode(value, url).toString('latin1'), url);
    else {
      const [offset, length] = value.split('.', 2);
      result.partial = { offset: /^0$/.test(offset ?? '') ? 0 : number(offset, url, 'PARTIAL offset') };
      if (length !== undefined) result.partial.length = number(length, url, 'PARTIAL length');
    }
  }
  if (result.uid === 0) throw badUrl(url, 'a message URL needs ;UID=');
  return result;
}

/**
 * The bytes a URL names, read from the user's mailbox.
 * @throws ImapCommandError NO [BADURL] when the folder, UIDVALIDITY or message does not match.
 */
export async function resolveMessageUrl(session: ImapSession, url: string): Promise<Buffer> {
  const target = parseMessageUrl(url, session.user!);
  let view: FolderView;
  try {
    view = await session.mailbox!.openFolder(target.folder);
  } catch {
    throw badUrl(url, 'no such mailbox');
  }
  try {
    if (target.uidValidity !== undefined && target.uidValidity !== view.uidValidity)
      throw badUrl(url, 'UIDVALIDITY does not match');
    if (view.list().indexOf(target.uid) < 0) throw badUrl(url, 'no such message');
    const raw = await view.read(target.uid).catch(() => {
      throw badUrl(url, 'the message is gone');
    });
    const { section } = target;
    let bytes =
      section.path.length === 0 && section.kind === ''
        ? raw
        : (sectionBytes(raw, parseMimeTree(raw), section) ?? Buffer.alloc(0));
    if (target.partial) {
      const start = Math.min(target.partial.offset, bytes.length);
      const end = target.partial.length === undefined ? bytes.length : start + target.partial.length;
      bytes = bytes.subarray(start, Math.min(bytes.length, end));
    }
    return bytes;
  } finally {
    view.close();
  }
}
