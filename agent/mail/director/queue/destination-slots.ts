/** Per-destination concurrency limits: at most N deliveries in flight to one store at a time. */

/** Counting semaphores keyed by destination. */
export class DestinationSlots {
  private readonly slots = new Map<string, { active: number; waiting: (() => void)[] }>();

  constructor(private readonly limit: number) {}

  /** Waits for a free slot at `key`; call the returned function to give it back. */
  async acquire(key: string): Promise<() => void> {
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { active: 0, waiting: [] };
      this.slots.set(key, slot);
    }
    if (slot.active >= this.limit) {
      const queued = slot;
      await new Promise<void>((resolve) => queued.waiting.push(resolve));
    } else {
      slot.active++;
    }
    const held = slot;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = held.waiting.shift();
      // The slot passes straight to the next waiter, so `active` stays the same.
      if (next) next();
      else if (--held.active === 0) this.slots.delete(key);
    };
  }

  /** Deliveries in flight and waiting, per destination. */
  snapshot(): Record<string, { active: number; waiting: number }> {
    const out: Record<string, { active: number; waiting: number }> = {};
    for (const [key, slot] of this.slots) out[key] = { active: slot.active, waiting: slot.waiting.length };
    return out;
  }
}
