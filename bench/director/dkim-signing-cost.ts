/**
 * What DKIM signing costs the director: relay throughput of authenticated submissions (4 KB
 * messages, 50 sessions on kept connections, to the LMTP sink) by two director processes, one
 * signing every message with an RSA 2048 and an Ed25519 key (relaxed/relaxed, as the director
 * signs), one not; rounds alternate so the machine's load falls on both alike. The signing one
 * reports how many messages it signed, so a run where nothing was signed cannot pass for cheap.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DkimKeyFiles } from '../../agent/mail/director/dkim/dkim-key-files.js';
import { formatDkimKeyValue } from '../../agent/mail/director/dkim/dkim-key-value.js';
import { activatePending, withNewKeys } from '../../agent/mail/director/dkim/dkim-rotation.js';
import { describeMachine } from '../machine.js';
import { percentile } from '../stats.js';
import type { CountingSink } from '../support/smtp-sink.js';
import { runNodemailerLoad } from './relay-load.js';

/** The figures of the measure. */
export interface DkimSigningCost {
  messagesPerRound: number;
  rounds: number;
  unsignedPerSecond: number;
  signedPerSecond: number;
  /** signed / unsigned throughput: 1.0 would be free. */
  ratio: number;
  /** Messages the signing director signed (every one of its rounds' and warm-up's). */
  signedMessages: number;
  load1: number;
}

async function startDirector(
  settings: Record<string, unknown>,
): Promise<{ child: ChildProcess; port: number; lines: AsyncIterator<string> }> {
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, 'director-child.js'), JSON.stringify(settings)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  const first = await lines.next();
  return { child, port: (JSON.parse(String(first.value)) as { port: number }).port, lines };
}

/** Runs the measure against the bench's directory and sink. */
export async function measureDkimSigningCost(options: {
  root: string;
  directory: { url: string; baseDn: string; bindDn: string; bindPassword: string };
  domain: string;
  sink: CountingSink;
  recipients: string[];
  sessions: number;
  concurrencyPerDestination: number;
  say: (line: string) => void;
}): Promise<DkimSigningCost> {
  const { root, directory, domain, sink, recipients, sessions, say } = options;
  const keyFiles = new DkimKeyFiles(join(root, 'dkim'));
  const now = new Date();
  const keys = activatePending(
    withNewKeys(
      [],
      [
        await keyFiles.create(domain, 'rsa-sha256', now),
        await keyFiles.create(domain, 'ed25519-sha256', now),
      ],
    ),
    now,
  );
  const base = {
    ldapUrl: directory.url,
    baseDn: directory.baseDn,
    bindDn: directory.bindDn,
    bindPassword: directory.bindPassword,
    concurrencyPerDestination: options.concurrencyPerDestination,
    benchLogins: true,
  };
  const plain = await startDirector({ ...base, queueRoot: join(root, 'queue-unsigned') });
  const signing = await startDirector({
    ...base,
    queueRoot: join(root, 'queue-signed'),
    dkim: { keyDir: join(root, 'dkim'), domain, values: keys.map(formatDkimKeyValue) },
  });
  const messagesPerRound = 2000;
  const rounds = 3;
  const login = { user: `sender@${domain}`, pass: 'bench' };
  const load = (port: number, messages: number) =>
    runNodemailerLoad({ port, sink, recipients, messages, sessions, reuseConnections: true, login });
  try {
    say('DKIM signing cost: warm-up, then alternating rounds, signing (RSA 2048 + Ed25519) and not ...');
    await load(plain.port, 200);
    await load(signing.port, 200);
    const unsigned: number[] = [];
    const signed: number[] = [];
    for (let round = 0; round < rounds; round++) {
      unsigned.push((await load(plain.port, messagesPerRound)).messagesPerSecond);
      signed.push((await load(signing.port, messagesPerRound)).messagesPerSecond);
    }
    signing.child.kill('SIGTERM');
    let signedMessages = 0;
    for (let line = await signing.lines.next(); !line.done; line = await signing.lines.next()) {
      const parsed = JSON.parse(String(line.value)) as { signed?: number };
      if (parsed.signed !== undefined) signedMessages = parsed.signed;
    }
    const expected = 200 + rounds * messagesPerRound;
    if (signedMessages !== expected)
      throw new Error(`the signing director signed ${signedMessages} of ${expected} messages`);
    const cost: DkimSigningCost = {
      messagesPerRound,
      rounds,
      unsignedPerSecond: Math.round(percentile(unsigned, 50)),
      signedPerSecond: Math.round(percentile(signed, 50)),
      ratio: Math.round((percentile(signed, 50) / percentile(unsigned, 50)) * 1000) / 1000,
      signedMessages,
      load1: describeMachine().load1,
    };
    say(
      `DKIM signing: submission relay ${cost.signedPerSecond} msg/s signed (RSA 2048 + Ed25519, every message) vs ` +
        `${cost.unsignedPerSecond} msg/s unsigned (medians of ${rounds} rounds of ${messagesPerRound}, 50 sessions): ` +
        `ratio ${cost.ratio}; ${signedMessages} messages signed; load ${cost.load1}`,
    );
    return cost;
  } finally {
    for (const director of [plain, signing]) {
      if (director.child.exitCode === null) {
        director.child.kill('SIGTERM');
        await once(director.child, 'exit');
      }
    }
  }
}
