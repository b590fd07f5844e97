/** The two directory backends every directory client test runs against. */
import type { DirectoryEntry } from '../../agent/common/directory/directory-entry.js';
import { startEmbeddedDirectory } from './embedded-directory.js';
import { startSlapd } from './slapd.js';
import type { TestDirectory, TestDirectoryOptions } from './test-directory.js';

/** A backend: its name (for describe.each) and how to start it. */
export interface DirectoryBackend {
  name: 'embedded' | 'slapd';
  start(baseDn: string, entries: DirectoryEntry[], options?: TestDirectoryOptions): Promise<TestDirectory>;
}

export const directoryBackends: DirectoryBackend[] = [
  { name: 'embedded', start: startEmbeddedDirectory },
  { name: 'slapd', start: startSlapd },
];
