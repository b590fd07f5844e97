/**
 * FETCH and UID FETCH. Messages are read a few ahead in parallel and in order; a message's bytes
 * are dropped as soon as its response is written, and parsed structures come from the server's
 * cache, so a FETCH of 10,000 envelopes reads each file at most once per cache lifetime.
 */

import { formatSequence } from '../../../protocol/imap/sequence-set.js';
import { MailStorageError, type MessageSummary } from '../../mail-storage.js';
import { binarySection } from '../binary-content.js';
import { sectionBytes } from '../body-section.js';
import { expectArgs, sequenceSetArg } from '../command-args.js';
import type { CommandHandler } from '../command-table.js';
import { type FetchItem, type FetchRequest, parseFetchRequest } from '../fetch-items.js';
import { bad } from '../imap-errors.js';
import type { ImapSession } from '../imap-session.js';
import { formatFlags, formatInternalDate } from '../message-attributes.js';
import { MessageCursor } from '../message-cursor.js';
import { type MessageStructure, messageStructure, structureKey } from '../message-structure-cache.js';
import { type MimePart, parseMimeTree } from '../mime-tree.js';
import { parseFetchModifiers } from '../modseq-args.js';
import { enableCondstore } from '../modseq-mode.js';
import type { SelectedFolder } from '../selected-folder.js';
import { vanishedSince } from './select-commands.js';

/** What a message's response needs beyond its summary; `gone` if it was expunged meanwhile. */
type Loaded = { raw?: Buffer; structure?: MessageStructure } | { gone: true } | { error: unknown };

function loader(session: ImapSession, selected: SelectedFolder, request: FetchRequest) {
  const { cache } = session.context;
  const user = session.user!;
  return async (uid: number): Promise<Loaded> => {
    const key = request.needsStructure
      ? structureKey(user, selected.name, selected.view.uidValidity, uid)
      : '';
    let structure = request.needsStructure ? cache.get(key) : undefined;
    if (!request.needsRaw && (!request.needsStructure || structure)) return structure ? { structure } : {};
    try {
      const raw = await selected.view.read(uid);
      if (request.needsStructure && !structure) {
        structure = messageStructure(raw);
        cache.set(key, structure);
      }
      return { raw: request.needsRaw ? raw : undefined, structure };
    } catch (error) {
      if (error instanceof MailStorageError && error.code === 'no-such-message') return { gone: true };
      return { error };
    }
  };
}

function writeResponse(
  session: ImapSession,
  selected: SelectedFolder,
  request: FetchRequest,
  seq: number,
  summary: MessageSummary,
  loaded: { raw?: Buffer; structure?: MessageStructure },
  flagsChanged: boolean,
): void {
  const out = session.out;
  let text = `* ${seq} FETCH (`;
  let first = true;
  let tree: MimePart | undefined;
  let sentFlags = false;
  const add = (piece: string): void => {
    text += first ? piece : ` ${piece}`;
    first = false;
  };
  let sentModseq = false;
  // Decoded first: an UNKNOWN-CTE failure must come before any byte of this response is written.
  const binaries = new Map<FetchItem, Buffer>();
  for (const item of request.items) {
    if (item.kind !== 'binary' && item.kind !== 'binary-size') continue;
    if (item.path.length > 0) tree ??= parseMimeTree(loaded.raw!);
    binaries.set(item, binarySection(loaded.raw!, tree!, item.path) ?? Buffer.alloc(0));
  }
  for (const item of request.items) {
    switch (item.kind) {
      case 'FLAGS':
        add(`FLAGS ${formatFlags(summary.flags, selected.isRecent(summary.uid))}`);
        sentFlags = true;
        break;
      case 'MODSEQ':
        add(`MODSEQ (${summary.modseq})`);
        sentModseq = true;
        break;
      case 'UID':
        add(`UID ${summary.uid}`);
        break;
      case 'INTERNALDATE':
        add(`INTERNALDATE ${formatInternalDate(summary.internalDate)}`);
        break;
      case 'RFC822.SIZE':
        add(`RFC822.SIZE ${summary.size}`);
        break;
      case 'ENVELOPE':
        add(`ENVELOPE ${loaded.structure!.envelope}`);
        break;
      case 'BODY':
        add(`BODY ${loaded.structure!.body}`);
        break;
      case 'BODYSTRUCTURE':
        add(`BODYSTRUCTURE ${loaded.structure!.bodyStructure}`);
        break;
      case 'section': {
        const raw = loaded.raw!;
        const needsTree = item.spec.path.length > 0 || item.spec.kind !== '';
        if (needsTree) tree ??= parseMimeTree(raw);
        let bytes = (needsTree ? sectionBytes(raw, tree!, item.spec) : raw) ?? Buffer.alloc(0);
        if (item.partial) {
          const start = Math.min(item.partial.offset, bytes.length);
          bytes = bytes.subarray(start, Math.min(bytes.length, start + item.partial.length));
        }
        add(`${item.label} {${bytes.length}}\r\n`);
        out.write(text);
        out.write(bytes);
        text = '';
        break;
      }
      case 'binary':
      case 'binary-size': {
        let bytes = binaries.get(item)!;
        if (item.kind === 'binary-size') {
          add(`${item.label} ${bytes.length}`);
          break;
        }
        if (item.partial) {
          const start = Math.min(item.partial.offset, bytes.length);
          bytes = bytes.subarray(start, Math.min(bytes.length, start + item.partial.length));
        }
        // literal8 only when it must be (NUL bytes): every client reads a plain literal (RFC 3516 4.2).
        add(`${item.label} ${bytes.includes(0) ? '~' : ''}{${bytes.length}}\r\n`);
        out.write(text);
        out.write(bytes);
        text = '';
        break;
      }
    }
  }
  // A message newly marked \Seen by this FETCH reports its flags (RFC 3501 6.4.5).
  if (flagsChanged && !sentFlags) {
    add(`FLAGS ${formatFlags(summary.flags, selected.isRecent(summary.uid))}`);
    sentFlags = true;
  }
  // With CONDSTORE on, every FETCH carrying FLAGS carries MODSEQ too (RFC 7162 3.1.4.1).
  if (sentFlags && !sentModseq && session.modseqMode.condstore) add(`MODSEQ (${summary.modseq})`);
  out.write(`${text})\r\n`);
}

