/** The CAPABILITY list, which depends on the session's state and whether it is encrypted. */

/** Extensions always offered. */
export const baseCapabilities = [
  'IMAP4rev1',
  'LITERAL+',
  'SASL-IR',
  'ID',
  'ENABLE',
  'IDLE',
  'NAMESPACE',
  'UNSELECT',
  'CHILDREN',
  'LIST-EXTENDED',
  'LIST-STATUS',
  'SPECIAL-USE',
  'UIDPLUS',
  'MOVE',
  'QUOTA',
  'QUOTA=RES-STORAGE',
  'ESEARCH',
  'SEARCHRES',
  'SORT',
  'SORT=DISPLAY',
  'ESORT',
  'THREAD=REFERENCES',
  'THREAD=ORDEREDSUBJECT',
  'BINARY',
  'MULTIAPPEND',
  'CATENATE',
  'COMPRESS=DEFLATE',
  'CREATE-SPECIAL-USE',
  'CONDSTORE',
  'QRESYNC',
] as const;

/** What the session is, as far as capabilities go. */
export interface CapabilityState {
  authenticated: boolean;
  secure: boolean;
  /** STARTTLS possible (a certificate is configured). */
  tlsAvailable: boolean;
  /** Plaintext login allowed on this connection. */
  loginAllowed: boolean;
  appendLimit: number;
}

/** The capability atoms for a session state. */
export function capabilities(state: CapabilityState): string[] {
  const list: string[] = [...baseCapabilities, `APPENDLIMIT=${state.appendLimit}`];
  if (!state.authenticated) {
    if (state.tlsAvailable && !state.secure) list.push('STARTTLS');
    if (state.loginAllowed) list.push('AUTH=PLAIN');
    else list.push('LOGINDISABLED');
  }
  return list;
}
