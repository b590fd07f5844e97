/**
 * Compiles agent/directory alone (into test-output/directory-child) so a child process can run
 * the embedded directory with plain node, independent of the state of dist/ and of other code.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repository = join(import.meta.dirname, '../..');

/** Where the compiled modules are (pass it to embedded-directory-child.mjs). */
export const compiledDirectoryRoot = join(repository, 'test-output/directory-child');

/** The child script. */
export const embeddedDirectoryChild = join(import.meta.dirname, 'embedded-directory-child.mjs');

/** Runs tsc on test/support/directory-child.tsconfig.json; throws with its output on errors. */
export async function compileDirectoryModules(): Promise<void> {
  const tsc = join(repository, 'node_modules/typescript/bin/tsc');
  try {
    await run(process.execPath, [tsc, '-p', join(import.meta.dirname, 'directory-child.tsconfig.json')], {
      cwd: repository,
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`compiling agent/directory failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}
