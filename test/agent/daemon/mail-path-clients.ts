/**
 * The mail clients of the mail path tests (inbound-mail-path, mail-path-operations .test.ts) on a
 * mail path fleet (mail-path-fleet.ts): SMTP from outside through the gateway (a greylisting 451
 * retried once), imapflow and Python's poplib through the director's proxy, and a store's count
 * of a user's INBOX over the RPC.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { ImapFlow } from 'imapflow';
import { greylistDelayMs, type MailPathFleet, type SmtpOutcome, sendMail } from './mail-path-fleet.js';

/** The outside address mail comes from, and its envelope sender. */
export const outside = '127.0.4.5';
export const sender = 'someone@outside.example';

// A POP3 user who logs in through the proxy, says so, and on a line from stdin tries a NOOP.
const poplibSession = `
import os, poplib, sys
p = poplib.POP3(os.environ['HOST'], int(os.environ['PORT']), timeout=10)
p.user(os.environ['POP_USER'])
print(p.pass_(os.environ['POP_PASS']).decode(), flush=True)
sys.stdin.readline()
try:
    p.noop()
    print('still open', flush=True)
except Exception:
    print('closed', flush=True)
`;

/** The clients, on the fleet `fleet()` returns when they are called (the fleet starts in beforeAll). */
export function mailPathClients(fleet: () => MailPathFleet) {
  /** Through the gateway from outside; a greylisting 451 is retried once after the delay. */
  async function viaGateway(to: string[], subject: string, from = outside): Promise<SmtpOutcome[]> {
    const attempts = [await sendMail(fleet().endpoints.gatewaySmtp, from, { from: sender, to }, subject)];
    const first = attempts[0] as SmtpOutcome;
    if (!first.ok && first.code === 451 && first.response.includes('4.7.1')) {
      await new Promise((resolve) => setTimeout(resolve, greylistDelayMs + 100));
      attempts.push(await sendMail(fleet().endpoints.gatewaySmtp, from, { from: sender, to }, subject));
    }
    return attempts;
  }

  /** imapflow against the director's IMAP proxy (not connected yet). */
  function imapClient(user: string, password: string): ImapFlow {
    return new ImapFlow({
      host: fleet().endpoints.imap.host,
      port: fleet().endpoints.imap.port,
      secure: false,
      auth: { user, pass: password },
      logger: false,
    });
  }

  /** Subjects in the user's INBOX, read through the director's IMAP proxy. */
  async function subjectsViaProxy(user: string, password: string): Promise<string[]> {
    const imap = imapClient(user, password);
    await imap.connect();
    try {
      const inbox = await imap.mailboxOpen('INBOX');
      const subjects: string[] = [];
      if (inbox.exists === 0) return subjects;
      for await (const message of imap.fetch('1:*', { envelope: true }))
        subjects.push(message.envelope?.subject ?? '');
      return subjects;
    } finally {
      await imap.logout();
    }
  }

  /** Python's poplib logged in through the director's POP3 proxy; `probe()` says whether it is still connected. */
  async function poplibUser(user: string, password: string) {
    const child = spawn('python3', ['-c', poplibSession], {
      env: {
        ...process.env,
        HOST: fleet().endpoints.pop3.host,
        PORT: String(fleet().endpoints.pop3.port),
        POP_USER: user,
        POP_PASS: password,
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const next = async () => String((await lines.next()).value ?? '');
    const greeting = await next();
    return {
      greeting,
      probe: async () => {
        child.stdin.write('\n');
        const answer = await next();
        await once(child, 'exit');
        return answer;
      },
    };
  }

  /** How many messages a user's INBOX holds on a store, as mailbox.stats says. */
  async function inboxCount(store: 'store01' | 'store02', user: string): Promise<number> {
    const rpc = await fleet().rpc(store);
    const stats = (await rpc.client.call('mailbox.stats', { user })) as {
      folders: { name: string; messages: number }[];
    };
    return stats.folders.find((folder) => folder.name === 'INBOX')?.messages ?? 0;
  }

  return { viaGateway, imapClient, subjectsViaProxy, poplibUser, inboxCount };
}
