/**
 * Delivery from the director's queue to stores over LMTP (RFC 2033) with nodemailer: one
 * transaction per message and destination, and one outcome per recipient from the store's
 * per-recipient replies (2xx delivered, 4xx deferred, 5xx bounced). A connection failure defers all.
 */
import { createTransport } from 'nodemailer';
import type {
  DeliveryDestination,
  DeliveryOutcome,
  MessageTransport,
  OutgoingMessage,
} from '../queue/delivery-transport.js';

/** Options of an LmtpTransport. */
export interface LmtpTransportOptions {
  /** Name sent in LHLO. */
  clientName: string;
  /** Connection and greeting timeout (default 30 s). */
  connectTimeoutMs?: number;
  /** Whole-transaction timeout per reply (default 10 minutes: a store fsyncs before replying). */
  socketTimeoutMs?: number;
  /** Remote (non-LMTP) destinations; absent, they are deferred (outbound delivery is a later step). */
  outbound?: MessageTransport;
}

interface RecipientError {
  recipient?: unknown;
  responseCode?: unknown;
  response?: unknown;
  message?: unknown;
}

/** The queue's transport to stores. */
export class LmtpTransport implements MessageTransport {
  constructor(private readonly options: LmtpTransportOptions) {}

  /** Delivers one message to the recipients at one destination. */
  async deliver(
    destination: DeliveryDestination,
    message: OutgoingMessage,
    addresses: string[],
  ): Promise<DeliveryOutcome[]> {
    if (destination.protocol !== 'lmtp') {
      if (this.options.outbound) return this.options.outbound.deliver(destination, message, addresses);
      return addresses.map((address) => ({
        address,
        outcome: 'deferred',
        reason: 'no outbound transport configured',
      }));
    }
    const transport = createTransport({
      host: destination.host,
      port: destination.port,
      lmtp: true,
      ignoreTLS: true,
      name: this.options.clientName,
      connectionTimeout: this.options.connectTimeoutMs ?? 30_000,
      greetingTimeout: this.options.connectTimeoutMs ?? 30_000,
      socketTimeout: this.options.socketTimeoutMs ?? 600_000,
    });
    try {
      const info = await transport.sendMail({
        envelope: { from: message.sender, to: addresses },
        raw: message.content,
      });
      return outcomes(
        addresses,
        info.accepted,
        info.rejectedErrors as RecipientError[] | undefined,
        info.response,
      );
    } catch (error) {
      const rejected = (error as { rejectedErrors?: RecipientError[] }).rejectedErrors;
      // Every recipient refused at RCPT: nodemailer throws, but each refusal still has its own reply.
      if (rejected && rejected.length > 0) return outcomes(addresses, [], rejected, '');
      const reason = error instanceof Error ? error.message : String(error);
      return addresses.map((address) => ({ address, outcome: 'deferred', reason }));
    } finally {
      transport.close();
    }
  }
}

function outcomes(
  addresses: string[],
  accepted: unknown[],
  rejectedErrors: RecipientError[] | undefined,
  response: unknown,
): DeliveryOutcome[] {
  const acceptedSet = new Set(accepted.map((a) => String(a).toLowerCase()));
  return addresses.map((address) => {
    if (acceptedSet.has(address.toLowerCase())) {
      return { address, outcome: 'delivered', reason: String(response ?? '250') };
    }
    const error = rejectedErrors?.find((e) => String(e.recipient).toLowerCase() === address.toLowerCase());
    if (!error) return { address, outcome: 'deferred', reason: 'store gave no reply for this recipient' };
    const code = typeof error.responseCode === 'number' ? error.responseCode : 0;
    const reason = String(error.response ?? error.message ?? 'refused');
    // Anything that is not a clear permanent 5xx is retried: losing mail is worse than retrying.
    return { address, outcome: code >= 500 && code < 600 ? 'bounced' : 'deferred', reason };
  });
}
