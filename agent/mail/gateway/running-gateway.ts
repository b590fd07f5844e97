/** What a running gateway shows to its RPCs (`gateway.status`, `spam.statistics`). */
import type { GatewayStatus } from './gateway-smtp-server.js';
import type { SpamStatistics } from './spam-statistics.js';

/** The gateway's statistics, and its SMTP server's status with where it relays to. */
export interface RunningGateway {
  statistics: SpamStatistics;
  /** Undefined while the `smtp` service is stopped. */
  status(): (GatewayStatus & { nextHop: string }) | undefined;
}
