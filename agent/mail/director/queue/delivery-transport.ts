/**
 * What the queue needs from the outside: where a recipient goes now (routing is re-done on every
 * attempt, so a flipped mailHost or a failover takes effect for mail already queued) and, per
 * destination protocol, a transport that delivers one message to a batch of recipients at one
 * destination: LMTP to a logical store, SMTP by MX to the internet (as Postfix's qmgr picks the
 * lmtp or smtp delivery agent per next hop).

/** A place mail is handed to: a store's LMTP endpoint, or a remote domain's MX hosts. */
export interface DeliveryDestination {
  /** Queue key: deliveries with the same key share one concurrency limit (e.g. `lmtp:store01`). */
  key: string;
  /** Logical store the recipient lives on (for holds by store); absent for remote destinations. */
  logicalStore?: string;
  host: string;
  port: number;
  /** `lmtp` for stores; `smtp` for outbound delivery by MX, where `host` is the recipient domain. */
  protocol: 'lmtp' | 'smtp';
}

/** The routing decision for one recipient at attempt time. */
export type RouteDecision =
  | { kind: 'deliver'; destination: DeliveryDestination }
  | { kind: 'defer'; reason: string }
  | { kind: 'bounce'; reason: string };

/** Routes one queued recipient address. */
export type DeliveryRoute = (address: string) => Promise<RouteDecision>;

/** The outcome for one recipient of a delivery attempt. */
export interface DeliveryOutcome {
  address: string;
  outcome: 'delivered' | 'deferred' | 'bounced';
  /** The peer's reply or the failure, for the queue listing. */
  reason: string;
  /** Host name of the remote MTA that gave the reply (outbound SMTP), for the DSN's Remote-MTA. */
  remoteMta?: string;
}

/** A message as a transport sends it. */
export interface OutgoingMessage {
  id: string;
  sender: string;
  content: Buffer;
}

/** Delivers messages to destinations. Must return one outcome per address and never throw for a peer's refusal. */
export interface MessageTransport {
  deliver(
    destination: DeliveryDestination,
    message: OutgoingMessage,
    addresses: string[],
  ): Promise<DeliveryOutcome[]>;
  /** Closes connections kept open between deliveries (called when the queue stops). */
  close?(): void;
}

/** The queue's transports, one per destination protocol. */
export interface QueueTransports {
  /** To the stores (`lmtp` destinations). */
  lmtp: MessageTransport;
  /** To the internet by MX (`smtp` destinations); absent, remote recipients are deferred. */
  smtp?: MessageTransport;
}
