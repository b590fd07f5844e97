// Runs a store's IMAP server over MaildirStorage in a process of its own whose memory a test
// measures. Usage: node --expose-gc imap-memory-child.mjs COMPILED_ROOT MAIL_ROOT PASSWORD
// Prints {"port": N} once it listens; then each line "measure" on stdin is answered with one JSON
// line of the process's memory after two full garbage collections.
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const [compiledRoot, mailRoot, password] = process.argv.slice(2);
const load = (path) => import(pathToFileURL(join(compiledRoot, path)).href);
const { MaildirStorage } = await load('agent/mail/maildir/maildir-storage.js');
const { ImapServer } = await load('agent/mail/imap/imap-server.js');

const storage = new MaildirStorage({ root: mailRoot, hostName: 'memory' });
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
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'measure') return;
  globalThis.gc();
  globalThis.gc();
  const usage = process.memoryUsage();
  process.stdout.write(
    `${JSON.stringify({
      heapUsed: usage.heapUsed,
      arrayBuffers: usage.arrayBuffers,
      rss: usage.rss,
      loadedFolders: storage.folders.size,
      folderBytes: storage.folders.bytes,
    })}\n`,
  );
});
process.stdin.on('end', async () => {
  await server.stop();
  await storage.close();
  process.exit(0);
});
