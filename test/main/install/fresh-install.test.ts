/**
 * The README's first line on a machine that cannot download Electron: a copy of the project
 * without node_modules, `npm install` with the Electron download failing (its mirror is a loopback
 * port that drops every connection, and no ELECTRON_SKIP_BINARY_DOWNLOAD), then the start path of
 * `npm start` serving the console in browser mode and saying why.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../main/console/console-paths.js';
import { type LabProcess, startLabProcess } from '../../support/lab-process.js';

const root = packageRoot();
// What a fresh clone does not have: installed and built files, test output.
const notInAClone = new Set(['node_modules', 'dist', 'test-output', '.git', '.lab', 'build/electron/types']);

let work: string;
let refuser: Server;
let mirror: string;
let downloadAttempts = 0;

/** The environment of a user's shell: none of the npm variables of the `npm test` running us. */
function userEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(name) || name === 'ELECTRON_SKIP_BINARY_DOWNLOAD' || name === 'INIT_CWD') continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/** Runs a command in the copy; resolves with its exit code and everything it printed. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: join(work, 'project'),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} ran over ${timeoutMs / 1000} s:\n${output}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('npm install without the Electron download, then npm start', () => {
  let install: { code: number | null; output: string };
  let lab: LabProcess | undefined;
  let start: ChildProcess | undefined;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mailfleet-fresh-install-'));
    await cp(root, join(work, 'project'), {
      recursive: true,
      filter: (source) => !notInAClone.has(relative(root, source)),
    });
    // The Electron mirror: a loopback port that accepts and drops every connection, so the
    // download fails at once, as it does on a machine without internet.
    refuser = createServer((socket) => {
      downloadAttempts++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => refuser.listen(0, '127.0.0.1', resolve));
    const address = refuser.address();
    if (address === null || typeof address === 'string') throw new Error('no refuser port');
    mirror = `http://127.0.0.1:${address.port}/`;
    install = await run(
      'npm',
      ['install', '--no-audit', '--no-fund'],
      userEnvironment({
        ELECTRON_MIRROR: mirror,
        electron_config_mirror: mirror,
        // An empty download cache: a binary cached by an earlier download must not make it succeed.
        electron_config_cache: join(work, 'electron-cache'),
      }),
      420_000,
    );
  }, 480_000);

  afterAll(async () => {
    if (start && start.exitCode === null && start.signalCode === null) {
      const exited = new Promise((resolve) => start?.once('exit', resolve));
      start.kill('SIGTERM');
      await exited;
    }
    await lab?.stop();
    refuser?.close();
    await rm(work, { recursive: true, force: true });
  }, 60_000);

  it('installs everything but Electron and exits 0', () => {
    expect(install.code, install.output).toBe(0);
    // The download was tried and failed; npm left the optional package out and built the project,
    // type-checking the Electron shell against the types of the same electron package.
    expect(downloadAttempts).toBeGreaterThan(0);
    expect(install.output).toMatch(/electron is not installed: using Electron [\d.]+'s type definitions/);
    expect(existsSync(join(work, 'project', 'node_modules', 'electron'))).toBe(false);
    expect(existsSync(join(work, 'project', 'node_modules', 'ldapts'))).toBe(true);
    expect(existsSync(join(work, 'project', 'dist', 'main', 'cli', 'mailfleet.js'))).toBe(true);
    expect(existsSync(join(work, 'project', 'dist', 'renderer', 'index.html'))).toBe(true);
  });

  it("npm start's start path serves the console in browser mode and says why", async () => {
    expect(install.code).toBe(0);
    const home = join(work, 'lab');
    lab = await startLabProcess(home, ['--stores', '1', '--spares', '0', '--users', '20'], 90_000);
    // What `npm start` runs once it has built (npm install's prepare built the copy already).
    start = spawn(process.execPath, ['bin/mailfleet.js', 'start'], {
      cwd: join(work, 'project'),
      env: userEnvironment({ MAILFLEET_FLEET: join(home, 'fleet.json') }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    start.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    start.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const deadline = Date.now() + 60_000;
    let url: string | undefined;
    while (url === undefined && Date.now() < deadline && start.exitCode === null) {
      url = /console: open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output)?.[1];
      if (url === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(url, output).toBeDefined();
    expect(output).toMatch(
      /no Electron window: Electron is not installed \(npm install could not download it.*\); serving the console to your browser instead/,
    );
    // As a browser opens it: the one-time token becomes a session cookie, then the page.
    const exchange = await fetch(url as string, { redirect: 'manual' });
    expect(exchange.status).toBe(303);
    const cookie = (exchange.headers.get('set-cookie') ?? '').split(';')[0] as string;
    expect(cookie).toMatch(/=/);
    const onward = new URL(exchange.headers.get('location') ?? '/', url).toString();
    const page = await fetch(onward, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html|<!doctype html/i);
  }, 180_000);
});
