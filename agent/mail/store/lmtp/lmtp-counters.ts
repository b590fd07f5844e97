/** What the LMTP server counts, for the store's metrics (monotonic counters since start). */
export interface LmtpCounters {
  /** Messages made durable in a mailbox (one per recipient mailbox). */
  deliveries: number;
  /** Bytes of those messages as stored. */
  deliveredBytes: number;
  /** Every refused recipient or message, whatever the reason (sum of the ones below). */
  rejections: number;
  unknownUser: number;
  overQuota: number;
  held: number;
  tooLarge: number;
  badData: number;
  /** Temporary failures: directory or storage errors. */
  temporaryFailures: number;
  /** Connections accepted. */
  sessions: number;
  /** Connections refused at connect: not a director (lmtp-client-check.ts). */
  refusedClients: number;
}

/** Fresh counters, all zero. */
export function newLmtpCounters(): LmtpCounters {
  return {
    deliveries: 0,
    deliveredBytes: 0,
    rejections: 0,
    unknownUser: 0,
    overQuota: 0,
    held: 0,
    tooLarge: 0,
    badData: 0,
    temporaryFailures: 0,
    sessions: 0,
    refusedClients: 0,
  };
}
