/**
 * The Queues view's filter as the user types it, and the agent's queue filter it stands for: the
 * agent matches it, for the listing and for the bulk actions alike, so what is listed is what a
 * bulk action touches.
 */
import type { ConsoleCallParams, ConsoleCallResult } from '../../../../main/console/console-contract';

/** A queued message as queue.list returns it. */
export type QueueEntry = ConsoleCallResult<'queue.list'>['entries'][number];
/** One recipient of a queued message. */
export type QueueEntryRecipient = QueueEntry['recipients'][number];

/** The recipient states a filter can ask for (`held` is a state for the clerk, a flag for the agent). */
export const queueFilterStates = ['any', 'pending', 'deferred', 'held'] as const;
export type QueueFilterState = (typeof queueFilterStates)[number];

/** Age choices, in the qshape buckets' terms. */
export const queueFilterAges = ['any', 'over5m', 'over1h', 'over4h', 'over1d'] as const;
export type QueueFilterAge = (typeof queueFilterAges)[number];

const ageFloorSeconds: Record<QueueFilterAge, number> = {
  any: 0,
  over5m: 5 * 60,
  over1h: 3600,
  over4h: 4 * 3600,
  over1d: 86_400,
};

/** The agent's queue filter (queue.list, queue.flush, queue.delete...). */
export type AgentQueueFilter = NonNullable<ConsoleCallParams<'queue.flush'>['filter']>;

/** What the user typed and chose. */
export interface QueueFilter {
  sender: string;
  recipient: string;
  domain: string;
  state: QueueFilterState;
  age: QueueFilterAge;
}

export const emptyQueueFilter: QueueFilter = {
  sender: '',
  recipient: '',
  domain: '',
  state: 'any',
  age: 'any',
};

/** The mail domain of an address (lower case); the address itself when it has no `@`. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return (at < 0 ? address : address.slice(at + 1)).toLowerCase();
}

/** Recipients still owed a delivery (delivered and bounced ones are done). */
export function unfinished(recipient: QueueEntryRecipient): boolean {
  return recipient.state === 'pending' || recipient.state === 'deferred';
}

/** The agent's filter for what the user typed and chose (empty text means no criterion). */
export function agentFilterOf(filter: QueueFilter): AgentQueueFilter {
  const text = (value: string) => value.trim() || undefined;
  const agent: AgentQueueFilter = {
    sender: text(filter.sender),
    recipient: text(filter.recipient),
    domain: text(filter.domain)?.toLowerCase(),
  };
  if (filter.state === 'held') agent.held = true;
  else if (filter.state !== 'any') {
    agent.state = filter.state;
    // "Waiting" and "deferred" mean mail the queue will still try by itself.
    agent.held = false;
  }
  if (filter.age !== 'any') agent.olderThanSeconds = ageFloorSeconds[filter.age];
  for (const key of Object.keys(agent) as Array<keyof AgentQueueFilter>) {
    if (agent[key] === undefined) delete agent[key];
  }
  return agent;
}

/** Whether the filter names any criterion (deleting needs one: "everything" is never a default). */
export function filterNamesMessages(filter: QueueFilter): boolean {
  return Object.keys(agentFilterOf(filter)).length > 0;
}
