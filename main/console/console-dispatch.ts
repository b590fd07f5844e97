/**
 * The one door into the console service for a transport (Electron IPC, the browser-mode WebSocket):
 * the call name and the params arrive as `unknown`, are bounded in depth and size (bounded-json.ts),
 * checked against the contract, run, and the result is parsed by its schema on the way out, so only
 * fields the contract names ever leave main.
 */

import { consolePayloadLimits, valueLimitBreach } from '../../agent/common/contract/bounded-json.js';
import type { ConsoleBackend } from './console-backend.js';
import { consoleErrorOf } from './console-call-error.js';
import { type ConsoleReply, consoleCalls, isConsoleCallName } from './console-contract.js';

/** Runs one call from a transport; never throws, the reply says what went wrong. */
export async function dispatchConsoleCall(
  service: ConsoleBackend,
  name: unknown,
  params: unknown,
): Promise<ConsoleReply> {
  if (!isConsoleCallName(name)) {
    return { ok: false, error: { code: 'bad-request', message: `no console call named ${String(name)}` } };
  }
  // Before any schema or code walks the payload: a page must not hand main a value nested
  // thousands deep or millions wide (Electron IPC has no size limit of its own).
  const breach = valueLimitBreach(params, consolePayloadLimits);
  if (breach) return { ok: false, error: { code: 'bad-request', message: `${name}: params ${breach}` } };
  const spec = consoleCalls[name];
  const parsed = spec.params.safeParse(params ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`);
    return { ok: false, error: { code: 'bad-request', message: `${name}: ${issues.join('; ')}` } };
  }
  try {
    const result = await service.run(name, parsed.data as never);
    return { ok: true, result: spec.result.parse(result) };
  } catch (error) {
    return { ok: false, error: consoleErrorOf(error) };
  }
}
