/**
 * The console API: every call the renderer may make and every event main pushes to it, as zod
 * schemas with derived types (the idea of GitHub Desktop's `ipc-shared.ts`). The Electron IPC
 * handlers, the preload, the web bridge and the renderer's services all take their names and
 * payload types from here, so a call name or payload cannot drift between them.
 *
 * Node operations reuse the agent's own schemas (agent/common/contract/methods.ts): the console adds which
 * node to ask and nothing else. Nothing here carries a secret: the admin key and the directory's
 * bind password stay in main.
 */
import { z } from 'zod';
import { auditEntry, type MethodName, methods } from '../../agent/common/contract/methods.js';
import { fleetLockoutsResult } from './console-fleet-lockouts.js';
import { fleetQueuesResult, nodeFailure } from './console-fleet-queues.js';
import { consoleFleetPush, consoleFleetSnapshot } from './console-fleet-snapshot.js';
import { mailTraceParams, mailTraceResult } from './console-mail-trace.js';
import { directoryConsoleCalls } from './directory-calls.js';
import { failoverConsoleCalls } from './failover-calls.js';
import { moveConsoleCalls, moveProgressEvent } from './move-calls.js';
import { nodeMembershipConsoleCalls } from './node-membership-calls.js';
import { sessionConsoleCalls } from './session-calls.js';

// Shapes of the failover calls the page shows.
export type { FailoverJobView } from '../../agent/common/contract/failover-contract.js';
// The page (renderer/) imports types from this file and from nowhere else outside renderer/
// (test/architecture/floors.test.ts): the shapes it shows are named here, wherever the agent's
// contract or the console core declares them.
export type { SpamOutcome } from '../../agent/common/contract/gateway-figures.js';
export type { AuditEntry } from '../../agent/common/contract/methods.js';
// Shapes of the move calls the page shows (it imports types only, and from this file).
export type {
  KeptMailboxCopy,
  MoveBatch,
  MoveJob,
  MovePhase,
  MovePlan,
  MoveRefusal,
  MoveRefusalCode,
} from '../../agent/common/contract/move-contract.js';
export type { NodeMetrics, QuotaUser, ServiceStatus } from '../../agent/common/contract/node-metrics.js';
export type { NodeRole } from '../../agent/common/directory/fleet-entries.js';
export type {
  DirectoryAdminResult,
  DirectoryOverview,
  MailAlias,
  MailGroup,
  NewUser,
  SpamPolicy,
  SpamPolicyWrite,
  UserPage,
  UserSortKey,
  UserSummary,
  UserUpdate,
} from '../core/directory-admin/directory-admin-contract.js';
export type {
  UserMailSettings,
  UserMailSettingsWrite,
} from '../core/directory-admin/user-mail-settings-contract.js';
export type { FleetLockout } from './console-fleet-lockouts.js';
export type { FleetQueuesResult } from './console-fleet-queues.js';
export type { ConsoleFleetPush, ConsoleFleetSnapshot, ConsoleNodeView } from './console-fleet-snapshot.js';
export type { MailboxUsage } from './directory-calls.js';
export type {
  FailoverOverview,
  FailoverPlanAnswer,
  MakeSparePlanAnswer,
  SwitchPlanAnswer,
} from './failover-calls.js';
export type { FleetMoveListResult, MoveStartAnswer, MoveSuggestion, StoreOnNode } from './move-calls.js';
export type { AddedNodeView } from './node-membership-calls.js';
export type { SessionState, SignedOutReason, SignInAnswer } from './session-calls.js';

/** A node name as the directory spells it (`store07`, `director01`). */
export const nodeName = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a node name (store07, director01...)');

/** Languages the console speaks. */
export const consoleLocales = ['ja', 'en'] as const;
export const consoleLocale = z.enum(consoleLocales);
export type ConsoleLocale = z.infer<typeof consoleLocale>;

const onNode = z.object({ node: nodeName });
const empty = z.object({}).strict();

/** Declaration of one console call. */
export interface ConsoleCallSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  params: P;
  result: R;
  summary: string;
  /** The agent method this call asks of the node named in `node`, with the other params as they are. */
  onNode?: MethodName;
}

/**
 * A call that asks one node one agent method: the agent's own params plus which node, the agent's
 * own result. The console service forwards every such call the same way (console-service.ts).
 */
