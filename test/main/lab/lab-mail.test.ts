/**
 * A small lab's mail services, as a user points a mail client at them: `mailfleet lab up` (2 stores,
 * a spare), a seeded user from lab-users.csv gets a message over LMTP on their store's endpoint from
 * fleet.json and reads it over POP3 with Python's poplib (STLS and POP3S) and over IMAP with imapflow
 * (STARTTLS), trusting the lab CA named in fleet.json; SMTP to the director is read back through
 * the director's IMAP proxy; the gateway greylists and refuses what it must. Separate OS processes,
 * real certificates made by openssl.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetProfileSchema } from '../../../main/core/fleet-profile.js';
import { parseLabUsers } from '../../../main/lab/lab-people.js';
import { labStateSchema } from '../../../main/lab/lab-plan.js';
import { type LabProcess, startLabProcess } from '../../support/lab-process.js';
import { LineClient } from '../../support/line-client.js';

const run = promisify(execFile);
let home: string;
let lab: LabProcess | undefined;
let profile: ReturnType<typeof fleetProfileSchema.parse>;
let users: Array<{ address: string; password: string; store: string }>;

/** Runs `lab up` on the home (made by the first call) and waits for its one line. */
async function labUp(): Promise<void> {
  lab = await startLabProcess(
    home,
    ['--stores', '2', '--spares', '1', '--users', '40', '--domains', '2'],
    90_000,
  );
  profile = fleetProfileSchema.parse(JSON.parse(await readFile(join(home, 'fleet.json'), 'utf8')));
}

async function labDown(): Promise<void> {
  await lab?.stop();
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'mailfleet-lab-mail-'));
  await labUp();
  users = parseLabUsers(await readFile(join(home, 'lab-users.csv'), 'utf8'));
}, 120_000);

afterAll(async () => {
  await labDown();
  await rm(home, { recursive: true, force: true });
});

function endpoint(node: string, service: string): { host: string; port: number } {
  const value = profile.nodes.find((n) => n.name === node)?.services[service];
  if (!value) throw new Error(`fleet.json lists no ${service} for ${node}`);
  const at = value.lastIndexOf(':');
  return { host: value.slice(0, at), port: Number(value.slice(at + 1)) };
}

const poplibSession = `
import json, os, poplib, ssl
ctx = ssl.create_default_context(cafile=os.environ['CAFILE'])
out = {}
p = poplib.POP3(os.environ['HOST'], int(os.environ['PORT']), timeout=10)
p.stls(ctx)
p.user(os.environ['POP_USER'])
out['login'] = p.pass_(os.environ['POP_PASS']).decode()
out['message'] = b'\\n'.join(p.retr(1)[1]).decode()
p.quit()
s = poplib.POP3_SSL(os.environ['HOST'], int(os.environ['TLS_PORT']), context=ctx, timeout=10)
s.user(os.environ['POP_USER'])
s.pass_(os.environ['POP_PASS'])
out['stat'] = list(s.stat())
s.quit()
print(json.dumps(out))
`;

