/**
 * What an audited call acted on, read from its params: the user, mail domain, logical store or
 * queued message(s) it names. Only names are taken, never other values (a password is never a
 * param of an audited call, and would not be picked here if it were).
 */
import type { AuditTarget } from '../common/contract/methods.js';
import { domainOf } from './domain-scope.js';

/** The target of `method` called with validated `params`, or undefined when it names none. */
export function auditTargetOf(method: string, params: unknown): AuditTarget | undefined {
  const fields = record(params);
  if (!fields) return undefined;
  // queue.hold/release carry their selector one level down; failover and moves name a store.
  const nested = record(fields.hold) ?? record(fields.target);
  const named = nested ? { ...fields, ...nested } : fields;
  const user = text(named.user) ?? text(named.address);
  if (user?.includes('@')) return { kind: 'user', name: user, domain: domainOf(user) };
  const message = text(named.messageId) ?? (method.startsWith('queue.') ? text(named.id) : undefined);
  if (message) return { kind: 'message', name: message };
  const ids = Array.isArray(named.ids) ? named.ids.filter((id): id is string => typeof id === 'string') : [];
  if (ids.length > 0)
    return {
      kind: 'message',
      name: ids.length > 3 ? `${ids.slice(0, 3).join(', ')}, … (${ids.length})` : ids.join(', '),
    };
  const domain = text(named.domain) ?? text(record(named.filter)?.domain);
  if (domain) return { kind: 'domain', name: domain.toLowerCase(), domain: domain.toLowerCase() };
  const store = text(named.logicalStore) ?? text(named.store);
  if (store) return { kind: 'store', name: store };
  return undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