/** FETCH / UID FETCH. */
export const fetchCommand: CommandHandler = async (session, command, uid) => {
  expectArgs(command.args, 2, 3);
  const selected = session.selected!;
  const set = sequenceSetArg(command.args[0]);
  let positions = selected.positions(set, uid);
  const request = parseFetchRequest(command.args[1], uid);
  const modifiers = parseFetchModifiers(command.args[2]);
  if (modifiers.vanished && !(uid && session.modseqMode.qresync))
    throw bad('VANISHED needs UID FETCH with QRESYNC enabled');
  // MODSEQ and CHANGEDSINCE are CONDSTORE-enabling (RFC 7162 3.1).
  if (modifiers.changedSince !== undefined || request.items.some((item) => item.kind === 'MODSEQ'))
    enableCondstore(session);
  let messages = selected.messages();
  if (modifiers.changedSince !== undefined) {
    const since = modifiers.changedSince;
    if (modifiers.vanished) {
      const vanished = vanishedSince(selected, since, set);
      if (vanished.length > 0) session.out.line(`* VANISHED (EARLIER) ${formatSequence(vanished)}`);
    }
    positions = positions.filter((index) => messages.modseq(index) > since);
    if (!request.items.some((item) => item.kind === 'MODSEQ')) request.items.push({ kind: 'MODSEQ' });
  }
  if (positions.length === 0) return undefined;
  const newlySeen = new Set<number>();
  if (request.setsSeen && !selected.readOnly) {
    for (const index of positions) {
      if (!messages.flags(index).includes('\\Seen')) newlySeen.add(messages.uid(index));
    }
    if (newlySeen.size > 0) {
      await selected.view.setFlags([...newlySeen], 'add', ['\\Seen']);
      // Flags changes replace the snapshot; no message left it, so positions still hold.
      messages = selected.messages();
    }
  }
  // A keyword another session created must be announced before it shows in a FETCH (RFC 3501 7.2.6).
  for (const line of selected.keywordLines()) session.out.line(line);
  if (!request.needsRaw && !request.needsStructure) {
    // Answered from the summaries alone (FLAGS, UID, sizes, dates): no reads, no promise per message.
    const summary = new MessageCursor(messages);
    for (const index of positions) {
      summary.index = index;
      writeResponse(session, selected, request, index + 1, summary, {}, newlySeen.has(summary.uid));
      if (session.out.congested) await session.out.drained();
      if (session.isClosed) return undefined;
    }
    return undefined;
  }
  const load = loader(session, selected, request);
  const { readAhead } = session.context.limits;
  const window: Array<Promise<Loaded>> = [];
  let next = 0;
  const fill = (): void => {
    while (window.length < readAhead && next < positions.length)
      window.push(load(messages.uid(positions[next++]!)));
  };
  fill();
  for (const index of positions) {
    const loaded = await window.shift()!;
    fill();
    if (session.isClosed) return undefined;
    if ('gone' in loaded) continue;
    if ('error' in loaded) {
      // Let reads already started settle before failing the command (no unhandled rejections: they never reject).
      await Promise.all(window);
      throw loaded.error;
    }
    const summary = messages.at(index);
    writeResponse(session, selected, request, index + 1, summary, loaded, newlySeen.has(summary.uid));
    if (session.out.congested) await session.out.drained();
  }
  return undefined;
};
