/**
 * Why a lab node's agent stopped while the lab was starting, read from the end of its agent.log: the
 * agent logs "agent could not start" with the reason and exits 1 (agent/cli.ts). `lab up` says it
 * at once instead of waiting out its whole wait, and starts the node again on new ports when the
 * reason is a port that another program took between `lab up` choosing it and the agent binding it.
 */
import { open } from 'node:fs/promises';
import { z } from 'zod';

/** What a stopped node's log says about its stop. */
export interface NodeStartFailure {
  /** The agent's own words (the error of "could not start"), or a short fallback. */
  reason: string;
  /** The agent could not bind one of its ports: another program holds it. */
  portTaken: boolean;
}

/** How much of the log's end is read: the agent's last lines, not a whole busy log. */
const tailBytes = 16 * 1024;

/** Reads why the agent that wrote `logPath` stopped; a missing or silent log gives a fallback reason. */
export async function readNodeStartFailure(logPath: string): Promise<NodeStartFailure> {
  const tail = await readTail(logPath);
  const reason = lastStartError(tail) ?? 'it stopped without saying why';
  return { reason, portTaken: /EADDRINUSE|address already in use/i.test(reason) };
}

/** The error of the last "agent could not start" line, else of the last error line of any kind. */
function lastStartError(tail: string): string | undefined {
  let couldNotStart: string | undefined;
  let lastError: string | undefined;
  for (const line of tail.split('\n')) {
    const entry = parseLogLine(line);
    if (!entry) continue;
    if (entry.msg === 'agent could not start' && entry.error !== undefined) couldNotStart = entry.error;
    if (entry.level === 'error') lastError = entry.error ?? entry.msg;
  }
  return couldNotStart ?? lastError;
}

/** The fields of an agent's JSON log line (agent/common/json-logger.ts) this file reads. */
const logLine = z.object({
  level: z.string(),
  msg: z.string(),
  fields: z.object({ error: z.string().optional() }).passthrough().optional(),
});

/** One log line's level, message and error; undefined for a line that is not the agent's JSON. */
function parseLogLine(line: string): { msg: string; level: string; error?: string | undefined } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined; // stderr text, or a line cut by the tail's start
  }
  const parsed = logLine.safeParse(value);
  if (!parsed.success) return undefined;
  return { msg: parsed.data.msg, level: parsed.data.level, error: parsed.data.fields?.error };
}

async function readTail(path: string): Promise<string> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await file.stat();
    const length = Math.min(size, tailBytes);
    const buffer = Buffer.alloc(length);
    await file.read(buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } finally {
    await file.close();
  }
}
