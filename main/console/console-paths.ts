/**
 * Where the console's files are: the built renderer and preload (from `npm run build`), the Electron
 * binary when it is installed, and the console's settings file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The mailfleet package root (where package.json is), from the sources or from dist/. */
export function packageRoot(start: string = import.meta.dirname): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the mailfleet package root');
    dir = up;
  }
  return dir;
}

/** The built renderer (vite build output). */
export function rendererRoot(): string {
  return join(packageRoot(), 'dist', 'renderer');
}

/** The console's settings: `$MAILFLEET_CONSOLE_SETTINGS`, else `~/.mailfleet/console.json`. */
export function consoleSettingsPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.MAILFLEET_CONSOLE_SETTINGS
    ? resolve(env.MAILFLEET_CONSOLE_SETTINGS)
    : join(homedir(), '.mailfleet', 'console.json');
}

/**
 * The Electron binary, or why there is none. Read from the electron package's `path.txt` without
 * loading the package (loading it throws, or downloads, when the binary is missing).
 */
export function electronBinary(): { path: string } | { missing: string } {
  const electronDir = join(packageRoot(), 'node_modules', 'electron');
  const pathFile = join(electronDir, 'path.txt');
  // electron is an optional dependency: npm leaves it out when its binary cannot be downloaded.
  if (!existsSync(join(electronDir, 'package.json')))
    return {
      missing:
        'Electron is not installed (npm install could not download it, for example without internet; it leaves Electron out and installs the rest)',
    };
  if (!existsSync(pathFile)) {
    return {
      missing:
        'the Electron binary was not downloaded (installed with ELECTRON_SKIP_BINARY_DOWNLOAD or without internet)',
    };
  }
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return { missing: `the Electron binary ${binary} is missing` };
  return { path: binary };
}
