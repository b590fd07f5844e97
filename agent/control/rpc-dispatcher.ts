/**
 * Turns one JSON-RPC line into at most one answer: parse (depth-bounded), confirm the caller against
 * the directory, check the method, authorize the caller from the access matrix, validate params,
 * keep a domain admin to its domains, run the handler, validate its result against the contract,
 * audit. Every failure becomes a JSON-RPC error; `dispatch` never throws or rejects, so one bad line
 * never costs the connection or the agent.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { allowedKinds, isAllowed, isDomainScoped } from '../common/contract/access-matrix.js';
import { parseBoundedJson } from '../common/contract/bounded-json.js';
import { type RpcResponse, rpcErrorCodes, rpcId, rpcRequest } from '../common/contract/json-rpc.js';
import { type AuditTarget, type MethodName, methods } from '../common/contract/methods.js';
import type { JsonLogger } from '../common/json-logger.js';
import { type AuditLog, paramsDigest } from './audit-log.js';
import { auditTargetOf } from './audit-target.js';
import type { Caller } from './caller-key-cache.js';
import { type AdminDomains, mailDomainOutOfScope, userOutOfScope } from './domain-scope.js';
import { MethodError, type MethodHandler, type MethodHandlers, type RpcChannel } from './method-handler.js';

type Id = string | number | null;
type Outcome = { result: unknown } | { error: { code: number; message: string; data?: unknown } };

/** What the dispatcher needs from the agent. */
export interface RpcDispatcherOptions {
  node: string;
  handlers: MethodHandlers;
  audit: AuditLog;
  logger: JsonLogger;
  /** Delegated domains of a domain admin, read at each call (a revoked delegation counts at once). */
  adminDomains: AdminDomains;
  now?: () => number;
  /** Told of each failure outside a handler that the dispatcher turned into an error (a metric). */
  onUnexpectedError?: () => void;
}

/** Handles the lines of every channel of one agent. */
export class RpcDispatcher {
  constructor(private readonly options: RpcDispatcherOptions) {}

  /** The answer to one line, or undefined for a notification (which gets none). Never rejects. */
  async dispatch(line: string, channel: RpcChannel): Promise<RpcResponse | undefined> {
    // undefined once the line is known to be a notification.
    let id: Id | undefined = null;
    try {
      const parsed = parseBoundedJson(line);
      if (!parsed.ok) {
        return failure(
          null,
          rpcErrorCodes.parseError,
          parsed.reason === 'depth' ? `line is ${parsed.message}` : 'line is not valid JSON',
        );
      }
      const message = parsed.value;
      if (Array.isArray(message)) {
        return failure(
          null,
          rpcErrorCodes.invalidRequest,
          'batch requests are not supported: send one request per line',
        );
      }
      const request = rpcRequest.safeParse(message);
      if (!request.success) {
        return failure(guessId(message), rpcErrorCodes.invalidRequest, 'not a JSON-RPC 2.0 request');
      }
      id = request.data.id;
      const { method, params } = request.data;
      const answer = await this.run(method, params, channel);
      if (id === undefined) return undefined;
      return 'error' in answer
        ? failure(id, answer.error.code, answer.error.message, answer.error.data)
        : { jsonrpc: '2.0', id, result: answer.result };
    } catch (error) {
      // Nothing above should throw; if something does, the caller gets an error and the agent lives.
      this.options.onUnexpectedError?.();
      const { error: internal } = this.internal('(dispatch)', error);
      return id === undefined ? undefined : failure(id, internal.code, internal.message);
    }
  }

  /** An error answer for a line that was too long (sent with a null id: the id was never read). */
  lineTooLong(bytes: number, limit: number): RpcResponse {
    return failure(
      null,
      rpcErrorCodes.lineTooLong,
      `line longer than ${limit} bytes (${bytes}+) was discarded`,
    );
  }

  /** An error answer for a line that is not UTF-8 (JSON text must be, RFC 8259). */
  notUtf8(): RpcResponse {
    return failure(null, rpcErrorCodes.parseError, 'line is not valid UTF-8');
  }

