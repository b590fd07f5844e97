/** Tricky messages for BODYSTRUCTURE, ENVELOPE, section and SEARCH tests (CRLF line ends). */

const crlf = (lines: string[]): string => `${lines.join('\r\n')}`;

/** 「こんにちは」 in ISO-2022-JP. */
export const konnichiwaJis = Buffer.from('1b244224332473244b2441244f1b2842', 'hex');
/** 「会議」 in ISO-2022-JP (encoded-word subject below). */
export const kaigiJis = Buffer.from('1b2442327135441b2842', 'hex');

/** multipart/mixed: alternative (plain + html), a PDF attachment with an RFC 2231 filename, and a forwarded message. */
export const mixedMessage = Buffer.from(
  crlf([
    'Return-Path: <taro@eng.univ.example>',
    'Date: Tue, 3 Nov 2026 09:15:00 +0900',
    'From: =?UTF-8?B?5bGx55Sw5aSq6YOO?= <taro.yamada@eng.univ.example>',
    'To: "Hanako, Sato" <hanako@sci.univ.example>, jiro@univ.example (Jiro Suzuki)',
    'Cc: Team: alice@univ.example, bob@univ.example;',
    'Subject: =?UTF-8?B?5Lya6K2w44Gu6LOH5paZ?=',
    '  (Meeting notes)',
    'Message-ID: <20261103.1@eng.univ.example>',
    'In-Reply-To: <prev@univ.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    'This is a multi-part message in MIME format.',
    '--outer',
    'Content-Type: multipart/alternative;',
    ' boundary=inner',
    '',
    '--inner',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Hello =E4=BC=9A=E8=AD=B0',
    'second line',
    '--inner',
    'Content-Type: text/html; charset="utf-8"',
    'Content-Transfer-Encoding: 8bit',
    'Content-Language: ja, en',
    '',
    '<p>Hello</p>',
    '--inner--',
    '',
    '--outer',
    'Content-Type: application/pdf; name="report.pdf"',
    'Content-Transfer-Encoding: base64',
    "Content-Disposition: attachment; filename*0*=UTF-8''%E5%A0%B1%E5%91%8A;",
    ' filename*1*=%E6%9B%B8.pdf; size=12',
    'Content-ID: <part3@univ.example>',
    'Content-Description: the report',
    'Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==',
    'Content-Location: http://example.org/report.pdf',
    '',
    'JVBERi0xLjQK',
    '--outer',
    'Content-Type: message/rfc822',
    '',
    'From: Hanako <hanako@sci.univ.example>',
    'To: taro.yamada@eng.univ.example',
    'Subject: inner',
    'Date: Mon, 2 Nov 2026 18:00:00 +0900',
    'Content-Type: multipart/mixed; boundary=b2',
    '',
    '--b2',
    '',
    'implicit text/plain part',
    '--b2',
    'Content-Type: image/png',
    'Content-Transfer-Encoding: base64',
    '',
    'iVBORw0KGgo=',
    '--b2--',
    '--outer--',
    '',
  ]),
);

/** A single-part Japanese message: ISO-2022-JP body, encoded-word subject and a raw 8-bit header. */
export const japaneseMessage = Buffer.concat([
  Buffer.from(
    crlf([
      'Date: 4 Nov 26 10:00 JST',
      `From: =?ISO-2022-JP?B?${Buffer.concat([kaigiJis]).toString('base64')}?= <kaigi@univ.example>`,
      'To: taro@univ.example',
      'Subject: =?ISO-2022-JP?B?GyRCMnE1RBsoQg==?= =?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=',
      'X-Raw: \u00e6\u0097\u00a5\u00e6\u009c\u00ac',
      'Content-Type: text/plain; charset=ISO-2022-JP',
      'Content-Transfer-Encoding: 7bit',
      '',
      '',
    ]),
    'latin1',
  ),
  konnichiwaJis,
  Buffer.from('\r\nSecond line\r\n'),
]);

/** No MIME headers at all, no Date, no From: the defaults. */
export const bareMessage = Buffer.from('Subject: bare\r\n\r\nJust text\r\n');

/** A multipart/digest whose parts default to message/rfc822. */
export const digestMessage = Buffer.from(
  crlf([
    'From: list@univ.example',
    'Subject: digest',
    'Content-Type: multipart/digest; boundary=d',
    '',
    '--d',
    '',
    'From: a@univ.example',
    'Subject: one',
    '',
    'first',
    '--d--',
    '',
  ]),
);
