// Runs the director's queue and SMTP server in a process of its own, so a test can kill it with
// SIGKILL at any moment. Usage: node director-queue-child.mjs COMPILED_ROOT QUEUE_ROOT LMTP_PORT DOMAIN
// Every address @DOMAIN is a local mailbox on the one store at LMTP_PORT (no directory: the crash
// test is about the queue). Prints {"port": N} on one line once it listens.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [compiledRoot, queueRoot, lmtpPort, domain] = process.argv.slice(2);
const load = (path) => import(pathToFileURL(join(compiledRoot, path)).href);
const { MailQueue } = await load('agent/mail/director/queue/mail-queue.js');
const { LmtpTransport } = await load('agent/mail/director/outbound/lmtp-transport.js');
const { DirectorSmtpServer } = await load('agent/mail/director/inbound/director-smtp-server.js');

const local = (address) => address.toLowerCase().endsWith(`@${domain}`);
const queue = new MailQueue({
  root: queueRoot,
  clock: { now: () => Date.now() },
  route: async (address) =>
    local(address)
      ? {
          kind: 'deliver',
          destination: {
            key: 'lmtp:store',
            logicalStore: 'store',
            host: '127.0.0.1',
            port: Number(lmtpPort),
            protocol: 'lmtp',
          },
        }
      : { kind: 'bounce', reason: '5.1.1 not local' },
  transports: { lmtp: new LmtpTransport({ clientName: 'director-child' }) },
  backoff: { firstMs: 200, maxMs: 1000 },
});
await queue.start();
const smtp = new DirectorSmtpServer({
  host: '127.0.0.1',
  port: 0,
  serverName: 'director-child',
  maxMessageBytes: 1024 * 1024,
  trustedNetworks: ['127.0.0.0/8'],
  routing: {
    isLocalDomain: async (d) => d === domain,
    expand: async (address) => ({ kind: 'targets', mailboxes: [address.toLowerCase()], remote: [] }),
  },
  queue,
});
await smtp.start();
process.stdout.write(`${JSON.stringify({ port: smtp.port })}\n`);
process.on('SIGTERM', async () => {
  await smtp.stop();
  await queue.stop();
  process.exit(0);
});
