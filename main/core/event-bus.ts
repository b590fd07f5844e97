/**
 * A typed event bus whose listeners are keyed by owner, so one `removeOwner(owner)` call drops every
 * listener a module or window registered (no leaked listeners when a view closes).
 */
export class EventBus<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Map<object, Set<(payload: never) => void>>>();

  /** Registers `listener` for `event` on behalf of `owner`. */
  on<E extends keyof Events>(event: E, owner: object, listener: (payload: Events[E]) => void): void {
    let byOwner = this.listeners.get(event);
    if (!byOwner) {
      byOwner = new Map();
      this.listeners.set(event, byOwner);
    }
    let set = byOwner.get(owner);
    if (!set) {
      set = new Set();
      byOwner.set(owner, set);
    }
    set.add(listener as (payload: never) => void);
  }

  /** Removes every listener `owner` registered, on every event. */
  removeOwner(owner: object): void {
    for (const byOwner of this.listeners.values()) byOwner.delete(owner);
  }

  /** Calls every listener; a throwing listener is reported to `onListenerError` and the rest still run. */
  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    const byOwner = this.listeners.get(event);
    if (!byOwner) return;
    for (const set of [...byOwner.values()]) {
      for (const listener of [...set]) {
        try {
          (listener as (p: Events[E]) => void)(payload);
        } catch (error) {
          this.onListenerError(error, String(event));
        }
      }
    }
  }

  /** Where listener failures go; by default to stderr, so one bad view cannot stop the fleet stream. */
  onListenerError: (error: unknown, event: string) => void = (error, event) => {
    process.stderr.write(
      `listener for ${event} failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  };
}
