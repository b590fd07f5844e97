/**
 * Compiles agent/ alone into a fresh folder under test-output/agent-process, next to a copy of
 * bin/mailfleet-agent.js, so tests can spawn the real `mailfleet-agent` entry point with plain node,
 * independent of the state of dist/ and of code outside agent/. Each call gets its own folder, so
 * test runs of several people on one machine never read each other's half-written files.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repository = join(import.meta.dirname, '../..');

/** A compiled agent: its entry point and how to remove it. */
export interface CompiledAgent {
  /** The copied `bin/mailfleet-agent.js`, which imports `../dist/agent/cli.js` as the shipped one does. */
  bin: string;
  remove(): Promise<void>;
}

/** Runs tsc on test/support/agent-process.tsconfig.json; throws with its output on errors. */
export async function compileAgent(): Promise<CompiledAgent> {
  const parent = join(repository, 'test-output/agent-process');
  await mkdir(parent, { recursive: true });
  const root = await mkdtemp(join(parent, 'build-'));
  const tsc = join(repository, 'node_modules/typescript/bin/tsc');
  const project = join(import.meta.dirname, 'agent-process.tsconfig.json');
  try {
    await run(process.execPath, [tsc, '-p', project, '--outDir', join(root, 'dist')], { cwd: repository });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`compiling agent/ failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
  const bin = join(root, 'bin/mailfleet-agent.js');
  await mkdir(join(root, 'bin'));
  await copyFile(join(repository, 'bin/mailfleet-agent.js'), bin);
  return { bin, remove: () => rm(root, { recursive: true, force: true }) };
}
