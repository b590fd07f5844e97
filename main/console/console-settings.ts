/**
 * What the console remembers between starts (today only the chosen language), in a small JSON file
 * beside the fleet profile's owner's settings (mode 0600). A missing or unreadable file means
 * defaults: the console must start even when its settings are damaged.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { consoleLocale } from './console-contract.js';

export const consoleSettingsSchema = z.object({ locale: consoleLocale.optional() });
export type ConsoleSettings = z.infer<typeof consoleSettingsSchema>;

/** Where settings are kept; a test or a second console can use its own. */
export interface ConsoleSettingsStore {
  read(): Promise<ConsoleSettings>;
  write(settings: ConsoleSettings): Promise<void>;
}

/** Settings in one JSON file, replaced atomically. */
export class ConsoleSettingsFile implements ConsoleSettingsStore {
  constructor(readonly path: string) {}

  /** The stored settings, or `{}` when there are none or they do not parse. */
  async read(): Promise<ConsoleSettings> {
    try {
      const parsed = consoleSettingsSchema.safeParse(JSON.parse(await readFile(this.path, 'utf8')));
      return parsed.success ? parsed.data : {};
    } catch {
      return {};
    }
  }

  /** Writes through a temporary file so a crash never leaves half a file. */
  async write(settings: ConsoleSettings): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(consoleSettingsSchema.parse(settings), null, 2)}\n`, {
      mode: 0o600,
    });
    await rename(temporary, this.path);
  }
}

/** Settings kept in memory only (browser-mode tests, throwaway consoles). */
export class MemorySettings implements ConsoleSettingsStore {
  private settings: ConsoleSettings = {};
  /** The settings as last written. */
  async read(): Promise<ConsoleSettings> {
    return { ...this.settings };
  }
  /** Replaces the settings. */
  async write(settings: ConsoleSettings): Promise<void> {
    this.settings = { ...settings };
  }
}
