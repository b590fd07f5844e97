/**
 * One delivery of a queued message to one destination (a store's LMTP, an outside MX) for the
 * recipients routed there: waits for a slot of that destination's concurrency limit, reads the
 * content from the spool, hands it to the transport of the destination's protocol, and returns one
 * outcome per recipient. A transport failure, or a
 * recipient the peer said nothing about, is a deferral: never a loss.
 */
import type { DeliveryDestination, DeliveryOutcome, QueueTransports } from './delivery-transport.js';
import type { DestinationSlots } from './destination-slots.js';
import type { IndexedOutcome } from './outcome-records.js';
import type { QueueEntry } from './queue-entry.js';
import type { QueueSpool } from './queue-spool.js';
import { errorText } from './recipient-routing.js';

/** What a destination delivery uses. */
export interface DestinationDeliveryParts {
  slots: DestinationSlots;
  spool: QueueSpool;
  transports: QueueTransports;
}

/** Delivers `entry` to the recipients at `indexes`, all routed to `destination`. */
export async function deliverToDestination(
  parts: DestinationDeliveryParts,
  entry: QueueEntry,
  destination: DeliveryDestination,
  indexes: number[],
): Promise<IndexedOutcome[]> {
  const addresses = indexes.map((i) => entry.recipients[i]?.address ?? '');
  const transport = parts.transports[destination.protocol];
  if (!transport) {
    const reason = 'no outbound transport configured';
    return indexes.map((index, n) => ({
      index,
      outcome: { address: addresses[n] as string, outcome: 'deferred', reason },
    }));
  }
  const release = await parts.slots.acquire(destination.key);
  let results: DeliveryOutcome[];
  try {
    const content = await parts.spool.content(entry.id);
    results = await transport.deliver(
      destination,
      { id: entry.id, sender: entry.sender, content },
      addresses,
    );
  } catch (error) {
    results = addresses.map((address) => ({ address, outcome: 'deferred', reason: errorText(error) }));
  } finally {
    release();
  }
  return indexes.map((index, n) => {
    const address = addresses[n] as string;
    const result = results.find((r) => r.address.toLowerCase() === address) ?? {
      address,
      outcome: 'deferred' as const,
      reason: 'no reply for this recipient',
    };
    return { index, outcome: result };
  });
}
