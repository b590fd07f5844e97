/**
 * Checks of the DATA bytes an LMTP client sent. Bare LF and bare CR are how SMTP smuggling slips a
 * second message past one hop's idea of where DATA ends; NUL bytes break IMAP clients and are not
 * allowed in RFC 5322 messages. All three are refused rather than repaired.
 */

/** Why a message is refused, or undefined when its line ends and bytes are fine. */
export function messageDataProblem(data: Buffer): string | undefined {
  if (data.indexOf(0) >= 0) return 'message contains NUL bytes';
  let at = data.indexOf(0x0a);
  while (at >= 0) {
    if (at === 0 || data[at - 1] !== 0x0d) return 'message contains a bare LF (line ends must be CRLF)';
    at = data.indexOf(0x0a, at + 1);
  }
  at = data.indexOf(0x0d);
  while (at >= 0) {
    if (data[at + 1] !== 0x0a) return 'message contains a bare CR (line ends must be CRLF)';
    at = data.indexOf(0x0d, at + 1);
  }
  return undefined;
}
