#!/usr/bin/env node
// Electron's type definitions for `tsc` when the electron package is not installed.
//
// electron is an optional dependency: where its binary cannot be downloaded, its install script
// fails and npm leaves it out (the install itself succeeds; the console runs in browser mode). The
// Electron shell in main/electron/ must still type-check against the real definitions, so this
// takes electron.d.ts from the same electron tarball (npm pack, from npm's cache when it is there)
// into build/electron/types/, which tsconfig.json includes. When the package is installed its own
// electron.d.ts is used and the copy is removed (two copies of the same ambient module would clash).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const typesDir = join(root, 'build', 'electron', 'types');
const copy = join(typesDir, 'electron.d.ts');

if (existsSync(join(root, 'node_modules', 'electron', 'electron.d.ts'))) {
  rmSync(typesDir, { recursive: true, force: true });
  process.exit(0);
}
const version = lockedElectronVersion();
if (existsSync(copy) && readFileSync(copy, 'utf8').includes(`Type definitions for Electron ${version}\n`)) {
  process.exit(0);
}
const work = mkdtempSync(join(tmpdir(), 'mailfleet-electron-types-'));
try {
  // npm pack only fetches the tarball (from the cache the failed install filled); it runs no script.
  const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
  const packed = execFileSync(
    npm[0],
    [...npm[1], 'pack', `electron@${version}`, '--pack-destination', work, '--prefer-offline', '--silent'],
    { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  )
    .trim()
    .split('\n')
    .at(-1);
  execFileSync('tar', ['-xzf', join(work, packed), '-C', work, 'package/electron.d.ts']);
  mkdirSync(typesDir, { recursive: true });
  renameSync(join(work, 'package', 'electron.d.ts'), copy);
  console.log(`electron is not installed: using Electron ${version}'s type definitions from its npm package`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** The electron version package-lock.json pins (the one npm would have installed). */
function lockedElectronVersion() {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const version = lock.packages?.['node_modules/electron']?.version;
  if (typeof version !== 'string') throw new Error('package-lock.json pins no electron version');
  return version;
}
