/** Turning RFC 7162 on for a session: by ENABLE, or by the first CONDSTORE-enabling command. */
import type { ImapSession } from './imap-session.js';

/**
 * Turns CONDSTORE on; when a folder is selected and it was off, the client is told the folder's
 * HIGHESTMODSEQ at once (RFC 7162 3.1: a CONDSTORE-enabling command in the selected state).
 */
export function enableCondstore(session: ImapSession): void {
  if (session.modseqMode.condstore) return;
  session.modseqMode.condstore = true;
  const selected = session.selected;
  if (selected) session.out.line(`* OK [HIGHESTMODSEQ ${selected.view.highestModseq()}] Highest`);
}

/** Turns QRESYNC on (and CONDSTORE with it, RFC 7162 3.2.3). */
export function enableQresync(session: ImapSession): void {
  enableCondstore(session);
  session.modseqMode.qresync = true;
}
