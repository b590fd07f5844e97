// Runs a store's LMTP server over MaildirStorage in a process of its own, so a test can kill it
// with SIGKILL at any moment. Usage: node lmtp-store-child.mjs COMPILED_ROOT MAIL_ROOT DOMAIN
// Every address @DOMAIN is a user (no quota). Prints {"port": N} on one line once it listens.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [compiledRoot, mailRoot, domain] = process.argv.slice(2);
const load = (path) => import(pathToFileURL(join(compiledRoot, path)).href);
const { MaildirStorage } = await load('agent/mail/store/maildir/maildir-storage.js');
const { LmtpServer } = await load('agent/mail/store/lmtp/lmtp-server.js');

const storage = new MaildirStorage({ root: mailRoot, hostName: 'durability' });
const server = new LmtpServer({
  host: '127.0.0.1',
  port: 0,
  storage,
  serverName: 'store-child',
  maxMessageBytes: 1024 * 1024,
  recipientLookup: async (address) =>
    address.endsWith(`@${domain}`) ? { user: address, quotaBytes: 0 } : undefined,
});
await server.start();
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
process.on('SIGTERM', async () => {
  await server.stop();
  await storage.close();
  process.exit(0);
});
