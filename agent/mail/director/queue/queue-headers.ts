/**
 * The header of a queued message, for `queue.show`: the spooled bytes up to the first empty line,
 * parsed by mailparser (unfolded fields in order, the Subject decoded from RFC 2047 words so a
 * Japanese subject reads as written). The body is never parsed here.
 */

/** Header fields of a queued message. */
export interface QueuedHeaders {
  headers: { name: string; value: string }[];
  subject?: string;
  truncated: boolean;
}

// A header larger than this is not mail an administrator needs to read in full in a console.
const maxHeaderBytes = 64 * 1024;
const maxHeaderFields = 500;

/** Where the body starts (after the empty line), or -1 when the content has no body. */
export function bodyOffset(content: Buffer): number {
  const crlf = content.indexOf('\r\n\r\n');
  const lf = content.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf + 4;
  return lf >= 0 ? lf + 2 : -1;
}

/** Parses the header of a spooled message. */
export async function readQueuedHeaders(content: Buffer): Promise<QueuedHeaders> {
  const start = bodyOffset(content);
  const headerEnd = start < 0 ? content.length : start;
  const block = content.subarray(0, Math.min(headerEnd, maxHeaderBytes));
  // Loaded on first use: mailparser costs ~0.15 s of CPU to load, and only the director reads queue headers.
  const { simpleParser } = await import('mailparser');
  const parsed = await simpleParser(Buffer.concat([block, Buffer.from('\r\n\r\n')]), {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipImageLinks: true,
  });
  const lines = parsed.headerLines;
  const headers = lines.slice(0, maxHeaderFields).map(({ line }) => {
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    // Unfolded: a folded field reads as one line in a table.
    const value =
      colon < 0
        ? ''
        : line
            .slice(colon + 1)
            .replace(/\r?\n[ \t]+/g, ' ')
            .trim();
    return { name, value };
  });
  return {
    headers,
    ...(parsed.subject === undefined ? {} : { subject: parsed.subject }),
    truncated: lines.length > maxHeaderFields || headerEnd > maxHeaderBytes,
  };
}
