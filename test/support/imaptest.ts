/**
 * Dovecot's imaptest (the IMAP compliance suite and stress tester) for the IMAP tests and the store
 * bench: built once with `../shared/peers/imaptest/build.sh` (beside the repository, as on the
 * developers' machines and in CI) into test-output/ (gitignored), run against a server on a loopback
 * port, and its summary parsed.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root: test/support/ from the sources, dist/test/support/ when the bench runs it compiled. */
function findRepository(): string {
  const up = resolve(import.meta.dirname, '../..');
  return existsSync(join(up, 'package.json')) ? up : resolve(up, '..');
}

const repository = findRepository();

/**
 * Where the imaptest sources and build script live: `../shared/peers/imaptest` from the repository
 * (a git worktree elsewhere may point IMAPTEST_PEER_DIR at it).
 */
export const imaptestPeerDirectory = resolve(
  process.env.IMAPTEST_PEER_DIR ?? resolve(repository, '../shared/peers/imaptest'),
);

/** The version the build script builds; the cache directory is named after it. */
const buildName = 'imaptest-7b18044';

/** A built imaptest: the binary and its scripted tests. */
export interface ImaptestBuild {
  binary: string;
  /** The directory of scripted tests (`test=` argument). */
  tests: string;
  /** The mbox stress mode appends from. */
  mbox: string;
}

let building: Promise<ImaptestBuild> | undefined;

function layout(out: string): ImaptestBuild {
  const tests = join(out, 'imaptest/src/tests');
  return { binary: join(out, 'imaptest/src/imaptest'), tests, mbox: join(tests, 'default.mbox') };
}

/**
 * Builds imaptest (about 20 s the first time; the Debian packages it needs come from
 * system-packages.ts) or returns the cached build under test-output/.
 */
export function buildImaptest(): Promise<ImaptestBuild> {
  if (!building) {
    building = buildOnce();
    // Callers may start the build and await it later, after other set-up.
    building.catch(() => undefined);
  }
  return building;
}

