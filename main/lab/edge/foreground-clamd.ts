/**
 * Debian's clamd (clamav-daemon) in the foreground on a free loopback port, with its own
 * configuration and signature directory, for the lab and the tests. No signatures can be
 * downloaded here (no internet for freshclam), so the caller's database directory holds what it
 * gives: the lab and the tests write a one-line MD5 database (`.hdb`) for the EICAR test file,
 * which clamd matches in MIME attachments and inside archives (zip) alike. A site gets the real
 * signatures with freshclam (docs/edge.md).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { stopChild } from './stop-child.js';

/** Where Debian installs clamd. */
export const clamdProgram = '/usr/sbin/clamd';

/**
 * The EICAR anti-virus test file (eicar.org): harmless, and recognised by every scanner as a
 * "virus" so that scanning can be tested. Built from parts, so this source file itself is not it.
 */
export const eicarTestFile = `X5O!P%@AP[4\\PZX54(P^)7CC)7}$${'EICAR'}-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*`;

/** The one-line MD5 signature database (`MD5:size:name`) that makes clamd find the EICAR file. */
export function eicarSignatureDatabase(): string {
  const md5 = createHash('md5').update(eicarTestFile).digest('hex');
  return `${md5}:${Buffer.byteLength(eicarTestFile)}:Eicar-Test-Signature\n`;
}

/** A running clamd. */
export interface ForegroundClamd {
  host: string;
  port: number;
  /** `host:port`, the gateway's `clamdAddress`. */
  address: string;
  pid: number;
  /** The end of clamd's own log, for failure messages. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts clamd with `dir` as its home (configuration, log, database under `dir/db`, written with the
 * EICAR signature when it has no database yet) on `port` and waits until it answers PING.
 */
export async function startForegroundClamd(options: {
  dir: string;
  port: number;
  host?: string;
  readyTimeoutMs?: number;
}): Promise<ForegroundClamd> {
  const host = options.host ?? '127.0.0.1';
  const dbDir = join(options.dir, 'db');
  await mkdir(dbDir, { recursive: true });
  const database = join(dbDir, 'mailfleet-eicar.hdb');
  if (!existsSync(database)) await writeFile(database, eicarSignatureDatabase());
  const logFile = join(options.dir, 'clamd.log');
  const config = join(options.dir, 'clamd.conf');
  await writeFile(
    config,
    [
      'Foreground yes',
      `TCPSocket ${options.port}`,
      `TCPAddr ${host}`,
      `DatabaseDirectory ${dbDir}`,
      `LogFile ${logFile}`,
      `PidFile ${join(options.dir, 'clamd.pid')}`,
      // Archives and mail are unpacked and scanned (a zipped EICAR is found).
      'ScanMail yes',
      'ScanArchive yes',
      // Signatures are only what the directory holds: no self-check reloads, no official-only rule.
      'SelfCheck 0',
      'OfficialDatabaseOnly no',
      'MaxThreads 4',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(clamdProgram, ['--foreground', `--config-file=${config}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const log = async () => {
    const file = await readFile(logFile, 'utf8').catch(() => '');
    return `${output}\n${file}`.slice(-4000);
  };
  const stop = () => stopChild(child);
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`clamd exited with ${child.exitCode}: ${await log()}`);
    if (await answersPing(host, options.port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`clamd did not answer within its start time: ${await log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { host, port: options.port, address: `${host}:${options.port}`, pid: child.pid ?? 0, log, stop };
}

function answersPing(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.includes('PONG')) done(true);
    });
    socket.once('connect', () => socket.write('zPING\0'));
  });
}
