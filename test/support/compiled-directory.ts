/**
 * Compiles agent/directory alone (into test-output/directory-child) so a child process can run
 * the embedded directory with plain node, independent of the state of dist/ and of other code.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repository = join(import.meta.dirname, '../..');

/** The child script. */
export const embeddedDirectoryChild = join(import.meta.dirname, 'embedded-directory-child.mjs');

/** Compiled modules: `root` goes to embedded-directory-child.mjs; `remove()` when done. */
export interface CompiledDirectory {
  root: string;
  remove(): Promise<void>;
}

/**
 * Runs tsc on test/support/directory-child.tsconfig.json into a fresh directory under test-output
 * (inside the repository, so the modules find build/ldap; fresh, so parallel runs do not collide).
 * Throws with tsc's output on errors.
 */
export async function compileDirectoryModules(): Promise<CompiledDirectory> {
  const tsc = join(repository, 'node_modules/typescript/bin/tsc');
  await mkdir(join(repository, 'test-output'), { recursive: true });
  const root = await mkdtemp(join(repository, 'test-output', 'directory-child-'));
  try {
    const config = join(import.meta.dirname, 'directory-child.tsconfig.json');
    await run(process.execPath, [tsc, '-p', config, '--outDir', root], { cwd: repository });
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`compiling agent/directory failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}
