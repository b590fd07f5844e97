/**
 * Python's imaplib (STARTTLS and implicit TLS, with a certificate made by openssl) and curl's
 * imap:// and imaps:// URLs against the IMAP server: clients no one here wrote.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ImapTestServer,
  makeTestCertificate,
  makeTestDir,
  startImapTestServer,
  testUsers,
} from './support/imap-test-server.js';

const run = promisify(execFile);

const pythonSession = String.raw`
import imaplib, json, ssl, sys
port, tls_port, cafile, user, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
context = ssl.create_default_context(cafile=cafile)
out = {}
m = imaplib.IMAP4('127.0.0.1', port)
out['before_tls'] = sorted(m.capabilities)
try:
    m.login(user, password)
    out['plain_login'] = 'accepted'
except imaplib.IMAP4.error as error:
    out['plain_login'] = str(error)
m.starttls(ssl_context=context)
out['after_tls'] = sorted(m.capabilities)
m.login(user, password)
out['create'] = m.create('"&eBR6dluk-"')[0]
out['list'] = [line.decode() for line in m.list()[1]]
message = ('Subject: =?UTF-8?B?5Lya6K2w?=\r\nFrom: Python <py@univ.example>\r\n\r\nfrom imaplib\r\n').encode()
out['append'] = m.append('INBOX', '(\\Seen)', imaplib.Time2Internaldate(1767225600), message)[1][0].decode()
out['select'] = m.select('INBOX')[1][0].decode()
m.literal = '会議'.encode()
out['search'] = m.uid('SEARCH', 'CHARSET', 'UTF-8', 'SUBJECT')[1][0].decode()
typ, data = m.fetch('1', '(FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODYSTRUCTURE)')
out['fetch'] = [part.decode() if isinstance(part, bytes) else [p.decode() for p in part] for part in data]
out['store'] = m.store('1', '+FLAGS', '(\\Flagged)')[1][0].decode()
out['copy'] = m.copy('1', '"&eBR6dluk-"')[1][0].decode()
m.logout()
s = imaplib.IMAP4_SSL('127.0.0.1', tls_port, ssl_context=context)
s.login(user, password)
out['imaps_select'] = s.select('"&eBR6dluk-"')[1][0].decode()
out['imaps_body'] = s.fetch('1', '(BODY[TEXT])')[1][0][1].decode()
out['imaps_flags'] = s.fetch('1', '(FLAGS)')[1][0].decode()
s.logout()
print(json.dumps(out))
`;

describe('Python imaplib and curl against the IMAP server', () => {
  let imap: ImapTestServer;
  let certDir: string;
  let certFile: string;

  beforeAll(async () => {
    certDir = await makeTestDir('imap-cert-');
    const certificate = makeTestCertificate(certDir);
    certFile = certificate.certFile;
    // trustLoopback off: this connection counts as remote, so plaintext logins need TLS first.
    imap = await startImapTestServer({ tls: certificate, tlsPort: 0, trustLoopback: false });
    await writeFile(join(certDir, 'session.py'), pythonSession);
  });

  afterAll(async () => {
    await imap.stop();
    await run('rm', ['-rf', certDir]);
  });

  it('imaplib: LOGINDISABLED before STARTTLS, then a session over TLS and over implicit TLS', async () => {
    const { stdout } = await run('python3', [
      join(certDir, 'session.py'),
      String(imap.server.port),
      String(imap.server.tlsPort),
      certFile,
      'taro@univ.example',
      testUsers['taro@univ.example']!,
    ]);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out.before_tls).toEqual(expect.arrayContaining(['STARTTLS', 'LOGINDISABLED']));
    expect(out.before_tls).not.toContain('AUTH=PLAIN');
    expect(out.plain_login).toMatch(/PRIVACYREQUIRED/);
    expect(out.after_tls).toContain('AUTH=PLAIN');
    expect(out.after_tls).not.toContain('STARTTLS');
    expect(out.create).toBe('OK');
    expect(out.list).toContain('(\\HasNoChildren) "." "&eBR6dluk-"');
    expect(out.append).toMatch(/^\[APPENDUID \d+ 1\]/);
    expect(out.select).toBe('1');
    expect(out.search).toBe('1');
    const fetch = JSON.stringify(out.fetch);
    // Appended while no session had INBOX selected: \Recent to the first session that selects it.
    expect(fetch).toContain('FLAGS (\\\\Seen \\\\Recent)');
    expect(fetch).toContain('INTERNALDATE \\"01-Jan-2026 00:00:00 +0000\\"');
    expect(fetch).toContain('Subject: =?UTF-8?B?5Lya6K2w?=');
    expect(fetch).toContain(
      'BODYSTRUCTURE (\\"text\\" \\"plain\\" (\\"charset\\" \\"us-ascii\\") NIL NIL \\"7bit\\" 14 1 NIL NIL NIL NIL)',
    );
    expect(out.store).toBe('1 (FLAGS (\\Flagged \\Seen \\Recent))');
    expect(out.copy).toMatch(/^\[COPYUID \d+ 1 1\]/);
    expect(out.imaps_select).toBe('1');
    expect(out.imaps_body).toBe('from imaplib\r\n');
    expect(out.imaps_flags).toMatch(/FLAGS \(\\Flagged \\Seen/);
  });

  it('curl: LIST, a message by UID, SEARCH and a custom command, with STARTTLS required and over imaps', async () => {
    const user = `hanako@univ.example:${testUsers['hanako@univ.example']}`;
    const tls = ['--ssl-reqd', '--cacert', certFile];
    const base = `imap://127.0.0.1:${imap.server.port}`;
    // Without TLS curl may not log in: the server refuses plaintext here.
    const refused = await run('curl', ['-s', '-S', `${base}/`, '-u', user]).catch(
      (error: { stderr: string }) => error,
    );
    expect(String((refused as { stderr?: string }).stderr)).toMatch(/denied|LOGIN|Login/i);

    await writeFile(
      join(certDir, 'message.eml'),
      'From: curl@univ.example\r\nSubject: via curl\r\n\r\ncurl body\r\n',
    );
    const appended = await run('curl', [
      '-s',
      '-S',
      ...tls,
      '-T',
      join(certDir, 'message.eml'),
      `${base}/INBOX`,
      '-u',
      user,
    ]);
    expect(appended.stdout).toBe('');

    const list = await run('curl', ['-s', '-S', ...tls, `${base}/`, '-u', user]);
    expect(list.stdout).toContain('* LIST (\\HasNoChildren) "." "INBOX"');
    expect(list.stdout).toContain('\\Sent) "." "Sent"');

    const search = await run('curl', ['-s', '-S', ...tls, `${base}/INBOX?SUBJECT%20curl`, '-u', user]);
    const uid = /\* SEARCH (\d+)/.exec(search.stdout)?.[1];
    expect(uid).toBeDefined();
    const message = await run('curl', ['-s', '-S', ...tls, `${base}/INBOX;UID=${uid}`, '-u', user]);
    expect(message.stdout).toBe('From: curl@univ.example\r\nSubject: via curl\r\n\r\ncurl body\r\n');

    const status = await run('curl', [
      '-s',
      '-S',
      ...tls,
      `${base}/`,
      '-X',
      'STATUS INBOX (MESSAGES UIDNEXT)',
      '-u',
      user,
    ]);
    expect(status.stdout).toMatch(/\* STATUS "INBOX" \(MESSAGES \d+ UIDNEXT \d+\)/);

    const imaps = await run('curl', [
      '-s',
      '-S',
      '--cacert',
      certFile,
      `imaps://127.0.0.1:${imap.server.tlsPort}/INBOX;UID=${uid};SECTION=TEXT`,
      '-u',
      user,
    ]);
    expect(imaps.stdout).toBe('curl body\r\n');
  });
});
