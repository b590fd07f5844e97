/**
 * The supervisor's pid file holds its pid and its kernel start time, so `lab down` never signals an
 * unrelated process that happens to have been given the same pid later.
 */
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';

/** Kernel start time of a process (field 22 of /proc/PID/stat), or undefined if it is gone. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return undefined;
    return fields[19];
  } catch {
    return undefined;
  }
}

/** Records this process as the lab's supervisor. */
export async function writeSupervisorPid(path: string): Promise<void> {
  await writeFile(path, `${process.pid} ${processStartTime(process.pid) ?? ''}\n`);
}

/** The pid of the running supervisor, or undefined. */
export async function runningSupervisorPid(path: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const [pidText, startTime] = text.trim().split(' ');
  const pid = Number.parseInt(pidText ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  const now = processStartTime(pid);
  return now !== undefined && now === startTime ? pid : undefined;
}
