/**
 * Our director for the bench, in a process of its own like Postfix's daemons are: the directory
 * router, the durable queue, the LMTP transport and the SMTP server, wired as the director role
 * wires them. Started by director-bench.ts with one JSON argument; prints {"port": N} once it listens
 * and stops on SIGTERM. Run under `node --cpu-prof` to see where its time goes.
 */
import { z } from 'zod';
import { LdapFleetDirectory } from '../../agent/common/directory/ldap-fleet-directory.js';
import { DkimKeyFiles } from '../../agent/mail/director/dkim/dkim-key-files.js';
import { DkimSigner } from '../../agent/mail/director/dkim/dkim-signer.js';
import { DirectorSmtpServer } from '../../agent/mail/director/inbound/director-smtp-server.js';
import { RecipientRouter } from '../../agent/mail/director/inbound/recipient-router.js';
import { LmtpTransport } from '../../agent/mail/director/outbound/lmtp-transport.js';
import { MailQueue } from '../../agent/mail/director/queue/mail-queue.js';

const settingsSchema = z.strictObject({
  ldapUrl: z.string(),
  baseDn: z.string(),
  bindDn: z.string(),
  bindPassword: z.string(),
  queueRoot: z.string(),
  concurrencyPerDestination: z.number().int().positive(),
  /**
   * The submission path of the DKIM cost measure: AUTH accepted for any login (the login's own
   * address is its only sender), and with `dkim` every submitted message signed with these keys.
   */
  benchLogins: z.boolean().optional(),
  dkim: z.strictObject({ keyDir: z.string(), domain: z.string(), values: z.array(z.string()) }).optional(),
});

const settings = settingsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
const clock = { now: () => Date.now() };
const directory = LdapFleetDirectory.withPassword({
  url: settings.ldapUrl,
  baseDn: settings.baseDn,
  bindDn: settings.bindDn,
  bindPassword: settings.bindPassword,
});
const router = new RecipientRouter({ directory, clock });
const queue = new MailQueue({
  root: settings.queueRoot,
  clock,
  route: (address) => router.route(address),
  transports: {
    lmtp: new LmtpTransport({
      clientName: 'director.bench',
      maxConnectionsPerDestination: settings.concurrencyPerDestination,
    }),
  },
  concurrencyPerDestination: settings.concurrencyPerDestination,
});
await queue.start();
const dkim = settings.dkim;
let signed = 0;
const dkimSigner = dkim
  ? new DkimSigner({
      directory: { listDomains: async () => [{ dn: '', name: dkim.domain, dkimKeys: dkim.values }] },
      keyFiles: new DkimKeyFiles(dkim.keyDir),
      clock,
    })
  : undefined;
const smtp = new DirectorSmtpServer({
  host: '127.0.0.1',
  port: 0,
  serverName: 'director.bench',
  maxMessageBytes: 10 * 1024 * 1024,
  trustedNetworks: ['127.0.0.0/8'],
  routing: router,
  queue,
  ...(settings.benchLogins
    ? {
        allowInsecureAuth: true,
        authenticate: async (login: string) => ({
          ok: true as const,
          user: login,
          mailHost: 'bench',
          addresses: [login.toLowerCase()],
        }),
      }
    : {}),
  ...(dkimSigner
    ? {
        signer: {
          async sign(message: Buffer, domain: string) {
            const result = await dkimSigner.sign(message, domain);
            if (result.selectors.length > 0) signed++;
            return result;
          },
        },
      }
    : {}),
});
await smtp.start();
process.stdout.write(`${JSON.stringify({ port: smtp.port })}\n`);
process.on('SIGTERM', () => {
  void (async () => {
    await smtp.stop();
    await queue.stop();
    await directory.close();
    // The bench checks that signing happened: how many messages were signed.
    process.stdout.write(`${JSON.stringify({ signed })}\n`);
    process.exit(0);
  })();
});
