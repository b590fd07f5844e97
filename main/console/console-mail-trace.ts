/**
 * `mail.trace` for the console: asks every director and gateway where mail went and merges their
 * steps by time, each with its node. By Message-ID, only a director has read the header; the
 * gateway's steps of the same mail are then found by a second look at the gateways with the
 * sender/recipient pairs the directors named (steps at most a day older than the director's
 * first, since the gateway relays before the director queues).
 */
import { z } from 'zod';
import { mailTraceStep } from '../../agent/common/contract/mail-trace-contract.js';
import { consoleErrorOf } from './console-call-error.js';
import { byNodeName, nodeFailure } from './console-fleet-queues.js';
import type { ConsoleFleet } from './console-service.js';

/** `mail.trace` params in the console. */
export const mailTraceParams = z
  .object({
    /** A sender's or recipient's address, or part of one (at least 3 characters). */
    address: z.string().trim().min(3).max(320).optional(),
    /** A Message-ID, with or without angle brackets. */
    messageId: z.string().trim().min(3).max(998).optional(),
  })
  .strict()
  .refine((p) => p.address !== undefined || p.messageId !== undefined, {
    message: 'name an address or a Message-ID',
  });

/** `mail.trace` result in the console. */
export const mailTraceResult = z.object({
  /** Oldest first, each with the node that noted it. */
  steps: z.array(mailTraceStep.extend({ node: z.string(), role: z.string() })),
  /** Some node had more steps than it returned. */
  truncated: z.boolean(),
  failures: z.array(nodeFailure),
});
export type MailTraceResult = z.infer<typeof mailTraceResult>;

const traceRoles = ['director', 'gateway'];
const limit = 500;
const dayMs = 86_400_000;

/** Merges the trace of every director and gateway. */
export async function fleetMailTrace(
  fleet: ConsoleFleet,
  query: z.output<typeof mailTraceParams>,
): Promise<MailTraceResult> {
  const roles = new Map(fleet.snapshot().nodes.map((n) => [n.name, n.role as string]));
  const nodes = fleet.nodeNames().filter((name) => traceRoles.includes(roles.get(name) ?? ''));
  const result: MailTraceResult = { steps: [], truncated: false, failures: [] };
  const ask = async (names: string[], params: Parameters<typeof askOne>[2]) =>
    Promise.all(names.map((node) => askOne(fleet, node, params, roles.get(node) ?? 'unknown', result)));
  await ask(nodes, { ...query, limit });
  if (query.messageId !== undefined && query.address === undefined) {
    const found = result.steps.filter((s) => s.messageId !== undefined);
    const pairs = [...new Map(found.map((s) => [`${s.sender} ${s.recipient}`, s])).values()]
      .slice(0, 100)
      .map((s) => ({ sender: s.sender, recipient: s.recipient }));
    const first = Math.min(...found.map((s) => s.at));
    if (pairs.length > 0) {
      const gateways = nodes.filter((n) => roles.get(n) === 'gateway');
      const before = result.steps.length;
      await ask(gateways, { pairs, limit });
      // Only the gateway's steps of that time: the same pair may have written before and since.
      const extra = result.steps
        .splice(before)
        .filter((s) => s.at >= first - dayMs && s.at <= first + 60_000);
      result.steps.push(...extra);
    }
  }
  const order = relayOrder(result.steps);
  result.steps.sort((a, b) => (order.get(a) ?? a.at) - (order.get(b) ?? b.at) || byNodeName(a.node, b.node));
  result.failures.sort((a, b) => byNodeName(a.node, b.node));
  return result;
}

/**
 * The gateway notes a relay once the director has answered it, so by the clock its "relayed"
 * comes just after the director's "received" of the same mail; it happened first. Such a relay is
 * ordered just before that receipt (the latest receipt of the pair up to 10 s before it).
 */
function relayOrder(steps: MailTraceResult['steps']): Map<MailTraceResult['steps'][number], number> {
  const order = new Map<MailTraceResult['steps'][number], number>();
  for (const relay of steps) {
    if (relay.kind !== 'relayed') continue;
    const receipt = steps
      .filter(
        (s) =>
          s.kind === 'received' &&
          s.sender === relay.sender &&
          s.recipient === relay.recipient &&
          s.at <= relay.at &&
          relay.at - s.at < 10_000,
      )
      .sort((a, b) => b.at - a.at)[0];
    if (receipt) order.set(relay, receipt.at - 0.5);
  }
  return order;
}

async function askOne(
  fleet: ConsoleFleet,
  node: string,
  params: {
    address?: string | undefined;
    messageId?: string | undefined;
    pairs?: Array<{ sender: string; recipient: string }>;
    limit: number;
  },
  role: string,
  result: MailTraceResult,
): Promise<void> {
  try {
    const answer = await fleet.call(node, 'mail.trace', params as never);
    result.steps.push(...answer.steps.map((step) => ({ ...step, node, role })));
    if (answer.truncated) result.truncated = true;
  } catch (error) {
    result.failures.push({ node, message: consoleErrorOf(error).message });
  }
}
