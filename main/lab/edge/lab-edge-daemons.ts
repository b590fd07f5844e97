/**
 * The lab's scanners, started by `lab up` beside the simulated internet: Debian's rspamd (content)
 * and clamd (viruses), each in the foreground on free loopback ports with its own configuration and
 * data under `HOME/edge/`, stopped with the lab. A missing package is said in one line (which one,
 * and what the gateway then does) and the lab runs without it; the gateway's status says so too.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { findFreePorts } from '../free-ports.js';
import { clamdProgram, type ForegroundClamd, startForegroundClamd } from './foreground-clamd.js';
import { type ForegroundRspamd, rspamdProgram, startForegroundRspamd } from './foreground-rspamd.js';

/** The scanners running for a lab. */
export interface LabEdgeDaemons {
  /** For the gateway's `rspamdUrl`; absent when rspamd is not installed or did not start. */
  rspamdUrl?: string;
  /** For the gateway's `clamdAddress`; absent when clamd is not installed or did not start. */
  clamdAddress?: string;
  stop(): Promise<void>;
}

/** Starts what is installed; `dnsServer` is the simulated internet's (rspamd asks it, never the internet). */
export async function startLabEdgeDaemons(
  home: string,
  dnsServer: string,
  say: (line: string) => void,
): Promise<LabEdgeDaemons> {
  let rspamd: ForegroundRspamd | undefined;
  let clamd: ForegroundClamd | undefined;
  if (!existsSync(rspamdProgram)) {
    say('rspamd is not installed (Debian package rspamd): the gateway relays mail without a content scan');
  } else {
    try {
      const dir = join(home, 'edge', 'rspamd');
      // Its run directory holds sockets and pids of the last run: a fresh one each time.
      await rm(join(dir, 'run'), { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      const [normal, controller, proxy] = (await findFreePorts(3)) as [number, number, number];
      rspamd = await startForegroundRspamd({ dir, ports: { normal, controller, proxy }, dnsServer });
    } catch (error) {
      say(`rspamd did not start: ${(error as Error).message.split('\n')[0]}; the gateway relays unscanned`);
    }
  }
  if (!existsSync(clamdProgram)) {
    say('clamd is not installed (Debian package clamav-daemon): the gateway does not scan for viruses');
  } else {
    try {
      const [port] = (await findFreePorts(1)) as [number];
      clamd = await startForegroundClamd({ dir: join(home, 'edge', 'clamd'), port });
    } catch (error) {
      say(`clamd did not start: ${(error as Error).message.split('\n')[0]}; no virus scanning`);
    }
  }
  if (rspamd || clamd)
    say(
      `scanners: ${[
        rspamd ? `rspamd at ${rspamd.url}` : '',
        clamd ? `clamd at ${clamd.address} (EICAR test signature only)` : '',
      ]
        .filter(Boolean)
        .join(', ')}`,
    );
  return {
    ...(rspamd ? { rspamdUrl: rspamd.url } : {}),
    ...(clamd ? { clamdAddress: clamd.address } : {}),
    async stop() {
      await Promise.all([rspamd?.stop(), clamd?.stop()]);
    },
  };
}
