/**
 * `mailfleet why ADDRESS|MESSAGE-ID`: where a message is and why it is deferred, bounced or held,
 * in words. It is the console's Mail Trace (every director's and gateway's steps, merged by time,
 * each said in the console's sentences) and, for mail still queued, the queue's own sentence per
 * recipient (held, next try, when it is given up).
 */
import { parseArgs } from 'node:util';
import { fleetMailTrace, type MailTraceResult } from '../../console/console-mail-trace.js';
import { traceQuery, traceStepWords } from '../../console/mail-story.js';
import { type CliWords, cliWords } from '../cli-words.js';
import { type CommandIo, type CommandSpec, UsageError } from '../command-spec.js';
import { withFleet } from './fleet-options.js';
import { entryLines } from './queue.js';
import { askQueues } from './queue-nodes.js';

function traceLines(trace: MailTraceResult, words: CliWords): string[] {
  const lines: string[] = [];
  let pair = '';
  for (const step of trace.steps) {
    const thisPair = words.say('why.pair', { sender: step.sender || '<>', recipient: step.recipient });
    if (thisPair !== pair) lines.push(thisPair);
    pair = thisPair;
    const reply =
      step.reason && (step.kind === 'deferred' || step.kind === 'bounced') ? ` [${step.reason}]` : '';
    lines.push(`  ${words.dateTime(step.at)}  ${traceStepWords(words, step)}${reply}`);
  }
  return lines;
}

async function whyCommand(argv: string[], { out, warn }: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      fleet: { type: 'string' },
      json: { type: 'boolean', default: false },
      'message-id': { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const words = cliWords();
  const [asked] = positionals;
  if (positionals.length !== 1 || !asked || asked.trim().length < 3)
    throw new UsageError(words.say('error.usage'));
  // As the console's Mail Trace reads what is typed; --message-id when a Message-ID looks like an address.
  const query = values['message-id'] ? { messageId: asked.trim() } : traceQuery(asked);
  return withFleet(values.fleet, async (open) => {
    let trace = await fleetMailTrace(open.fleet, query);
    // A Message-ID often looks like an address (<local@host>): nothing by address, then by Message-ID.
    if (trace.steps.length === 0 && 'address' in query)
      trace = await fleetMailTrace(open.fleet, { messageId: query.address });
    // Mail still queued: the queue's sentence says what happens next (held, next try, given up when).
    const queueIds = [
      ...new Map(
        trace.steps.filter((s) => s.queueId && s.role === 'director').map((s) => [s.queueId, s]),
      ).values(),
    ];
    const queued = await askQueues(
      [...new Set(queueIds.map((s) => s.node))],
      async (node) => {
        const ids = queueIds.filter((s) => s.node === node).map((s) => s.queueId!);
        const shown = await Promise.all(
          ids.map((id) => open.fleet.call(node, 'queue.show', { id }).catch(() => undefined)),
        );
        return shown.flatMap((s) => (s ? [s.entry] : []));
      },
      words,
      warn,
    );
    if (values.json) {
      out(
        JSON.stringify(
          { ...trace, queued: queued.flatMap((q) => q.answer.map((entry) => ({ node: q.node, ...entry }))) },
          null,
          2,
        ),
      );
      return trace.steps.length > 0 ? 0 : 1;
    }
    if (trace.steps.length === 0) out(words.say('why.nothing'));
    else out(traceLines(trace, words).join('\n'));
    const now = Date.now();
    for (const { node, answer } of queued)
      for (const entry of answer) {
        out('');
        out(words.say('why.queued', { node, id: entry.id }));
        out(entryLines(entry, node, words, now).join('\n'));
      }
    if (trace.truncated) warn(words.say('why.truncated'));
    if (trace.failures.length > 0)
      warn(
        words.say('why.failures', {
          nodes: trace.failures.map((f) => `${f.node} (${f.message})`).join(', '),
        }),
      );
    return trace.steps.length > 0 ? 0 : 1;
  });
}

/** `mailfleet why`. */
export const whySpec: CommandSpec = {
  name: 'why',
  summary: 'where a message is, and why it is deferred, bounced or held, in words',
  usage: ['why ADDRESS|MESSAGE-ID [--message-id] [--json]'],
  details: [
    "Every gateway and director says what it did with the mail (the console's Mail Trace), oldest",
    'first; mail still queued is shown with what happens next. ADDRESS is a sender or a recipient',
    '(part of one will do); anything that is not an address is read as a Message-ID (--message-id',
    'to say so). Exit code 1 when no server has seen such mail.',
  ],
  flags: ['fleet', 'json', 'message-id', 'help'],
  run: whyCommand,
};