  private async run(name: string, rawParams: unknown, channel: RpcChannel): Promise<Outcome> {
    const caller = await channel.confirmCaller();
    if (!caller) {
      return {
        error: {
          code: rpcErrorCodes.forbidden,
          message: `the key or password of ${channel.caller.id} is no longer valid in the directory: the session is closed`,
        },
      };
    }
    if (!Object.hasOwn(methods, name)) {
      return { error: { code: rpcErrorCodes.methodNotFound, message: `no method named ${name}` } };
    }
    const method = name as MethodName;
    const spec = methods[method];
    // What the call acts on, once its params are known to be well formed (a malformed call names nothing).
    let target: AuditTarget | undefined;
    const audit = async (outcome: 'ok' | 'denied' | 'error', error?: string): Promise<void> => {
      if (!spec.audited) return;
      await this.options.audit.append({
        at: new Date(this.now()).toISOString(),
        node: this.options.node,
        caller: { kind: caller.kind, id: caller.id },
        method,
        paramsDigest: paramsDigest(rawParams ?? {}),
        outcome,
        ...(error === undefined ? {} : { error }),
        // A dry run changes nothing; marked so that a reader does not count it as the action.
        ...(isDryRun(rawParams) ? { dryRun: true as const } : {}),
        ...(target ? { target } : {}),
      });
    };
    const deny = async (message: string): Promise<Outcome> => {
      // A denied call is still a fact worth keeping for audited methods; if the log fails, the caller is denied anyway.
      await audit('denied', message).catch((error) => this.logAuditFailure(method, error));
      return { error: { code: rpcErrorCodes.forbidden, message } };
    };

    if (!isAllowed(method, caller.kind)) {
      return deny(`tier ${caller.kind} may not call ${method} (allowed: ${allowedKinds(method).join(', ')})`);
    }
    const params = spec.params.safeParse(rawParams ?? {});
    if (!params.success) {
      const message = `invalid params for ${method}: ${z.prettifyError(params.error)}`;
      await audit('error', 'invalid params').catch((error) => this.logAuditFailure(method, error));
      return { error: { code: rpcErrorCodes.invalidParams, message, data: { issues: params.error.issues } } };
    }

    target = auditTargetOf(method, params.data);
    let outcome: Outcome;
    try {
      const refusal = await this.outOfScope(method, caller, params.data);
      if (refusal) return deny(refusal);
      const handler = this.options.handlers[method] as MethodHandler<MethodName>;
      const result = await handler(params.data as never, { caller, channel });
      const checked = spec.result.safeParse(result);
      if (checked.success) outcome = { result: checked.data };
      else outcome = this.internal(method, new Error(`result breaks the contract: ${checked.error.message}`));
    } catch (error) {
      outcome =
        error instanceof MethodError
          ? { error: { code: error.code, message: error.message, data: error.data } }
          : this.internal(method, error);
    }
    try {
      // A handler's own `forbidden` (the user an address resolves to is out of scope) is a denial too.
      const failed = 'error' in outcome ? outcome.error : undefined;
      await audit(
        failed === undefined ? 'ok' : failed.code === rpcErrorCodes.forbidden ? 'denied' : 'error',
        failed?.message,
      );
    } catch (error) {
      // The change may have happened, but it is not on record: the caller must not read it as a clean success.
      this.logAuditFailure(method, error);
      return {
        error: { code: rpcErrorCodes.internalError, message: `${method} ran but could not be audited` },
      };
    }
    return outcome;
  }

  /**
   * For a domain admin calling a method the matrix limits to its domains: why the user or mail
   * domain named in the params is not theirs, or undefined. (The handler checks the user an address
   * resolves to.)
   */
  private async outOfScope(method: MethodName, caller: Caller, params: unknown): Promise<string | undefined> {
    if (caller.kind !== 'domain' || !isDomainScoped(method)) return undefined;
    const domain = (params as { domain?: unknown }).domain;
    if (typeof domain === 'string') {
      const refusal = await mailDomainOutOfScope(caller, domain, this.options.adminDomains);
      if (refusal) return refusal;
    }
    const user = (params as { user?: unknown }).user;
    if (typeof user !== 'string') return undefined;
    return userOutOfScope(caller, user, this.options.adminDomains);
  }

  private internal(method: string, error: unknown): { error: { code: number; message: string } } {
    const reference = randomBytes(4).toString('hex');
    this.options.logger.error('method failed', {
      method,
      reference,
      error: error instanceof Error ? error.message : String(error),
    });
    return {
      error: { code: rpcErrorCodes.internalError, message: `internal error (reference ${reference})` },
    };
  }

  private logAuditFailure(method: string, error: unknown): void {
    this.options.logger.error('audit log write failed', {
      method,
      error: error instanceof Error ? error.message : String(error),
    });
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

function failure(id: Id, code: number, message: string, data?: unknown): RpcResponse {
  return { jsonrpc: '2.0', id, error: data === undefined ? { code, message } : { code, message, data } };
}

/**
 * The id of a malformed request, when it has one a response may carry (the contract's id schema),
 * so the client can match the error.
 */
function guessId(message: unknown): Id {
  if (message && typeof message === 'object' && 'id' in message) {
    const id = rpcId.safeParse((message as { id: unknown }).id);
    if (id.success) return id.data;
  }
  return null;
}

/** Whether the raw params ask for a dry run (bulk queue actions). */
function isDryRun(rawParams: unknown): boolean {
  return (
    typeof rawParams === 'object' && rawParams !== null && (rawParams as { dryRun?: unknown }).dryRun === true
  );
}