async function buildOnce(): Promise<ImaptestBuild> {
  const script = join(imaptestPeerDirectory, 'build.sh');
  if (!existsSync(script)) {
    throw new Error(
      `imaptest is missing: expected its build script at ${script} ` +
        '(the shared peers folder beside the repository, ../shared/peers/imaptest)',
    );
  }
  const cache = join(repository, 'test-output', buildName);
  const built = layout(cache);
  if (existsSync(built.binary)) return built;
  await mkdir(join(repository, 'test-output'), { recursive: true });
  // Built aside and renamed into place, so a second test process never sees half a build.
  const staging = `${cache}.build-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  try {
    await run('bash', [script, staging], { maxBuffer: 16 * 1024 * 1024 });
    await rename(staging, cache).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`building imaptest with ${script} failed:\n${stderr ?? String(error)}`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return built;
}

/** Where imaptest connects and as whom. */
export interface ImaptestTarget {
  port: number;
  user: string;
  password: string;
}

/** A finished run: everything it printed, and whether it ended by itself. */
export interface ImaptestRun {
  output: string;
  exitCode: number | null;
  /** False when the outer timeout had to kill it. */
  exitedByItself: boolean;
}

/** Runs imaptest with `args` (key=value) against the target; kills it after `timeoutMs`. */
export async function runImaptest(
  target: ImaptestTarget,
  args: string[],
  timeoutMs: number,
): Promise<ImaptestRun> {
  const build = await buildImaptest();
  const child = spawn(
    build.binary,
    ['host=127.0.0.1', `port=${target.port}`, `user=${target.user}`, `pass=${target.password}`, ...args],
    { env: { ...process.env, LD_LIBRARY_PATH: '/usr/lib/dovecot' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const exitCode = await new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  clearTimeout(timer);
  return { output, exitCode, exitedByItself: !killed };
}

/** The closing lines of a scripted run, and the failures it printed. */
export interface ImaptestSuiteSummary {
  groups: number;
  failedGroups: number;
  baseFailed: number;
  baseTotal: number;
  extensionsFailed: number;
  extensionsTotal: number;
  /** `*** Test NAME command ...` blocks, one per failed command (expected and received lines). */
  failures: string[];
  /** `Error:` lines (protocol violations imaptest noticed). */
  errors: string[];
}

/** Parses a scripted run's output; throws when the closing lines are missing. */
export function parseSuiteSummary(output: string): ImaptestSuiteSummary {
  const groups = /^(\d+) test groups: (\d+) failed/m.exec(output);
  const base = /^base protocol: (\d+)\/(\d+) individual commands failed/m.exec(output);
  const extensions = /^extensions: (\d+)\/(\d+) individual commands failed/m.exec(output);
  if (!groups || !base || !extensions)
    throw new Error(`imaptest did not print its summary:\n${output.slice(-4000)}`);
  return {
    groups: Number(groups[1]),
    failedGroups: Number(groups[2]),
    baseFailed: Number(base[1]),
    baseTotal: Number(base[2]),
    extensionsFailed: Number(extensions[1]),
    extensionsTotal: Number(extensions[2]),
    failures: output.split(/^(?=\*\*\* Test )/m).filter((block) => block.startsWith('*** Test ')),
    errors: errorLines(output),
  };
}

/** Names of the groups that failed (`*** Test append command 10/20` -> `append`). */
export function failedGroupNames(summary: ImaptestSuiteSummary): string[] {
  return [...new Set(summary.failures.map((block) => /^\*\*\* Test (\S+)/.exec(block)?.[1] ?? '?'))];
}

function errorLines(output: string): string[] {
  return output.split('\n').filter((line) => line.startsWith('Error:'));
}

/** What a stress run showed. */
export interface ImaptestStressSummary {
  errors: string[];
  /** ` - N stalled for S secs in command: ...` lines (a client waiting more than 15 s for an answer). */
  stalls: string[];
  /** Seconds in which some client had waited more than 3 s (`(N stalled >3s)`). */
  shortStallSeconds: number;
  /** Commands of each type over the whole run (the Totals block), e.g. `{ Fetc: 6810, ... }`. */
  totals: Record<string, number>;
  /** imaptest gave up waiting for clients to log out and stopped anyway. */
  forcedStop: boolean;
}

/** Parses a stress run's output; throws when the Totals block is missing. */
export function parseStressSummary(output: string): ImaptestStressSummary {
  const totals = /^Totals:\n(.+)\n(?:.*%.*\n)+(.+)$/m.exec(output);
  if (!totals) throw new Error(`imaptest printed no Totals block:\n${output.slice(-4000)}`);
  const names = totals[1]!.trim().split(/\s+/);
  const counts = totals[2]!.trim().split(/\s+/).map(Number);
  return {
    errors: errorLines(output),
    stalls: output.split('\n').filter((line) => / - \d+ stalled for \d+ secs/.test(line)),
    shortStallSeconds: output.split('\n').filter((line) => /\(\d+ stalled >\d+s\)/.test(line)).length,
    totals: Object.fromEntries(names.map((name, i) => [name, counts[i] ?? 0])),
    forcedStop: /Second timeout triggered/.test(output),
  };
}

/** The numbers a clean scripted run shows: no failed group or command, no protocol error. */
export function cleanSuiteFigures(summary: ImaptestSuiteSummary): Record<string, unknown> {
  return {
    failures: summary.failures,
    errors: summary.errors,
    failedGroups: summary.failedGroups,
    baseFailed: summary.baseFailed,
    extensionsFailed: summary.extensionsFailed,
  };
}

/** What cleanSuiteFigures of a clean run is. */
export const cleanSuite = { failures: [], errors: [], failedGroups: 0, baseFailed: 0, extensionsFailed: 0 };
