/**
 * `mailfleet console [--web] [--fleet FILE] [--port N] [--sign-in] [--idle-minutes N]`: the graphical
 * console on a fleet (`--sign-in`: open on the password sign-in page, docs/delegation.md). The
 * Electron window when its binary is installed; otherwise (or with --web) browser mode: the same
 * renderer and contract on 127.0.0.1, at a URL with a one-time token that is printed here.
 * `--seal-secrets` starts Electron only to seal the profile's secrets with the OS keychain.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { electronBinary, packageRoot, rendererRoot } from '../../console/console-paths.js';
import { openConsole } from '../../console/open-console.js';
import { consoleLocaleFor, environmentLanguages } from '../../console/system-locale.js';
import { WebBridge } from '../../console/web-bridge.js';
import { chooseProfilePath } from '../../core/fleet-profile.js';

/** A running console; `stopped` settles when it ends by itself (the window was closed). */
export interface RunningConsole {
  stop(): Promise<void>;
  stopped: Promise<void>;
}

/** Starts the console on a profile: Electron, or browser mode saying why. */
export async function startConsole(
  profilePath: string,
  options: { web: boolean; port: number; signIn?: boolean; idleMinutes?: number },
  say: (line: string) => void,
): Promise<RunningConsole> {
  if (!existsSync(join(rendererRoot(), 'index.html'))) {
    throw new Error(`the console is not built (${rendererRoot()} is missing): run 'npm run build'`);
  }
  if (!options.web) {
    const electron = electronBinary();
    if ('path' in electron) return startElectron(electron.path, profilePath, options, say);
    say(`no Electron window: ${electron.missing}; serving the console to your browser instead`);
  }
  const open = await openConsole(profilePath, {
    systemLocale: consoleLocaleFor(environmentLanguages()),
    ...(options.signIn ? { signIn: true } : {}),
    ...(options.idleMinutes !== undefined ? { idleMinutes: options.idleMinutes } : {}),
  });
  const bridge = new WebBridge({ service: open.service, rendererRoot: rendererRoot(), port: options.port });
  try {
    await bridge.start();
  } catch (error) {
    await open.close();
    throw error;
  }
  say(`console: open ${bridge.url}`);
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= bridge.stop().then(() => open.close());
    return stopping;
  };
  return { stop, stopped: new Promise(() => {}) };
}

/** The built Electron main process. */
function electronMain(): string {
  return join(packageRoot(), 'dist', 'main', 'electron', 'electron-main.js');
}

function startElectron(
  binary: string,
  profilePath: string,
  options: { signIn?: boolean; idleMinutes?: number },
  say: (line: string) => void,
): RunningConsole {
  const child = spawn(binary, [electronMain()], {
    stdio: 'inherit',
    env: {
      ...process.env,
      MAILFLEET_FLEET: profilePath,
      ...(options.signIn ? { MAILFLEET_SIGN_IN: '1' } : {}),
      ...(options.idleMinutes !== undefined ? { MAILFLEET_IDLE_MINUTES: String(options.idleMinutes) } : {}),
    },
  });
  say(`console: Electron window (pid ${child.pid})`);
  const stopped = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    stopped,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await stopped;
    },
  };
}

/**
 * Runs the Electron binary in its seal mode (safeStorage exists only inside Electron) and returns
 * its exit code; what it sealed, or why not, it says itself on stderr.
 */
export async function sealSecrets(profilePath: string, say: (line: string) => void): Promise<number> {
  const electron = electronBinary();
  if ('missing' in electron) {
    throw new Error(
      `sealing needs the Electron console (the OS keychain is reached through Electron's safeStorage), and ${electron.missing}; the CLI and browser mode keep reading the plain files (mode 0600)`,
    );
  }
  const child = spawn(electron.path, [electronMain()], {
    stdio: 'inherit',
    env: { ...process.env, MAILFLEET_FLEET: profilePath, MAILFLEET_SEAL_SECRETS: '1' },
  });
  say(`sealing the secrets of ${profilePath} (Electron pid ${child.pid})`);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

export async function consoleCommand(argv: string[], out: (text: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      fleet: { type: 'string' },
      profile: { type: 'string' },
      web: { type: 'boolean', default: false },
      port: { type: 'string', default: '0' },
      'seal-secrets': { type: 'boolean', default: false },
      'sign-in': { type: 'boolean', default: false },
      'idle-minutes': { type: 'string' },
    },
    strict: true,
  });
  if (values['seal-secrets']) return sealSecrets(chooseProfilePath(values.profile ?? values.fleet), out);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port takes 0 to 65535');
  const idleMinutes = values['idle-minutes'] === undefined ? undefined : Number(values['idle-minutes']);
  if (idleMinutes !== undefined && !(Number.isFinite(idleMinutes) && idleMinutes > 0 && idleMinutes <= 1440))
    throw new Error('--idle-minutes takes a number of minutes above 0, up to 1440 (fractions allowed)');
  const running = await startConsole(
    chooseProfilePath(values.profile ?? values.fleet),
    {
      web: values.web,
      port,
      signIn: values['sign-in'],
      ...(idleMinutes !== undefined ? { idleMinutes } : {}),
    },
    out,
  );
  const signalled = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await Promise.race([signalled, running.stopped]);
  await running.stop();
  return 0;
}
