/**
 * A mailbox's quota use as a store reports it: shared by the proxy, which reads it at the store
 * (agent/mail/proxy/store-quota-use.ts), and the director's self-service page, which shows it.
 */

/** A mailbox's use and limit in bytes; a mailbox without a limit says neither. */
export type QuotaUse = { usedBytes: number; limitBytes: number } | { limitBytes: 0 };