describe('the lab mail services', () => {
  it('lists every mail endpoint of stores and spares and the lab CA in fleet.json', async () => {
    for (const name of ['store01', 'store02', 'spare01']) {
      const services = profile.nodes.find((n) => n.name === name)?.services ?? {};
      expect(Object.keys(services)).toEqual(
        expect.arrayContaining(['lmtp', 'imap', 'imaps', 'pop3', 'pop3s']),
      );
    }
    expect(Object.keys(profile.nodes.find((n) => n.name === 'director01')?.services ?? {})).toEqual(
      expect.arrayContaining(['smtp', 'submission', 'imap', 'imaps', 'pop3', 'pop3s']),
    );
    expect(profile.nodes.find((n) => n.name === 'gateway01')?.services).toHaveProperty('smtp');
    const ca = await readFile(String(profile.endpoints.tlsCaFile), 'utf8');
    expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const state = labStateSchema.parse(JSON.parse(await readFile(join(home, 'lab.json'), 'utf8')));
    expect(state.nodes.find((n) => n.name === 'store01')?.mail?.pop3Port).toBe(
      endpoint('store01', 'pop3').port,
    );
  });

  it('delivers to a seeded user over LMTP and lets them read it over POP3 (STLS, POP3S) and IMAP', async () => {
    const user = users.find((u) => u.store === 'store01');
    if (!user) throw new Error('no lab user on store01');
    const lmtp = endpoint('store01', 'lmtp');
    const transport = createTransport({ ...lmtp, lmtp: true, ignoreTLS: true });
    const info = await transport.sendMail({
      envelope: { from: 'someone@example.org', to: [user.address] },
      raw: 'From: someone@example.org\r\nSubject: lab test / ラボ\r\n\r\nHello from the lab test.\r\n',
    });
    transport.close();
    expect(info.accepted).toEqual([user.address]);

    const pop3 = endpoint('store01', 'pop3');
    const { stdout } = await run('python3', ['-c', poplibSession], {
      env: {
        ...process.env,
        HOST: pop3.host,
        PORT: String(pop3.port),
        TLS_PORT: String(endpoint('store01', 'pop3s').port),
        CAFILE: String(profile.endpoints.tlsCaFile),
        POP_USER: user.address,
        POP_PASS: user.password,
      },
      timeout: 30_000,
    });
    const out = JSON.parse(stdout) as { login: string; message: string; stat: number[] };
    expect(out.login).toMatch(new RegExp(`^\\+OK ${user.address.replace(/\./g, '\\.')} has 1 messages`));
    expect(out.message).toContain('Hello from the lab test.');
    expect(out.stat[0]).toBe(1);

    const imap = new ImapFlow({
      ...endpoint('store01', 'imap'),
      secure: false,
      doSTARTTLS: true,
      tls: { ca: [await readFile(String(profile.endpoints.tlsCaFile), 'utf8')], servername: 'localhost' },
      auth: { user: user.address, pass: user.password },
      logger: false,
    });
    await imap.connect();
    const lock = await imap.getMailboxLock('INBOX');
    try {
      const message = await imap.fetchOne('1', { envelope: true });
      expect(message ? message.envelope?.subject : undefined).toBe('lab test / ラボ');
    } finally {
      lock.release();
    }
    await imap.logout();
  });

  it("routes SMTP sent to the director to the user's own store, and refuses an unknown user", async () => {
    const user = users.find((u) => u.store === 'store02');
    if (!user) throw new Error('no lab user on store02');
    const smtp = endpoint('director01', 'smtp');
    const transport = createTransport({ ...smtp, secure: false, ignoreTLS: true });
    try {
      const info = await transport.sendMail({
        envelope: { from: 'someone@example.org', to: [user.address] },
        raw: 'From: someone@example.org\r\nSubject: via the director\r\n\r\nRouted by LDAP.\r\n',
      });
      expect(info.accepted).toEqual([user.address]);
      const domain = user.address.split('@')[1];
      await expect(
        transport.sendMail({
          envelope: { from: 'someone@example.org', to: [`nobody-here@${domain}`] },
          raw: 'Subject: x\r\n\r\nx\r\n',
        }),
      ).rejects.toMatchObject({ responseCode: 550 });
    } finally {
      transport.close();
    }
    // The director queued it durably and delivers over LMTP: read it on store02 over IMAP.
    const imap = new ImapFlow({
      ...endpoint('store02', 'imap'),
      secure: false,
      doSTARTTLS: true,
      tls: { ca: [await readFile(String(profile.endpoints.tlsCaFile), 'utf8')], servername: 'localhost' },
      auth: { user: user.address, pass: user.password },
      logger: false,
    });
    await imap.connect();
    try {
      // The director answers 250 once the message is in its queue; delivery to the store follows.
      for (let i = 0; i < 100; i++) {
        const status = await imap.status('INBOX', { messages: true });
        if (status && (status.messages ?? 0) > 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const subjects: string[] = [];
      const lock = await imap.getMailboxLock('INBOX');
      try {
        for await (const message of imap.fetch('1:*', { envelope: true }))
          subjects.push(message.envelope?.subject ?? '');
      } finally {
        lock.release();
      }
      expect(subjects).toContain('via the director');
    } finally {
      await imap.logout();
    }
    // The same mailbox through the director's proxy (IMAPS, the director's lab certificate).
    const proxied = new ImapFlow({
      ...endpoint('director01', 'imaps'),
      secure: true,
      tls: { ca: [await readFile(String(profile.endpoints.tlsCaFile), 'utf8')], servername: 'localhost' },
      auth: { user: user.address, pass: user.password },
      logger: false,
    });
    await proxied.connect();
    try {
      const lock = await proxied.getMailboxLock('INBOX');
      try {
        const message = await proxied.fetchOne('*', { envelope: true });
        expect(message ? message.envelope?.subject : undefined).toBe('via the director');
      } finally {
        lock.release();
      }
    } finally {
      await proxied.logout();
    }
  });

  it('greylists outside mail at the gateway and refuses unknown users and relaying there and at the director', async () => {
    const user = users[0];
    if (!user) throw new Error('no lab user');
    const send = async (node: string, localAddress: string, to: string) => {
      const transport = createTransport({ ...endpoint(node, 'smtp'), ignoreTLS: true, localAddress });
      try {
        await transport.sendMail({
          envelope: { from: 'someone@example.org', to: [to] },
          raw: 'Subject: x\r\n\r\nx\r\n',
        });
        return 'accepted';
      } catch (error) {
        return String((error as { response?: string }).response);
      } finally {
        transport.close();
      }
    };
    // Outside senders use 127.x addresses other than 127.0.0.1, which only the gateway's relay has.
    expect(await send('gateway01', '127.0.7.7', user.address)).toMatch(/^451 4\.7\.1 Greylisted/);
    expect(await send('gateway01', '127.0.7.7', `nobody-here@${user.address.split('@')[1]}`)).toMatch(
      /^550 5\.1\.1/,
    );
    expect(await send('gateway01', '127.0.7.7', 'victim@elsewhere.example')).toMatch(/^550 5\.7\.1 relaying/);
    expect(await send('director01', '127.0.7.7', 'victim@elsewhere.example')).toMatch(
      /^554 5\.7\.1 relay access denied/,
    );
  });

  it('lets a user submit to the outside with AUTH after STARTTLS, and bounces a refused one back as a DSN', async () => {
    const user = users[2];
    if (!user) throw new Error('no third lab user');
    const ca = await readFile(String(profile.endpoints.tlsCaFile), 'utf8');
    const submission = createTransport({
      ...endpoint('director01', 'submission'),
      secure: false,
      requireTLS: true,
      tls: { ca, servername: 'localhost' },
      auth: { user: user.address, pass: user.password },
    });
    const message = (to: string) =>
      `From: ${user.address}\r\nTo: ${to}\r\nSubject: to the outside / 学外へ\r\n\r\nHello.\r\n`;
    try {
      // Accepted by the director (250) and then delivered by MX to the simulated internet.
      const sent = await submission.sendMail({
        envelope: { from: user.address, to: ['colleague@example.org'] },
        raw: message('colleague@example.org'),
      });
      expect(sent.accepted).toEqual(['colleague@example.org']);
      await submission.sendMail({
        envelope: { from: user.address, to: ['someone@closed-company.example'] },
        raw: message('someone@closed-company.example'),
      });
    } finally {
      submission.close();
    }
    // The refusing domain's 550 comes back to the user as a bounce DSN, read through the proxy.
    const imap = new ImapFlow({
      ...endpoint('director01', 'imap'),
      secure: false,
      tls: { ca: [ca], servername: 'localhost' },
      auth: { user: user.address, pass: user.password },
      logger: false,
    });
    await imap.connect();
    try {
      let bounce: string | undefined;
      for (let round = 0; round < 40 && !bounce; round++) {
        const box = await imap.mailboxOpen('INBOX', { readOnly: true });
        if (box.exists > 0) {
          for await (const m of imap.fetch('1:*', { source: true })) {
            const text = m.source?.toString() ?? '';
            if (/multipart\/report/i.test(text) && text.includes('someone@closed-company.example'))
              bounce = text;
          }
        }
        if (!bounce) await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(bounce).toMatch(/Action: failed/);
      expect(bounce).toMatch(/Status: 5\.1\.1/);
      expect(bounce).not.toContain('colleague@example.org');
    } finally {
      await imap.logout();
    }
  });

  it("serves the self-service page over HTTPS on the director, with the lab CA's certificate, and says where", async () => {
    const page = endpoint('director01', 'self-service');
    const url = `https://127.0.0.1:${page.port}/`;
    expect(lab?.output()).toContain(`self-service page for users: ${url}`);
    // curl checks the certificate against the lab CA only (no -k): a wrong chain or name fails here.
    const { stdout } = await run('curl', [
      '--silent',
      '--show-error',
      '--fail',
      '--cacert',
      String(profile.endpoints.tlsCaFile),
      '--header',
      'Accept-Language: ja',
      url,
    ]);
    expect(stdout).toMatch(/<form[^>]*action="\/sign-in"/);
    expect(stdout).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    // The director publishes the same endpoint at run time as lab.json gave it.
    const state = labStateSchema.parse(JSON.parse(await readFile(join(home, 'lab.json'), 'utf8')));
    expect(state.nodes.find((n) => n.name === 'director01')?.selfServicePort).toBe(page.port);
  });

  it("refuses a user on another store's ports, naming their store", async () => {
    const user = users.find((u) => u.store === 'store02');
    if (!user) throw new Error('no lab user on store02');
    const pop3 = endpoint('store01', 'pop3');
    const script = `
import os, poplib
p = poplib.POP3(os.environ['HOST'], int(os.environ['PORT']), timeout=10)
p.user(os.environ['POP_USER'])
try:
    p.pass_(os.environ['POP_PASS'])
    print('ok')
except poplib.error_proto as e:
    print(e.args[0].decode())
`;
    const { stdout } = await run('python3', ['-c', script], {
      env: {
        ...process.env,
        HOST: pop3.host,
        PORT: String(pop3.port),
        POP_USER: user.address,
        POP_PASS: user.password,
      },
      timeout: 30_000,
    });
    expect(stdout.trim()).toMatch(/^-ERR \[SYS\/PERM\] .*store02/);
  });

  it('gives a mail port that something else took a new one on the next lab up, and the user still gets in', async () => {
    await labDown();
    // As a lab made before the proxy and the gateway's SMTP: lab.json without their ports.
    const saved = labStateSchema.parse(JSON.parse(await readFile(join(home, 'lab.json'), 'utf8')));
    const older = saved.nodes.map(({ proxy: _proxy, ...node }) =>
      node.role === 'gateway' ? { ...node, smtpPort: undefined } : node,
    );
    await writeFile(join(home, 'lab.json'), JSON.stringify({ ...saved, nodes: older }));
    const taken = endpoint('store01', 'pop3').port;
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(taken, '127.0.0.1', resolve));
    try {
      await labUp();
      const state = labStateSchema.parse(JSON.parse(await readFile(join(home, 'lab.json'), 'utf8')));
      const moved = state.nodes.find((n) => n.name === 'store01')?.mail?.pop3Port;
      expect(moved).not.toBe(taken);
      expect(endpoint('store01', 'pop3').port).toBe(moved);
      const director = state.nodes.find((n) => n.name === 'director01');
      expect(director?.proxy?.imapPort).toBe(endpoint('director01', 'imap').port);
      expect(state.nodes.find((n) => n.name === 'gateway01')?.smtpPort).toBe(
        endpoint('gateway01', 'smtp').port,
      );
      const user = users.find((u) => u.store === 'store01');
      if (!user) throw new Error('no lab user on store01');
      const client = await LineClient.connect(endpoint('store01', 'pop3').port);
      expect(await client.readLine()).toMatch(/^\+OK/);
      const auth = Buffer.from(`\0${user.address}\0${user.password}`).toString('base64');
      expect(await client.command(`AUTH PLAIN ${auth}`)).toMatch(/has 1 messages/);
      client.close();
    } finally {
      squatter.close();
    }
  }, 120_000);
});
