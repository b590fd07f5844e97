/**
 * Stopping a process with SIGSTOP so that it is really silent. `kill()` returns as soon as the
 * signal is queued; a multi-threaded process (slapd, node) stops only when the thread that took the
 * signal next runs and stops the others. Until then its other threads keep going: a listener woken
 * by a request can hand it to a worker that answers it. On a loaded machine that window lasts long
 * enough for a whole LDAP add (measured here: right after kill() returned, some thread of a node
 * process was still running in a third of the tries).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** The state letters of every thread of `pid` (/proc/PID/task/TID/stat). */
function threadStates(pid: number): string[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // The state follows the command name in parentheses, which may itself hold spaces or ')'.
    return stat.charAt(stat.lastIndexOf(')') + 2);
  });
}

/** Sends SIGSTOP and resolves once every thread of the process is stopped (state T). */
export async function pauseProcess(pid: number): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  for (let i = 0; i < 1000; i++) {
    if (threadStates(pid).every((state) => state === 'T' || state === 't')) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`process ${pid} did not stop within 5 s of SIGSTOP`);
}

/** Lets a process paused by {@link pauseProcess} run again. */
export function resumeProcess(pid: number): void {
  process.kill(pid, 'SIGCONT');
}
