/**
 * Role counters (`queue_depth`, `imap_sessions`, `deliveries_total`...) that lifecycle modules
 * register. Each is read once per sample; names are Prometheus-safe snake_case so the same name
 * appears in `metrics.sample` and in `/metrics`.
 */

/** Prometheus kind of a counter: `gauge` goes up and down, `counter` only up. */
export type CounterKind = 'gauge' | 'counter';

/** One registered figure. */
export interface RoleCounter {
  /** snake_case, e.g. `queue_depth`. */
  readonly name: string;
  readonly kind: CounterKind;
  /** One sentence for `# HELP`. */
  readonly help: string;
  read(): number;
}

const counterName = /^[a-z][a-z0-9_]*$/;

/** The counters of one agent. */
export class CounterRegistry {
  private readonly counters = new Map<string, RoleCounter>();

  /** Adds a counter; returns a function that removes it (for the module's stop()). */
  register(counter: RoleCounter): () => void {
    if (!counterName.test(counter.name)) throw new Error(`counter name must be snake_case: ${counter.name}`);
    if (this.counters.has(counter.name)) throw new Error(`counter ${counter.name} is already registered`);
    this.counters.set(counter.name, counter);
    return () => {
      if (this.counters.get(counter.name) === counter) this.counters.delete(counter.name);
    };
  }

  /** Descriptions of every counter, for `# HELP`/`# TYPE`. */
  describe(): Array<Pick<RoleCounter, 'name' | 'kind' | 'help'>> {
    return [...this.counters.values()].map(({ name, kind, help }) => ({ name, kind, help }));
  }

  /** Reads every counter; one that throws or returns a non-number is left out of this sample. */
  readAll(): Record<string, number> {
    const values: Record<string, number> = {};
    for (const counter of this.counters.values()) {
      try {
        const value = counter.read();
        if (Number.isFinite(value)) values[counter.name] = value;
      } catch {
        // A broken counter must not cost the whole sample; its absence shows in the console.
      }
    }
    return values;
  }
}
