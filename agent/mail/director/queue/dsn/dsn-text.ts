/**
 * The human-readable first part of a DSN, in English and Japanese (the site's users are Japanese
 * university staff; many mail clients show only this part).
 */

/** What the readable part says about one recipient. */
export interface DsnTextRecipient {
  address: string;
  /** The remote server's reply or our reason. */
  diagnostic: string;
}

/** Subject line of a DSN (unencoded; the caller encodes it per RFC 2047). */
export function dsnSubject(action: 'failed' | 'delayed'): string {
  return action === 'failed'
    ? 'Undelivered Mail Returned to Sender / 配信できなかったメールの返送'
    : 'Delayed Mail (still being retried) / メール配送の遅延のお知らせ';
}

/** The plain text part: English first, then Japanese. */
export function dsnText(options: {
  action: 'failed' | 'delayed';
  reportingMta: string;
  recipients: DsnTextRecipient[];
  /** Delayed: when the queue gives up (epoch ms). */
  retryUntil?: number;
}): string {
  const list = options.recipients.map((r) => `  <${r.address}>: ${r.diagnostic}`).join('\r\n');
  const until = options.retryUntil === undefined ? '' : new Date(options.retryUntil).toUTCString();
  const english =
    options.action === 'failed'
      ? [
          `This is the mail system at ${options.reportingMta}.`,
          '',
          'Your message could not be delivered to one or more recipients. It is attached below',
          '(headers only). The mail system gave up for these recipients:',
          '',
          list,
        ]
      : [
          `This is the mail system at ${options.reportingMta}.`,
          '',
          'Your message has not been delivered yet to the recipients below. This is only a warning:',
          `the mail system keeps trying${until ? ` until ${until}` : ''}. You do not need to send it again.`,
          '',
          list,
        ];
  const japanese =
    options.action === 'failed'
      ? [
          `こちらは ${options.reportingMta} のメールシステムです。`,
          '',
          'お送りいただいたメールを、次の宛先に配送できませんでした（元のメールのヘッダーを添付します）。',
          '',
          list,
        ]
      : [
          `こちらは ${options.reportingMta} のメールシステムです。`,
          '',
          'お送りいただいたメールは、次の宛先にまだ配送されていません。これはお知らせのみです。',
          `メールシステムは配送を続けます${until ? `（${until} まで）` : ''}。再送の必要はありません。`,
          '',
          list,
        ];
  return [...english, '', '-----', '', ...japanese, ''].join('\r\n');
}
