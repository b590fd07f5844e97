// Runs a store's IMAP server over MaildirStorage in a process of its own, so a test can kill it
// with SIGKILL at any moment. Usage: node imap-store-child.mjs COMPILED_ROOT MAIL_ROOT PASSWORD
// Every login with PASSWORD is a user (no quota). Prints {"port": N} on one line once it listens.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [compiledRoot, mailRoot, password] = process.argv.slice(2);
const load = (path) => import(pathToFileURL(join(compiledRoot, path)).href);
const { MaildirStorage } = await load('agent/mail/store/maildir/maildir-storage.js');
const { ImapServer } = await load('agent/mail/store/imap/imap-server.js');

const storage = new MaildirStorage({ root: mailRoot, hostName: 'durability' });
const server = new ImapServer({
  storage,
  port: 0,
  limits: { failedLoginDelayMs: 0 },
  authenticate: async (login, given) =>
    given === password
      ? { ok: true, user: login.toLowerCase(), quotaBytes: 0, mailHost: 'store01' }
      : { ok: false, reason: 'invalid-credentials', message: 'wrong password' },
});
await server.start();
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
process.on('SIGTERM', async () => {
  await server.stop();
  await storage.close();
  process.exit(0);
});
