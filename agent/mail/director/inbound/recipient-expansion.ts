/** What an RCPT address expands to, and how an invalidation is named. */

/** The result of expanding one recipient address. */
export type RecipientExpansion =
  /** No user, alias or group of a local domain has this address: 550 5.1.1 at RCPT. */
  | { kind: 'unknown' }
  /** The user exists but the mailbox is disabled: refused at RCPT. */
  | { kind: 'disabled' }
  /**
   * Final targets: `mailboxes` are primary addresses of local users (stored on their logical store),
   * `remote` are addresses in other domains for the outbound transport: what a local address's
   * aliases, groups and routing addresses (`mailRoutingAddress`) lead to, which leaves with an SRS
   * sender (docs/self-service.md); or, with `relay`, the RCPT itself, an address not of ours
   * (relayed submission, or an SRS bounce going home), which leaves with the sender as given.
   */
  | { kind: 'targets'; mailboxes: string[]; remote: string[]; forwards?: ForwardedCopy[]; relay?: true };

/**
 * A user's self-service forwarding met in the expansion: a copy goes separately to these targets,
 * marked `Delivered-To: <owner>` (docs/self-service.md), with the original envelope sender.
 */
export interface ForwardedCopy {
  /** The forwarding user's primary address. */
  owner: string;
  mailboxes: string[];
  remote: string[];
}

/** What `invalidate` drops from the routing caches. */
export type RouteInvalidation = { user: string } | { domain: string } | { logicalStore: string };
