/**
 * One step of a delivery attempt: route each due recipient again (a flipped mailHost or a failover
 * applies to mail already queued) and group the deliverable ones by destination.
 */
import type { DeliveryDestination, DeliveryOutcome, DeliveryRoute } from './delivery-transport.js';
import { isFinal, type QueueEntry, type StateRecord } from './queue-entry.js';

/** Recipients of one message grouped for delivery. */
export interface RoutedRecipients {
  /** Deliverable recipients (indexes) by destination key. */
  groups: Map<string, { destination: DeliveryDestination; indexes: number[] }>;
  /** Recipients decided without delivery (deferred or bounced by routing). */
  outcomes: { index: number; outcome: DeliveryOutcome }[];
  /** Recipients whose logical store is held. */
  storeHeld: number[];
}

/** Routes the recipients at `indexes`; a routing failure defers the recipient. */
export async function routeRecipients(
  entry: QueueEntry,
  indexes: number[],
  route: DeliveryRoute,
  isStoreHeld: (logicalStore: string) => boolean,
): Promise<RoutedRecipients> {
  const routed: RoutedRecipients = { groups: new Map(), outcomes: [], storeHeld: [] };
  const decisions = await Promise.all(
    indexes.map(async (index) => {
      try {
        return await route(entry.recipients[index]?.address ?? '');
      } catch (error) {
        return { kind: 'defer' as const, reason: `routing failed: ${errorText(error)}` };
      }
    }),
  );
  decisions.forEach((decision, n) => {
    const index = indexes[n] as number;
    const address = entry.recipients[index]?.address ?? '';
    if (decision.kind !== 'deliver') {
      const outcome = decision.kind === 'defer' ? 'deferred' : 'bounced';
      routed.outcomes.push({ index, outcome: { address, outcome, reason: decision.reason } });
      return;
    }
    const store = decision.destination.logicalStore;
    if (store && isStoreHeld(store)) {
      routed.storeHeld.push(index);
      return;
    }
    const group = routed.groups.get(decision.destination.key) ?? {
      destination: decision.destination,
      indexes: [],
    };
    group.indexes.push(index);
    routed.groups.set(decision.destination.key, group);
  });
  return routed;
}

/** Applies one state record to a queued message (final states are never left). */
export function applyRecord(entry: QueueEntry, record: StateRecord): void {
  const recipient = entry.recipients[record.i];
  if (!recipient || isFinal(recipient.state)) return;
  recipient.state = record.s;
  recipient.lastReason = record.r;
  recipient.remoteMta = record.mta;
  if (record.s === 'deferred') {
    recipient.attempts++;
    recipient.nextAttemptAt = record.next ?? 0;
  }
}

/** The message of an error. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
