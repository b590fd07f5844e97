/**
 * Compiles the store's storage, LMTP and IMAP code alone (agent/mail/maildir, lmtp, imap) into a
 * fresh directory under test-output, so a child process can run them with plain node (and be
 * killed with SIGKILL) independent of dist/ and of other work in progress.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repository = join(import.meta.dirname, '../..');

/** The child script: an LMTP server over MaildirStorage. */
export const lmtpStoreChild = join(import.meta.dirname, 'lmtp-store-child.mjs');

/** The child script: an IMAP server over MaildirStorage. */
export const imapStoreChild = join(import.meta.dirname, 'imap-store-child.mjs');

/** Compiled modules: `root` goes to lmtp-store-child.mjs; `remove()` when done. */
export interface CompiledMailStore {
  root: string;
  remove(): Promise<void>;
}

/** Runs tsc on mail-store-child.tsconfig.json into a fresh directory; throws with tsc's output on errors. */
export async function compileMailStoreModules(): Promise<CompiledMailStore> {
  const tsc = join(repository, 'node_modules/typescript/bin/tsc');
  await mkdir(join(repository, 'test-output'), { recursive: true });
  const root = await mkdtemp(join(repository, 'test-output', 'mail-store-child-'));
  try {
    const config = join(import.meta.dirname, 'mail-store-child.tsconfig.json');
    await run(process.execPath, [tsc, '-p', config, '--outDir', root], { cwd: repository });
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`compiling agent/mail/maildir, lmtp and imap failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}

/** Starts a child script (lmtpStoreChild, imapStoreChild) with its arguments; resolves with the port it prints. */
export function startStoreChild(
  script: string,
  args: string[],
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve({ child, port: (JSON.parse(line) as { port: number }).port }));
    child.once('exit', (code) => reject(new Error(`store child exited early (${code})`)));
  });
}
