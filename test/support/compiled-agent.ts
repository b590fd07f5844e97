/**
 * Compiles agent/ alone into test-output/agent-process/dist, next to a copy of
 * bin/mailfleet-agent.js, so tests can spawn the real `mailfleet-agent` entry point with plain node,
 * independent of the state of dist/ and of code outside agent/.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repository = join(import.meta.dirname, '../..');
const root = join(repository, 'test-output/agent-process');

/** The copied `bin/mailfleet-agent.js`, which imports `../dist/agent/cli.js` as the shipped one does. */
export const compiledAgentBin = join(root, 'bin/mailfleet-agent.js');

/** Runs tsc on test/support/agent-process.tsconfig.json; throws with its output on errors. */
export async function compileAgent(): Promise<void> {
  const tsc = join(repository, 'node_modules/typescript/bin/tsc');
  try {
    await run(process.execPath, [tsc, '-p', join(import.meta.dirname, 'agent-process.tsconfig.json')], {
      cwd: repository,
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`compiling agent/ failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
  await mkdir(join(root, 'bin'), { recursive: true });
  await copyFile(join(repository, 'bin/mailfleet-agent.js'), compiledAgentBin);
}