function onNodeCall<M extends MethodName>(
  method: M,
  summary: string,
): { params: OnNodeParams<M>; result: (typeof methods)[M]['result']; summary: string; onNode: M } {
  const params = methods[method].params as z.ZodObject;
  return {
    params: params.extend(onNode.shape) as OnNodeParams<M>,
    result: methods[method].result,
    summary,
    onNode: method,
  };
}

/** The agent method's params with the node to ask. */
type OnNodeParams<M extends MethodName> =
  (typeof methods)[M]['params'] extends z.ZodObject<infer Shape, infer Config>
    ? z.ZodObject<Shape & typeof onNode.shape, Config>
    : never;

export const consoleCalls = {
  'fleet.snapshot': {
    params: empty,
    result: consoleFleetSnapshot,
    summary: 'Every node: role, state (up, down, stale), its newest sample and how old it is.',
  },
  'node.restartService': onNodeCall(
    'service.restart',
    'Restart one service on one node (system tier; the agent decides).',
  ),
  'queue.summary': onNodeCall(
    'queue.summary',
    "A node's queue: messages, recipients by state, destinations, holds, ages.",
  ),
  'queue.list': onNodeCall(
    'queue.list',
    'Queued messages on a node, oldest first (envelopes only, never content).',
  ),
  'queue.hold': onNodeCall(
    'queue.hold',
    'Hold queued and future mail on a node by message id, recipient or logical store.',
  ),
  'queue.release': onNodeCall(
    'queue.release',
    'Release a hold on a node; the held mail is attempted at once.',
  ),
  'queue.show': onNodeCall(
    'queue.show',
    'One queued message on a node: envelope, per-recipient state and its headers (no body).',
  ),
  'queue.flush': onNodeCall(
    'queue.flush',
    'Attempt queued mail on a node now (ids or filter; dryRun counts only).',
  ),
  'queue.requeue': onNodeCall(
    'queue.requeue',
    'Re-route queued mail on a node with fresh lookups (ids or filter; dryRun counts only).',
  ),
  'queue.delete': onNodeCall(
    'queue.delete',
    'Delete queued mail on a node, with or without a bounce (system tier; dryRun counts only).',
  ),
  'queue.fleet': {
    params: z.object({ nodes: z.array(nodeName).max(1000).optional() }).strict(),
    result: fleetQueuesResult,
    summary:
      "Every queue of the fleet in one answer: each director's and gateway's queue.summary, the nodes that run none, and the ones that did not answer.",
  },
  'mail.trace': {
    params: mailTraceParams,
    result: mailTraceResult,
    summary:
      'Where mail went, by address or Message-ID, across every director and gateway: each step with its node, oldest first.',
  },
  'gateway.status': onNodeCall(
    'gateway.status',
    "A gateway's SMTP: content scanning, greylist figures, blocked clients, next hop.",
  ),
  'spam.statistics': onNodeCall(
    'spam.statistics',
    "A gateway's decisions over the last hour: per minute, per domain, last decisions with reasons.",
  ),
  'dkim.records': onNodeCall(
    'dkim.records',
    "The DNS records a mail domain's department publishes (DKIM keys, SPF, DMARC), checked against DNS by a director.",
  ),
  'audit.tail': {
    params: z
      .object({
        /** Only these nodes; every node when absent. */
        nodes: z.array(nodeName).max(1000).optional(),
        limit: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
    result: z.object({ entries: z.array(auditEntry), failures: z.array(nodeFailure) }),
    summary: 'The newest audit entries, merged across nodes by time, oldest first.',
  },
  'auth.lockouts': {
    params: z
      .object({
        /** Only these nodes; every store, spare, director and directory node when absent. */
        nodes: z.array(nodeName).max(1000).optional(),
      })
      .strict(),
    result: fleetLockoutsResult,
    summary:
      'Login names and client addresses whose password checks are throttled or locked now, on every node that checks passwords, locked first.',
  },
  'auth.unlock': onNodeCall(
    'auth.unlock',
    'Forget the failed password checks of a login name or client address on one node (audited there).',
  ),
  'locale.get': {
    params: empty,
    result: z.object({ locale: consoleLocale, system: consoleLocale }),
    summary: "The console's language, and the one the system suggests.",
  },
  'locale.set': {
    params: z.object({ locale: consoleLocale }).strict(),
    result: z.object({ locale: consoleLocale, system: consoleLocale }),
    summary: 'Choose the console language; kept for the next start.',
  },
  ...directoryConsoleCalls,
  ...moveConsoleCalls,
  ...failoverConsoleCalls,
  ...nodeMembershipConsoleCalls,
  ...sessionConsoleCalls,
} as const satisfies Record<string, ConsoleCallSpec>;

/** Events main pushes to the renderer. */
export const consoleEvents = {
  /**
   * The fleet soon after samples arrive (and at least once a second): a whole snapshot first,
   * then `partial` pushes of the nodes whose view changed (see console-fleet-snapshot.ts).
   */
  'fleet.snapshot': consoleFleetPush,
  /** A move job changed (phase, progress, result), on any store node this console reaches. */
  'move.progress': moveProgressEvent,
} as const satisfies Record<string, z.ZodType>;

export type ConsoleCallName = keyof typeof consoleCalls;
/** The calls that forward one agent method to one node. */
export type NodeCallName = {
  [C in ConsoleCallName]: (typeof consoleCalls)[C] extends { onNode: MethodName } ? C : never;
}[ConsoleCallName];
export type ConsoleCallParams<C extends ConsoleCallName> = z.input<(typeof consoleCalls)[C]['params']>;
export type ConsoleCallResult<C extends ConsoleCallName> = z.output<(typeof consoleCalls)[C]['result']>;
export type ConsoleEventName = keyof typeof consoleEvents;
export type ConsoleEventPayload<E extends ConsoleEventName> = z.output<(typeof consoleEvents)[E]>;

/** Every call name, for the preload and the transports to enumerate. */
export const consoleCallNames = Object.keys(consoleCalls) as ConsoleCallName[];

/** Whether `name` (from the wire, so unknown) is a call of the contract. */
export function isConsoleCallName(name: unknown): name is ConsoleCallName {
  return typeof name === 'string' && Object.hasOwn(consoleCalls, name);
}

/** Why a call failed, in categories the renderer can show in words. */
export const consoleErrorCodes = [
  /** The payload failed the contract's schema (or the call does not exist). */
  'bad-request',
  /** The agent refused the caller's tier. */
  'forbidden',
  /** The node is not connected or did not answer. */
  'unavailable',
  /** No such node, service or hold. */
  'not-found',
  /** Well formed, and refused by the node's rules (a move of a finished job...); the message says why. */
  'refused',
  /** Anything else; the message says what. */
  'failed',
] as const;
export type ConsoleErrorCode = (typeof consoleErrorCodes)[number];

/** What a transport sends back for one call. */
export const consoleReply = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: z.enum(consoleErrorCodes), message: z.string() }),
  }),
]);
export type ConsoleReply = z.infer<typeof consoleReply>;

