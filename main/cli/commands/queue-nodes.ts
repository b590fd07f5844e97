/**
 * The queue commands' flags and nodes: the console's queue filter from flags (the same criteria as
 * the Queues view's filters), and which nodes a queue command asks (every director and gateway,
 * or the one named by --node).
 */
import type { QueueFilterParams } from '../../../agent/common/contract/queue-admin-contract.js';
import { queueRoles } from '../../console/console-fleet-queues.js';
import type { OpenFleet } from '../../core/open-fleet.js';
import { parseDuration } from '../../lab/traffic/traffic-options.js';
import type { CliWords } from '../cli-words.js';

/** The filter flags of `mailfleet queue` (parseArgs options). */
export const queueFilterOptions = {
  sender: { type: 'string' },
  recipient: { type: 'string' },
  domain: { type: 'string' },
  destination: { type: 'string' },
  'older-than': { type: 'string' },
  'younger-than': { type: 'string' },
  reason: { type: 'string' },
  state: { type: 'string' },
  held: { type: 'boolean' },
  'not-held': { type: 'boolean' },
} as const;

type FilterFlags = { [K in keyof typeof queueFilterOptions]?: string | boolean | undefined };

const states = ['pending', 'deferred', 'delivered', 'bounced'] as const;

/** The queue filter the flags name (the agent checks it again with its schema). */
export function queueFilterOf(flags: FilterFlags): QueueFilterParams {
  const text = (name: keyof FilterFlags) => {
    const value = flags[name];
    return typeof value === 'string' ? value : undefined;
  };
  const seconds = (name: 'older-than' | 'younger-than') => {
    const value = text(name);
    return value === undefined ? undefined : Math.round(parseDuration(value, `--${name}`) / 1000);
  };
  const state = text('state');
  if (state !== undefined && !(states as readonly string[]).includes(state))
    throw new Error(`--state takes ${states.join(', ')}, not ${JSON.stringify(state)}`);
  const filter: QueueFilterParams = {
    sender: text('sender'),
    recipient: text('recipient'),
    domain: text('domain'),
    destination: text('destination'),
    olderThanSeconds: seconds('older-than'),
    youngerThanSeconds: seconds('younger-than'),
    reason: text('reason'),
    state: state as QueueFilterParams['state'],
    held: flags.held ? true : flags['not-held'] ? false : undefined,
  };
  for (const key of Object.keys(filter) as Array<keyof QueueFilterParams>)
    if (filter[key] === undefined) delete filter[key];
  return filter;
}

/** The nodes a queue command asks: --node, or every director and gateway of the fleet. */
export function queueNodes(open: OpenFleet, node: string | undefined, words: CliWords): string[] {
  if (node !== undefined) {
    if (!open.fleet.nodeNames().includes(node)) throw new Error(words.say('error.noNode', { node }));
    return [node];
  }
  return open.fleet
    .snapshot()
    .nodes.filter((n) => queueRoles.includes(n.role))
    .map((n) => n.name);
}

/**
 * Asks each node; a node that runs no queue (`not-found` from queue.*) is left out, and one that
 * fails otherwise is told on stderr, in words, and counted in `failed`. The answers are in node order.
 */
export async function askQueues<T>(
  nodes: string[],
  ask: (node: string) => Promise<T>,
  words: CliWords,
  warn: (text: string) => void,
): Promise<Array<{ node: string; answer: T }> & { failed: number }> {
  const answers: Array<{ node: string; answer: T }> = [];
  let failed = 0;
  await Promise.all(
    nodes.map(async (node) => {
      try {
        answers.push({ node, answer: await ask(node) });
      } catch (error) {
        if (nodes.length > 1 && /runs no mail queue/.test(String((error as Error).message))) return;
        failed++;
        warn(`${node}: ${words.agentError(error)}`);
      }
    }),
  );
  answers.sort((a, b) => a.node.localeCompare(b.node, 'en', { numeric: true }));
  return Object.assign(answers, { failed });
}
