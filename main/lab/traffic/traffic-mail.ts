/**
 * The messages a traffic run sends: the kind of mail a Japanese university sees (meeting notices,
 * lecture material, library reminders) in ISO-2022-JP (what many Japanese mail programs still send),
 * UTF-8 and plain ASCII, some with large attachments, a few with the EICAR anti-virus test file, and spam (GTUBE, so a configured Rspamd
 * rejects or tags it for sure). Each message carries an `X-Mailfleet-Traffic` header with its run
 * and number, so the run (and its test) can find where each one landed.
 */
import Encoding from 'encoding-japanese';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { eicarTestFile } from '../edge/foreground-clamd.js';
import type { SeededRandom } from './seeded-random.js';

/** GTUBE: the test string every spam filter scores as spam (Rspamd rejects it). */
export const gtube = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';

/** Character set of a message's text. */
export type TrafficCharset = 'iso-2022-jp' | 'utf-8' | 'us-ascii';

/** What one message is. */
export interface TrafficMessageSpec {
  /** `<run>-<n>`, written into X-Mailfleet-Traffic. */
  tag: string;
  from: { address: string; name?: string };
  to: string;
  charset: TrafficCharset;
  spam: boolean;
  /** Size of an attached file in bytes; 0 = none. */
  attachmentBytes: number;
  /** Host part of the Message-ID. */
  messageIdDomain: string;
  /** Attach the EICAR anti-virus test file (a scanning gateway refuses the message). */
  eicar?: boolean;
}

const japaneseTopics: [string, string][] = [
  ['教授会の日程について', '次回の教授会は来週水曜日の午後三時から第二会議室で行います。'],
  ['講義資料の送付', '明日の講義で使う資料を送ります。印刷して持参してください。'],
  ['図書の返却期限のお知らせ', '貸出中の図書の返却期限が近づいています。期限までにご返却ください。'],
  ['研究室ミーティング', '今週の研究室ミーティングは金曜日十時からです。進捗の報告をお願いします。'],
  ['健康診断の案内', '定期健康診断を保健管理センターで実施します。予約をお願いします。'],
  ['出張旅費の精算', '先月の学会出張の旅費精算書を事務局に提出してください。'],
];

const asciiTopics: [string, string][] = [
  ['Seminar next Tuesday', 'The department seminar moves to room 204 next Tuesday at 15:00.'],
  ['Draft of the paper', 'Please find my comments on the draft below. Section 3 needs another figure.'],
  ['Lab equipment booking', 'The spectrometer is booked for our group on Thursday morning.'],
];

const spamTopics: [string, string][] = [
  [
    '【当選】おめでとうございます！賞金をお受け取りください',
    '今すぐこちらをクリックして賞金を受け取ってください。',
  ],
  ['Cheap watches and pills, best price', 'Buy now!!! Limited offer, click here to claim your prize.'],
];

/** Builds the message as bytes (CRLF line ends, as SMTP sends it). */
export async function composeTrafficMessage(spec: TrafficMessageSpec, random: SeededRandom): Promise<Buffer> {
  const [subject, text] = spec.spam
    ? random.pick(spamTopics)
    : spec.charset === 'us-ascii'
      ? random.pick(asciiTopics)
      : random.pick(japaneseTopics);
  const body = spec.spam ? `${text}\r\n\r\n${gtube}\r\n` : `${text}\r\n\r\n-- \r\n${spec.from.address}\r\n`;
  const messageId = `<${spec.tag}.${random.integer(0, 1e9)}@${spec.messageIdDomain}>`;
  if (spec.charset === 'iso-2022-jp' && spec.attachmentBytes === 0)
    return iso2022jpMessage(spec, subject, body, messageId);
  const composer = new MailComposer({
    from: spec.from.name ? { name: spec.from.name, address: spec.from.address } : spec.from.address,
    to: spec.to,
    subject,
    text: body,
    messageId,
    date: new Date(),
    textEncoding: 'base64',
    headers: { 'X-Mailfleet-Traffic': spec.tag },
    attachments: [
      ...(spec.attachmentBytes > 0
        ? [
            {
              filename: '研究データ.bin',
              content: attachmentBytes(spec.attachmentBytes, random),
              contentType: 'application/octet-stream',
            },
          ]
        : []),
      ...(spec.eicar
        ? [{ filename: '請求書.com', content: eicarTestFile, contentType: 'application/octet-stream' }]
        : []),
    ],
  });
  return composer.compile().build();
}

/** ISO-2022-JP text and encoded-word headers, built by hand: nodemailer writes UTF-8 only. */
function iso2022jpMessage(
  spec: TrafficMessageSpec,
  subject: string,
  body: string,
  messageId: string,
): Buffer {
  const from = spec.from.name ? `${encodedWord(spec.from.name)} <${spec.from.address}>` : spec.from.address;
  const head = [
    `From: ${from}`,
    `To: ${spec.to}`,
    `Subject: ${encodedWord(subject)}`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${messageId}`,
    `X-Mailfleet-Traffic: ${spec.tag}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=ISO-2022-JP',
    'Content-Transfer-Encoding: 7bit',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'ascii'), jis(body)]);
}

/** RFC 2047 B-encoded word in ISO-2022-JP. */
function encodedWord(text: string): string {
  return `=?ISO-2022-JP?B?${jis(text).toString('base64')}?=`;
}

function jis(text: string): Buffer {
  return Buffer.from(Encoding.convert(Encoding.stringToCode(text), { to: 'JIS', from: 'UNICODE' }));
}

function attachmentBytes(size: number, random: SeededRandom): Buffer {
  const bytes = Buffer.alloc(size);
  // Not all zeros, so nothing on the way compresses it away; not crypto-random, that is slow for MBs.
  let x = random.integer(1, 2 ** 31);
  for (let i = 0; i < size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes.writeInt32LE(x | 0, Math.min(i, size - 4));
  }
  return bytes;
}