/** The first part of a call name: `fleet`, `node`, `queue`... */
export type ConsoleDomain = ConsoleCallName extends `${infer Domain}.${string}` ? Domain : never;

/**
 * The API as the renderer sees it: `api.node.restartService({ node, service })`. Derived from the
 * call names, so adding a call to `consoleCalls` adds its verb everywhere.
 */
export type ConsoleApi = {
  [D in ConsoleDomain]: {
    [C in ConsoleCallName as C extends `${D}.${infer Verb}` ? Verb : never]: (
      params: ConsoleCallParams<C>,
    ) => Promise<ConsoleCallResult<C>>;
  };
} & {
  events: {
    /** Calls `listener` for every push (whole or partial); returns a function that stops it. */
    onFleetSnapshot(listener: (snapshot: ConsoleEventPayload<'fleet.snapshot'>) => void): () => void;
    /** Calls `listener` for every change of a move job; returns a function that stops it. */
    onMoveProgress(listener: (progress: ConsoleEventPayload<'move.progress'>) => void): () => void;
  };
};

/** Splits `node.restartService` into its domain and verb. */
export function splitCallName(name: ConsoleCallName): { domain: string; verb: string } {
  const dot = name.indexOf('.');
  return { domain: name.slice(0, dot), verb: name.slice(dot + 1) };
}

/**
 * What the Electron preload exposes as `window.mailfleet`: the same verbs as {@link ConsoleApi},
 * each resolving to the reply envelope (the renderer's preload adapter unwraps it).
 */
export type ConsolePreloadApi = {
  [D in keyof Omit<ConsoleApi, 'events'>]: {
    [V in keyof ConsoleApi[D]]: (params: unknown) => Promise<ConsoleReply>;
  };
} & { events: ConsoleApi['events'] };
