/**
 * Parts of a metrics sample beyond counters, supplied by the module that owns them (the store
 * module supplies `store`, e.g. the top quota users; the directory client `directory`, the
 * server it uses). Read once per sample like counters.
 */
import type { NodeMetrics } from '../common/contract/node-metrics.js';

/** The optional sections of a sample. */
export type SampleSectionValues = Pick<NodeMetrics, 'store' | 'directory' | 'replication'>;
type SectionName = keyof SampleSectionValues;

/** The section providers of one agent. */
export class SampleSections {
  private readonly providers = new Map<SectionName, () => unknown>();

  /** Supplies a section; returns the function that removes it again. */
  register<K extends SectionName>(name: K, read: () => NonNullable<SampleSectionValues[K]>): () => void {
    if (this.providers.has(name)) throw new Error(`sample section ${name} is already supplied`);
    this.providers.set(name, read);
    return () => {
      if (this.providers.get(name) === read) this.providers.delete(name);
    };
  }

  /** Every section; one whose provider throws is left out of this sample. */
  readAll(): SampleSectionValues {
    const values: Record<string, unknown> = {};
    for (const [name, read] of this.providers) {
      try {
        values[name] = read();
      } catch {
        // Like a broken counter: the sample goes out without it.
      }
    }
    return values as SampleSectionValues;
  }
}
