/**
 * `mailfleet queue list|show|hold|release|requeue|delete`: the Queues view's tasks on the command
 * line, on every director and gateway (or the one named by --node), with the same filters. Each
 * recipient of a message shown says in words why it waits (the console's sentences,
 * main/console/mail-story.ts). The agents decide by the admin's tier (deleting is system-only).
 */
import { parseArgs } from 'node:util';
import type { QueueHold } from '../../../agent/common/contract/methods.js';
import type { QueueListEntry } from '../../../agent/common/contract/queue-admin-contract.js';
import { durationInWords, sizeInWords } from '../../../agent/common/in-words.js';
import { recipientStory } from '../../console/mail-story.js';
import type { OpenFleet } from '../../core/open-fleet.js';
import { type CliWords, cliWords } from '../cli-words.js';
import { type CommandIo, type CommandSpec, UsageError } from '../command-spec.js';
import { formatTable } from '../output.js';
import { withFleet } from './fleet-options.js';
import { askQueues, queueFilterOf, queueFilterOptions, queueNodes } from './queue-nodes.js';

/** One queued message's lines: envelope, then a sentence per recipient. */
export function entryLines(entry: QueueListEntry, node: string, words: CliWords, now: number): string[] {
  return [
    `${entry.id} on ${node}: from ${entry.sender || '<>'}, ${sizeInWords(entry.sizeBytes)}, received ${words.dateTime(entry.receivedAt)}`,
    ...(entry.subject ? [`  subject: ${entry.subject}`] : []),
    ...entry.recipients.map(
      (r) =>
        `  ${r.address}: ${recipientStory(words, r, entry.expiresAt, now)}${r.lastReason ? ` [${r.lastReason}]` : ''}`,
    ),
  ];
}

async function queueCommand(argv: string[], { out, warn }: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      fleet: { type: 'string' },
      json: { type: 'boolean', default: false },
      node: { type: 'string' },
      limit: { type: 'string', default: '100' },
      user: { type: 'string' },
      store: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      bounce: { type: 'boolean', default: false },
      'no-bounce': { type: 'boolean', default: false },
      ...queueFilterOptions,
    },
    allowPositionals: true,
    strict: true,
  });
  const [action = 'list', ...ids] = positionals;
  const words = cliWords();
  if (!queueSpec.subcommands?.includes(action)) throw new UsageError(words.say('error.usage'));
  if (action === 'show' && ids.length !== 1) throw new UsageError(words.say('error.usage'));
  const filter = queueFilterOf(values);
  const limit = Number(values.limit);
  return withFleet(values.fleet, async (open) => {
    const nodes = queueNodes(open, values.node, words);
    const fleet = open.fleet;
    switch (action) {
      case 'list': {
        const lists = await askQueues(
          nodes,
          (node) => fleet.call(node, 'queue.list', { ...filter, limit }),
          words,
          warn,
        );
        if (values.json) {
          out(
            JSON.stringify(
              lists.map(({ node, answer }) => ({ node, ...answer })),
              null,
              2,
            ),
          );
          return lists.length > 0 ? 0 : 1;
        }
        const rows = lists.flatMap(({ node, answer }) =>
          answer.entries.map((e) => [
            node,
            e.id,
            durationInWords(Date.now() - e.receivedAt),
            e.sender || '<>',
            e.recipients.map((r) => `${r.address} (${r.held ? 'held' : r.state})`).join(', '),
            e.subject ?? '',
          ]),
        );
        out(
          rows.length === 0
            ? words.say('queue.empty')
            : formatTable(['NODE', 'ID', 'AGE', 'SENDER', 'RECIPIENTS', 'SUBJECT'], rows),
        );
        return lists.length > 0 ? 0 : 1;
      }
      case 'show':
        return showMessage(open, nodes, ids[0]!, values.json, words, out, warn);
      case 'hold':
      case 'release':
        return holdOrRelease(open, nodes, action, holdOf(ids, values, words), values.json, words, out, warn);
      default: {
        if (ids.length === 0 && Object.keys(filter).length === 0)
          throw new UsageError(words.say('queue.nameMessages'));
        if (action === 'delete' && values.bounce === values['no-bounce'])
          throw new UsageError(words.say('queue.chooseBounce'));
        const target = {
          ...(ids.length > 0 ? { ids } : {}),
          ...(Object.keys(filter).length > 0 ? { filter } : {}),
          dryRun: values['dry-run'],
        };
        const results = await askQueues(
          nodes,
          (node) =>
            action === 'delete'
              ? fleet.call(node, 'queue.delete', { ...target, bounce: values.bounce })
              : fleet.call(node, 'queue.requeue', target),
          words,
          warn,
        );
        if (values.json) out(JSON.stringify(results.map(({ node, answer }) => ({ node, ...answer }))));
        else
          for (const { node, answer } of results)
            out(
              words.say(answer.dryRun ? 'queue.wouldTouch' : 'queue.touched', {
                node,
                messages: answer.messages,
                recipients: answer.recipients,
              }),
            );
        return results.failed === 0 && results.length > 0 ? 0 : 1;
      }
    }
  });
}

