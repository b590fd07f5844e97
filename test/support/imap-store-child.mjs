// Runs a store's IMAP server over MaildirStorage in a process of its own, so a test can kill it
// with SIGKILL at any moment, or measure its memory.
// Usage: node [--expose-gc] imap-store-child.mjs COMPILED_ROOT MAIL_ROOT PASSWORD [--measure]
// Every login with PASSWORD is a user (no quota). Prints {"port": N} on one line once it listens.
// With --measure (and --expose-gc), each line "measure" on stdin is answered with one JSON line of
// the process's memory after two full garbage collections (and its RSS just before them); the end
// of stdin stops the server.
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const [compiledRoot, mailRoot, password, mode] = process.argv.slice(2);
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
const stop = async () => {
  await server.stop();
  await storage.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
if (mode === '--measure') {
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() !== 'measure') return;
    // What top shows before a collection: the loads' garbage V8 has not collected yet counts too.
    const rssBeforeCollection = process.memoryUsage.rss();
    globalThis.gc();
    globalThis.gc();
    const usage = process.memoryUsage();
    const figures = {
      heapUsed: usage.heapUsed,
      arrayBuffers: usage.arrayBuffers,
      rss: usage.rss,
      rssBeforeCollection,
    };
    const folders = { loadedFolders: storage.folders.size, folderBytes: storage.folders.bytes };
    process.stdout.write(`${JSON.stringify({ ...figures, ...folders })}\n`);
  });
  process.stdin.on('end', stop);
}
