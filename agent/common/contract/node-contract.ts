/**
 * The node itself: who it is and what it runs (`node.info`), its metrics (a sample, or a 1 Hz
 * stream of `metrics.sample` notifications), and its services (list, restart).
 */
import { z } from 'zod';
import { nodeRoles, nodeStates } from '../directory/fleet-entries.js';
import type { MethodSpec } from './methods.js';
import { nodeMetrics, serviceStatus } from './node-metrics.js';

// A service as the agent's registry names it (`imap`, `lmtp`, `director-smtp`).
const serviceName = z.string().regex(/^[a-z][a-z0-9-]{0,40}$/);

/** The node's own methods: who it is, its metrics, its services. */
export const nodeMethods = {
  'node.info': {
    params: z.object({}).strict(),
    result: z.object({
      name: z.string(),
      role: z.enum(nodeRoles),
      /** State recorded in the directory. */
      directoryState: z.enum(nodeStates),
      version: z.string(),
      pid: z.number().int(),
      hostname: z.string(),
      startedAt: z.number(),
      controlPort: z.number().int(),
      hostKeyFingerprint: z.string(),
      endpoints: z.record(z.string(), z.string()),
      services: z.array(serviceStatus),
    }),
    audited: false,
    summary: 'Who this node is and what it runs.',
  },
  'node.metrics': {
    params: z.object({}).strict(),
    result: nodeMetrics,
    audited: false,
    summary: 'The latest metrics sample.',
  },
  'metrics.subscribe': {
    params: z.object({}).strict(),
    result: z.object({ subscription: z.string() }),
    audited: false,
    summary: 'Start a 1 Hz stream of `metrics.sample` notifications on this channel.',
  },
  'metrics.unsubscribe': {
    params: z.object({ subscription: z.string() }).strict(),
    result: z.object({ stopped: z.boolean() }),
    audited: false,
    summary: 'Stop a metrics stream.',
  },
  'service.list': {
    params: z.object({}).strict(),
    result: z.object({ services: z.array(serviceStatus) }),
    audited: false,
    summary: 'Services this node runs and their state.',
  },
  'service.restart': {
    params: z.object({ service: serviceName }).strict(),
    result: z.object({ service: serviceStatus }),
    audited: true,
    summary: 'Stop and start one service.',
  },
} as const satisfies Record<string, MethodSpec>;

/** Notifications of the node's metrics stream. */
export const nodeNotifications = {
  'metrics.sample': z.object({ subscription: z.string(), sample: nodeMetrics }),
} as const;