/** A hold names one message id, a user (--user) or a logical store (--store). */
function holdOf(ids: string[], values: { user?: string; store?: string }, words: CliWords): QueueHold {
  const named = [ids.length > 0, values.user !== undefined, values.store !== undefined].filter(Boolean);
  if (named.length !== 1 || ids.length > 1) throw new UsageError(words.say('error.usage'));
  if (values.user !== undefined) return { user: values.user };
  if (values.store !== undefined) return { logicalStore: values.store };
  return { messageId: ids[0]! };
}

async function showMessage(
  open: OpenFleet,
  nodes: string[],
  id: string,
  json: boolean,
  words: CliWords,
  out: (text: string) => void,
  warn: (text: string) => void,
): Promise<number> {
  // A queue id is one director's: ask each; the one that holds it answers, the others say not-found.
  const found = await askQueues(
    nodes,
    (node) =>
      open.fleet.call(node, 'queue.show', { id }).catch((error: unknown) => {
        if (/not[- ]found|no (such )?message|no queued/i.test(String((error as Error).message)))
          return undefined;
        throw error;
      }),
    words,
    warn,
  );
  const hit = found.find((f) => f.answer !== undefined);
  if (!hit?.answer) throw new Error(words.say('queue.notFound', { id }));
  if (json) out(JSON.stringify({ node: hit.node, ...hit.answer }, null, 2));
  else {
    out(entryLines(hit.answer.entry, hit.node, words, Date.now()).join('\n'));
    for (const header of hit.answer.headers) out(`  | ${header.name}: ${header.value}`);
  }
  return 0;
}

async function holdOrRelease(
  open: OpenFleet,
  nodes: string[],
  action: 'hold' | 'release',
  hold: QueueHold,
  json: boolean,
  words: CliWords,
  out: (text: string) => void,
  warn: (text: string) => void,
): Promise<number> {
  const answers = await askQueues(
    nodes,
    async (node) =>
      action === 'hold'
        ? { released: true, ...(await open.fleet.call(node, 'queue.hold', { hold })) }
        : open.fleet.call(node, 'queue.release', { hold }),
    words,
    warn,
  );
  if (json) out(JSON.stringify(answers.map(({ node, answer }) => ({ node, ...answer }))));
  else {
    const done = answers.filter((a) => a.answer.released).map((a) => a.node);
    const notHeld = answers.filter((a) => !a.answer.released).map((a) => a.node);
    if (done.length > 0)
      out(words.say(action === 'hold' ? 'queue.held' : 'queue.released', { nodes: done.join(', ') }));
    if (notHeld.length > 0) out(words.say('queue.notHeld', { nodes: notHeld.join(', ') }));
  }
  return answers.failed === 0 && answers.length > 0 ? 0 : 1;
}

/** `mailfleet queue`. */
export const queueSpec: CommandSpec = {
  name: 'queue',
  summary: 'queued mail on the directors and gateways: list, show, hold, release, requeue, delete',
  usage: [
    'queue [list] [FILTER...] [--node NODE] [--limit N] [--json]',
    'queue show ID [--node NODE] [--json]',
    'queue hold|release (ID | --user ADDRESS | --store STORE) [--node NODE]',
    'queue requeue [ID...] [FILTER...] [--dry-run] [--node NODE] [--json]',
    'queue delete [ID...] [FILTER...] (--bounce | --no-bounce) [--dry-run] [--node NODE] [--json]',
  ],
  details: [
    "FILTER, as in the console's Queues view (every one given must match):",
    '  --sender TEXT  --recipient TEXT  --domain DOMAIN  --destination lmtp:store07|smtp:example.com',
    '  --older-than 1h  --younger-than 10m  --reason TEXT (in the last reply, e.g. 4.2.2)',
    '  --state pending|deferred|delivered|bounced  --held  --not-held',
    'show says for each recipient why the message waits and what happens next.',
    'hold keeps mail (queued and arriving) until release; release tries it at once.',
    'requeue routes again with fresh directory lookups; delete needs --bounce (the sender is told)',
    'or --no-bounce (removed silently). --dry-run counts what would be touched. Without --node every',
    'director and gateway is asked. The agents decide by your tier: only system admins may delete.',
  ],
  subcommands: ['list', 'show', 'hold', 'release', 'requeue', 'delete'],
  flags: [
    'fleet',
    'json',
    'node',
    'limit',
    'user',
    'store',
    'dry-run',
    'bounce',
    'no-bounce',
    'help',
    ...Object.keys(queueFilterOptions),
  ],
  run: queueCommand,
};
