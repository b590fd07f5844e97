/**
 * Delivery holds: while a user is held (a mailbox move is cutting over), deliveries to them are
 * refused with a temporary reply, so the director keeps the mail queued. `hold()` resolves once
 * the deliveries already in flight for that user are durable, so the mover knows nothing else
 * will land in the mailbox until `release()`.
 */

/** Held users and deliveries in flight. */
export class DeliveryHolds {
  private readonly held = new Set<string>();
  private readonly inFlight = new Map<string, Set<Promise<unknown>>>();

  /** Holds a user; resolves when their in-flight deliveries have finished. */
  async hold(user: string): Promise<void> {
    const key = user.toLowerCase();
    this.held.add(key);
    const running = this.inFlight.get(key);
    if (running) await Promise.allSettled([...running]);
  }

  /** Releases a held user. */
  release(user: string): void {
    this.held.delete(user.toLowerCase());
  }

  /** True while held. */
  isHeld(user: string): boolean {
    return this.held.has(user.toLowerCase());
  }

  /** Held users, for status displays. */
  heldUsers(): string[] {
    return [...this.held].sort();
  }

  /** Runs a delivery for a user, tracked so `hold()` can wait for it. */
  async track<T>(user: string, delivery: () => Promise<T>): Promise<T> {
    const key = user.toLowerCase();
    const running = delivery();
    let set = this.inFlight.get(key);
    if (!set) {
      set = new Set();
      this.inFlight.set(key, set);
    }
    set.add(running);
    try {
      return await running;
    } finally {
      set.delete(running);
      if (set.size === 0) this.inFlight.delete(key);
    }
  }
}
