/**
 * A real rspamd (Debian's package) for tests: main/lab/edge/foreground-rspamd.ts (the lab runs it
 * the same way) in a temporary directory on free loopback ports, removed at stop. With `dnsServer`
 * (the simulated internet's responder) DNS goes there and rspamd's own SPF, DKIM, DMARC and ARC
 * checks run: a verifier no one here wrote.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RspamdExited, startForegroundRspamd } from '../../main/lab/edge/foreground-rspamd.js';
import { probeFreePort } from './free-port.js';

/** A running rspamd. */
export interface TestRspamd {
  /** `http://127.0.0.1:PORT` of the normal worker (the scan protocol). */
  url: string;
  pid: number;
  /** The log, for failure messages. */
  log(): string;
  /** Stops it by pid and removes its directories. */
  stop(): Promise<void>;
}

/** What a test rspamd checks beyond content. */
export interface TestRspamdOptions {
  /** `host:port` of a DNS server to ask (the simulated internet's); SPF/DKIM/DMARC/ARC then run. */
  dnsServer?: string;
}

/**
 * Starts rspamd and waits until its normal worker answers `/ping`. A probed port can be taken by
 * someone else before rspamd binds it; then rspamd exits at once and is started again on new ports.
 */
export async function startTestRspamd(options: TestRspamdOptions = {}): Promise<TestRspamd> {
  for (let attempt = 1; ; attempt += 1) {
    const root = mkdtempSync(join(tmpdir(), 'mailfleet-rspamd-'));
    try {
      const rspamd = await startForegroundRspamd({
        dir: root,
        ports: {
          normal: await probeFreePort(),
          controller: await probeFreePort(),
          proxy: await probeFreePort(),
        },
        closedDnsPort: await probeFreePort(),
        ...(options.dnsServer ? { dnsServer: options.dnsServer, senderChecks: true } : {}),
      });
      return {
        ...rspamd,
        async stop() {
          await rspamd.stop();
          rmSync(root, { recursive: true, force: true });
        },
      };
    } catch (error) {
      rmSync(root, { recursive: true, force: true });
      if (attempt >= 3 || !(error instanceof RspamdExited)) throw error;
    }
  }
}
