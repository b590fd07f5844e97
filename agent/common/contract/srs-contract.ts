/**
 * `srs.secrets` on a director: its SRS domain and secrets, for a gateway node that checks the
 * bounces of forwarded mail at RCPT (docs/self-service.md "SRS"). Peers only, and of them only the
 * nodes the directory names as gateways; carried inside the agents' SSH (host keys pinned both
 * ways) and never logged.
 */
import { z } from 'zod';
import type { MethodSpec } from './methods.js';

/** `srs.secrets`. */
export const srsMethods = {
  'srs.secrets': {
    params: z.object({}).strict(),
    result: z.object({
      domain: z.string().min(1).max(253),
      secrets: z.array(z.string().min(1).max(512)).min(1).max(64),
    }),
    audited: true,
    summary: "The director's SRS domain and secrets, for a gateway node (peers of role gateway only).",
  },
} as const satisfies Record<string, MethodSpec>;
