/** What a test directory backend (embedded server or real slapd) gives the tests. */

/** A running directory seeded for tests. */
export interface TestDirectory {
  kind: 'embedded' | 'slapd';
  url: string;
  baseDn: string;
  /** The root DN (bypasses access control), for seeding and checks. */
  rootDn: string;
  rootPassword: string;
  /** Stops the server and starts it again on the same port with the same data. */
  restart(): Promise<void>;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
  /**
   * Moves the server's clock on (the embedded directory's bind throttle); absent on slapd, whose
   * clock is the machine's.
   */
  advanceClock?(ms: number): void;
  /** slapd's slapo-auditlog file (absent on the embedded directory, which records through the agent). */
  auditLogFile?: string;
}

/** Settings a test may give a backend. */
export interface TestDirectoryOptions {
  /** Close connections idle this long (slapd `idletimeout`, the embedded idle times). */
  idleTimeoutSeconds?: number;
}
