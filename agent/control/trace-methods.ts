/**
 * The trace group (`mail.trace`): where mail went on this gateway or director. A domain admin gets
 * only the steps of mail to its own domains, read from the directory at each call.
 */
import type { MailTraceLog } from '../mail/trace/mail-trace-log.js';
import { type AdminDomains, callerDomains } from './domain-scope.js';
import type { MethodHandlers } from './method-handler.js';

/** What the trace handler reads. */
export interface TraceMethodDeps {
  trace: MailTraceLog;
  adminDomains: AdminDomains;
}

/** Handlers of the trace group. */
export function traceMethods(deps: TraceMethodDeps): Pick<MethodHandlers, 'mail.trace'> {
  return {
    'mail.trace': async ({ address, messageId, pairs, limit }, { caller }) => {
      const domains = await callerDomains(caller, deps.adminDomains);
      return deps.trace.find({ address, messageId, pairs, limit, domains });
    },
  };
}
