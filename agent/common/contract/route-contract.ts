/**
 * `route.invalidate` on a director: its cached routing (the recipient router's lookups and the
 * proxy's) dropped for a user, a domain or a logical store, after a mailHost flip or a failover.
 */
import { z } from 'zod';
import { mailUser } from './mail-user.js';
import type { MethodSpec } from './methods.js';

/** `route.invalidate`. */
export const routeMethods = {
  'route.invalidate': {
    params: z
      .object({
        target: z.union([
          z.object({ user: mailUser }).strict(),
          z.object({ domain: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'a mail domain') }).strict(),
          z.object({ logicalStore: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/) }).strict(),
        ]),
      })
      .strict(),
    result: z.object({ invalidated: z.literal(true) }),
    audited: true,
    summary:
      "Drop the director's cached routing for a user, a domain or a logical store (after a mailHost flip or failover).",
  },
} as const satisfies Record<string, MethodSpec>;
