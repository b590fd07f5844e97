/**
 * The console's "Add node" calls (`fleet.addNodeForm`, `fleet.addNode`), merged into
 * `consoleCalls`: the same work as `mailfleet node add` (main/core/nodes/add-node.ts) from the
 * console core, which holds the admin's directory bind. Only system admins are offered the dialog;
 * the directory's access rules refuse the writes to anyone else anyway.
 */
import { z } from 'zod';
import { addableRoles, nodeNamePattern } from '../core/nodes/node-names.js';

const port = z.number().int().min(1).max(65535);
const absolutePath = z
  .string()
  .max(4096)
  .regex(/^\/[^\0]*$/, 'an absolute path');

/** What the dialog sends: the CLI's flags, checked the same way. */
export const addNodeParams = z
  .object({
    /** `[user@]host` for the admin's ssh. */
    host: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[^\s-][^\s]*$/, 'a host as ssh takes it ([user@]host)'),
    name: z.string().regex(nodeNamePattern, 'lower-case letters, digits and -, starting with a letter'),
    role: z.enum(addableRoles),
    address: z.string().min(1).max(255).optional(),
    listen: z.string().min(1).max(255).optional(),
    controlPort: port.optional(),
    mailPorts: z.object({ lmtp: port, imap: port, pop3: port }).strict().optional(),
    prefix: absolutePath.optional(),
    sshConfigFile: absolutePath.optional(),
  })
  .strict();

/** The node as it first answered. */
export const addedNodeView = z.object({
  name: z.string(),
  role: z.enum(addableRoles),
  address: z.string(),
  controlPort: port,
  hostKeyFingerprint: z.string(),
  logicalStore: z.string().optional(),
  version: z.string(),
  answeredAfterMs: z.number(),
  answeredAt: z.number(),
});
export type AddedNodeView = z.infer<typeof addedNodeView>;

/** Every node-membership call of the console. */
export const nodeMembershipConsoleCalls = {
  'fleet.addNodeForm': {
    params: z.object({}).strict(),
    result: z.object({ mayAddNodes: z.boolean(), roles: z.array(z.enum(addableRoles)) }),
    summary:
      "Whether this console's admin may add nodes (system tier), and the roles a node can be added as.",
  },
  'fleet.addNode': {
    params: addNodeParams,
    result: addedNodeView,
    summary:
      "Add a node as `mailfleet node add` does: install the agent package on the host through the admin's ssh, create its server entry with the host key pinned (and a store's logical store), start it and wait until it answers.",
  },
} as const;
