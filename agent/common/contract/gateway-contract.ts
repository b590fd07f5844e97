/**
 * The gateway's status (content scanning, greylist, blocked clients) and its spam decisions over
 * the last hour; the long result shapes are in gateway-figures.ts.
 */
import { z } from 'zod';
import { gatewayStatus, spamStatistics } from './gateway-figures.js';
import type { MethodSpec } from './methods.js';

/** The gateway's status and spam figures. */
export const gatewayMethods = {
  'gateway.status': {
    params: z.object({}).strict(),
    result: gatewayStatus,
    audited: false,
    summary:
      "The gateway's SMTP: content scanning (or not configured), greylist size, blocked clients, next hop.",
  },
  'spam.statistics': {
    params: z.object({}).strict(),
    result: spamStatistics,
    audited: false,
    summary:
      "The gateway's decisions over the last hour: per minute, per domain, top clients, last decisions.",
  },
} as const satisfies Record<string, MethodSpec>;
