/**
 * Admission of connections to the control port, as OpenSSH's sshd does it: connections that have
 * not authenticated yet ("startups") are few and short-lived in a healthy fleet, so they are capped
 * per source address (PerSourceMaxStartups) and, in all, dropped early at random past a threshold
 * and always past a hard limit (MaxStartups start:rate:full). A flood from one address then fills
 * only its own small share, and a console from another address still gets in.
 */

/** The limits; see {@link controlLoginLimits} for the values the agent uses. */
export interface LoginGateLimits {
  /**
   * OpenSSH's MaxStartups over unauthenticated connections: from `start` on, refuse with `rate`
   * percent probability, rising linearly to 100 % at `full`.
   */
  startups: { start: number; rate: number; full: number };
  /** Unauthenticated connections from one address (OpenSSH's PerSourceMaxStartups). */
  perSourceStartups: number;
  /** Connections from one address, authenticated or not. */
  perSourceConnections: number;
  /** Connections in all. */
  maxConnections: number;
}

/**
 * The agent's limits. A console opens one connection per node and authenticates within a second;
 * peers and the CLI add a few. So 8 unauthenticated connections per address never bind a real
 * client, and the random early drop (from 32 in all) starts only when many addresses flood at once.
 */
export const controlLoginLimits: LoginGateLimits = {
  startups: { start: 32, rate: 30, full: 128 },
  perSourceStartups: 8,
  perSourceConnections: 64,
  maxConnections: 256,
};

/** Why a connection was not admitted (for the log and the refusal counter). */
export type LoginRefusal =
  | 'too many connections'
  | 'too many connections from this address'
  | 'too many unauthenticated connections from this address'
  | 'too many unauthenticated connections';

/** An admitted connection: tell the gate when it authenticates and when it closes. */
export interface LoginTicket {
  /** The connection authenticated: it no longer counts as a startup. Idempotent. */
  authenticated(): void;
  /** The connection closed. Idempotent. */
  release(): void;
}

interface SourceCount {
  startups: number;
  connections: number;
}

/** Counts connections by address and decides admission. */
export class LoginGate {
  private startups = 0;
  private connections = 0;
  private readonly sources = new Map<string, SourceCount>();

  constructor(
    private readonly limits: LoginGateLimits = controlLoginLimits,
    private readonly random: () => number = Math.random,
  ) {}

  /** Unauthenticated connections now. */
  get startupCount(): number {
    return this.startups;
  }

  /** A ticket for a new connection from `address`, or why it is refused. */
  admit(address: string): LoginTicket | LoginRefusal {
    const source = sourceKey(address);
    const counts = this.sources.get(source) ?? { startups: 0, connections: 0 };
    const { start, rate, full } = this.limits.startups;
    if (this.connections >= this.limits.maxConnections) return 'too many connections';
    if (counts.connections >= this.limits.perSourceConnections)
      return 'too many connections from this address';
    if (counts.startups >= this.limits.perSourceStartups)
      return 'too many unauthenticated connections from this address';
    if (this.startups >= full) return 'too many unauthenticated connections';
    if (this.startups >= start) {
      const percent = rate + ((100 - rate) * (this.startups - start)) / (full - start);
      if (this.random() * 100 < percent) return 'too many unauthenticated connections';
    }
    counts.startups++;
    counts.connections++;
    this.sources.set(source, counts);
    this.startups++;
    this.connections++;
    let unauthenticated = true;
    let open = true;
    const leaveStartups = (): void => {
      if (!unauthenticated) return;
      unauthenticated = false;
      counts.startups--;
      this.startups--;
    };
    return {
      authenticated: leaveStartups,
      release: () => {
        if (!open) return;
        open = false;
        leaveStartups();
        counts.connections--;
        this.connections--;
        if (counts.connections === 0) this.sources.delete(source);
      },
    };
  }
}

/** One key per client address; an IPv4 client seen on a dual-stack socket counts as itself. */
function sourceKey(address: string): string {
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
