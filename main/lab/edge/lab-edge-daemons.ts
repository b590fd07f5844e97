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
import { copyCompiledFiles, rspamdCompiledCacheDir } from './rspamd-compiled-cache.js';

/** The scanners running for a lab. */
export interface LabEdgeDaemons {
  /** For the gateway's `rspamdUrl`; absent when rspamd is not installed. */
  rspamdUrl?: string;
  /** For the gateway's `clamdAddress`; absent when clamd is not installed. */
  clamdAddress?: string;
  /** Resolves when both have answered or failed (said in a line); never rejects. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Picks their ports and starts what is installed, without waiting: the agents start meanwhile
 * (rspamd's cold start takes seconds; until it answers, the gateway defers mail with 451 rather than
 * let it in unscanned). `dnsServer` is the simulated internet's: rspamd asks it, never the internet.
 */
export async function startLabEdgeDaemons(
  home: string,
  dnsServer: string,
  say: (line: string) => void,
): Promise<LabEdgeDaemons> {
  let rspamd: ForegroundRspamd | undefined;
  let clamd: ForegroundClamd | undefined;
  const starting: Promise<void>[] = [];
  let rspamdUrl: string | undefined;
  let clamdAddress: string | undefined;
  if (!existsSync(rspamdProgram)) {
    say('rspamd is not installed (Debian package rspamd): the gateway relays mail without a content scan');
  } else {
    const dir = join(home, 'edge', 'rspamd');
    const [normal, controller, proxy] = (await findFreePorts(3)) as [number, number, number];
    rspamdUrl = `http://127.0.0.1:${normal}`;
    starting.push(
      (async () => {
        // Its run directory holds sockets and pids of the last run: a fresh one each time.
        await rm(join(dir, 'run'), { recursive: true, force: true });
        await mkdir(dir, { recursive: true });
        // What another lab compiled, so a new home starts warm; and what this one compiled, for the next.
        await copyCompiledFiles(rspamdCompiledCacheDir(), join(dir, 'db'));
        rspamd = await startForegroundRspamd({ dir, ports: { normal, controller, proxy }, dnsServer });
        await copyCompiledFiles(join(dir, 'db'), rspamdCompiledCacheDir());
      })().catch((error: unknown) => {
        say(
          `rspamd did not start: ${(error as Error).message.split('\n')[0]}; the gateway defers mail (451)`,
        );
      }),
    );
  }
  if (!existsSync(clamdProgram)) {
    say('clamd is not installed (Debian package clamav-daemon): the gateway does not scan for viruses');
  } else {
    const [port] = (await findFreePorts(1)) as [number];
    clamdAddress = `127.0.0.1:${port}`;
    starting.push(
      startForegroundClamd({ dir: join(home, 'edge', 'clamd'), port }).then(
        (started) => {
          clamd = started;
        },
        (error: unknown) => {
          say(
            `clamd did not start: ${(error as Error).message.split('\n')[0]}; the gateway defers mail (451)`,
          );
        },
      ),
    );
  }
  const ready = Promise.all(starting).then(() => {
    const running = [
      rspamd ? `rspamd at ${rspamd.url}` : '',
      clamd ? `clamd at ${clamd.address} (EICAR test signature only)` : '',
    ];
    if (rspamd || clamd) say(`scanners: ${running.filter(Boolean).join(', ')}`);
  });
  return {
    ...(rspamdUrl ? { rspamdUrl } : {}),
    ...(clamdAddress ? { clamdAddress } : {}),
    ready,
    async stop() {
      // One still starting is stopped once it has started (or failed).
      await ready;
      await Promise.all([rspamd?.stop(), clamd?.stop()]);
    },
  };
}
