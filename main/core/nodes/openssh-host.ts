/**
 * A machine reached with the administrator's own OpenSSH client (the `ssh` binary): their
 * ~/.ssh/config, their agent, their known_hosts. `mailfleet node add` installs the agent through
 * it. Commands run with BatchMode, so a missing key or an unknown host key is an error in ssh's own
 * words, never a prompt.
 */
import { spawn } from 'node:child_process';

/** How to reach the machine: `[user@]host`, plus an ssh_config file (tests, unusual set-ups). */
export interface OpenSshTarget {
  destination: string;
  /** `ssh -F FILE`; default: the admin's ~/.ssh/config. */
  configFile?: string;
}

/** What a remote command printed. */
export interface RemoteResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `command` on the machine (through the remote login shell), feeding it `stdin`. */
export function runOverSsh(
  target: OpenSshTarget,
  command: string,
  stdin?: Buffer | string,
): Promise<RemoteResult> {
  const args = [
    ...(target.configFile ? ['-F', target.configFile] : []),
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=15',
    // `--` stops option parsing: a destination is never taken for an ssh option.
    '--',
    target.destination,
    command,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', (error) => reject(new Error(`cannot run ssh: ${error.message}`)));
    child.once('close', (code) =>
      resolve({
        code: code ?? 255,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
    // ssh may exit before reading everything (connection refused): that is reported by its code.
    child.stdin.on('error', () => {});
    child.stdin.end(stdin ?? '');
  });
}

/** Runs a command and throws with `what` and ssh's or the command's last words when it fails. */
export async function mustRunOverSsh(
  target: OpenSshTarget,
  what: string,
  command: string,
  stdin?: Buffer | string,
): Promise<string> {
  const result = await runOverSsh(target, command, stdin);
  if (result.code !== 0) {
    const words = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-5).join('\n');
    const via = result.code === 255 ? ` (ssh to ${target.destination} failed)` : '';
    throw new Error(`${what}${via}: ${words || `exit code ${result.code}`}`);
  }
  return result.stdout;
}
