/**
 * imapflow with its protocol log kept: the command lines it sent and the response lines it got,
 * so a test can tell which extension a real client actually used (COMPRESS, ESEARCH, LIST-STATUS).
 */
import { ImapFlow, type ImapFlowOptions } from 'imapflow';

/** An imapflow client and the lines it sent (`sent`) and received (`received`), as it logs them. */
export function recordingImapFlow(options: ImapFlowOptions): {
  client: ImapFlow;
  sent: string[];
  received: string[];
} {
  const sent: string[] = [];
  const received: string[] = [];
  const client = new ImapFlow({
    ...options,
    logger: {
      debug: (entry: { src?: string; msg?: string }) => {
        if (entry.src === 'c' && entry.msg) sent.push(entry.msg);
        if (entry.src === 's' && entry.msg) received.push(entry.msg);
      },
      info: () => {},
      warn: () => {},
      error: () => {},
    },
  });
  return { client, sent, received };
}
