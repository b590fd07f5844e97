/**
 * RFC 7162 (CONDSTORE, QRESYNC) arguments: SELECT/EXAMINE parameters, FETCH modifiers
 * (CHANGEDSINCE, VANISHED), the STORE modifier UNCHANGEDSINCE, read strictly from tokens.
 */

import type { ImapToken } from '../../protocol/imap/imap-parser.js';
import { parseSequenceSet, type SequenceSet } from '../../protocol/imap/sequence-set.js';
import { bad } from './imap-errors.js';

/** A mod-sequence value (RFC 7162 `mod-sequence-value`: 1 to 2^63-1; JavaScript keeps 2^53 exactly). */
export function modseqValue(token: ImapToken | undefined, what: string, allowZero = false): number {
  const text = token?.type === 'atom' ? token.value : '';
  if (!/^\d{1,19}$/.test(text)) throw bad(`${what} must be a mod-sequence number`);
  const value = Number(text);
  if ((!allowZero && value === 0) || !Number.isSafeInteger(value))
    throw bad(`${what} is out of range (1 to ${Number.MAX_SAFE_INTEGER})`);
  return value;
}

/** QRESYNC parameters of SELECT/EXAMINE (RFC 7162 3.2.5). */
export interface QresyncParams {
  uidValidity: number;
  modseq: number;
  /** UIDs the client knows; undefined: all. */
  knownUids?: SequenceSet;
}

/** SELECT/EXAMINE parameters. */
export interface SelectParams {
  condstore: boolean;
  qresync?: QresyncParams;
}

/** Parses the optional parameter list of SELECT/EXAMINE: `(CONDSTORE)`, `(QRESYNC (...))`. */
export function parseSelectParams(token: ImapToken | undefined): SelectParams {
  const params: SelectParams = { condstore: false };
  if (token === undefined) return params;
  if (token.type !== 'list') throw bad('SELECT parameters must be a parenthesised list');
  const items = token.items;
  for (let i = 0; i < items.length; i++) {
    const name = items[i]?.type === 'atom' ? (items[i] as { value: string }).value.toUpperCase() : '';
    if (name === 'CONDSTORE') {
      params.condstore = true;
    } else if (name === 'QRESYNC') {
      const list = items[++i];
      if (list?.type !== 'list' || list.items.length < 2 || list.items.length > 4)
        throw bad('QRESYNC takes (uidvalidity modseq [known-uids [(sequences uids)]])');
      const uidValidityText = list.items[0]?.type === 'atom' ? list.items[0].value : '';
      if (!/^[1-9]\d{0,9}$/.test(uidValidityText) || Number(uidValidityText) > 0xffffffff)
        throw bad('QRESYNC UIDVALIDITY must be a number');
      const qresync: QresyncParams = {
        uidValidity: Number(uidValidityText),
        modseq: modseqValue(list.items[1], 'QRESYNC mod-sequence'),
      };
      const known = list.items[2];
      if (known?.type === 'atom') qresync.knownUids = parseSequenceSet(known.value);
      else if (known !== undefined && known.type !== 'list')
        throw bad('QRESYNC known UIDs must be a UID set');
      // The sequence match data only helps a server that lost its expunge history: not needed here.
      params.qresync = qresync;
    } else {
      throw bad(`Unknown SELECT parameter ${name.slice(0, 30) || '(not an atom)'}`);
    }
  }
  return params;
}

/** FETCH modifiers (RFC 7162 3.1.4.1, 3.2.6). */
export interface FetchModifiers {
  changedSince?: number;
  vanished: boolean;
}

/** Parses FETCH's optional modifier list: `(CHANGEDSINCE n [VANISHED])`. */
export function parseFetchModifiers(token: ImapToken | undefined): FetchModifiers {
  const modifiers: FetchModifiers = { vanished: false };
  if (token === undefined) return modifiers;
  if (token.type !== 'list') throw bad('FETCH modifiers must be a parenthesised list');
  const items = token.items;
  for (let i = 0; i < items.length; i++) {
    const name = items[i]?.type === 'atom' ? (items[i] as { value: string }).value.toUpperCase() : '';
    if (name === 'CHANGEDSINCE') modifiers.changedSince = modseqValue(items[++i], 'CHANGEDSINCE', true);
    else if (name === 'VANISHED') modifiers.vanished = true;
    else throw bad(`Unknown FETCH modifier ${name.slice(0, 30) || '(not an atom)'}`);
  }
  if (modifiers.vanished && modifiers.changedSince === undefined) throw bad('VANISHED needs CHANGEDSINCE');
  return modifiers;
}

/** Parses STORE's optional modifier list: `(UNCHANGEDSINCE n)`. */
export function parseStoreModifiers(token: ImapToken): { unchangedSince?: number } {
  if (token.type !== 'list') throw bad('STORE modifiers must be a parenthesised list');
  const items = token.items;
  const name = items[0]?.type === 'atom' ? items[0].value.toUpperCase() : '';
  if (name !== 'UNCHANGEDSINCE' || items.length !== 2)
    throw bad('The only STORE modifier is (UNCHANGEDSINCE mod-sequence)');
  return { unchangedSince: modseqValue(items[1], 'UNCHANGEDSINCE', true) };
}
