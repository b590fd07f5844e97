/** The embedded directory as a test backend: imported offline, then served on a free loopback port. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DirectoryEntry } from '../../agent/common/directory/directory-entry.js';
import { EmbeddedDirectoryServer } from '../../agent/directory/embedded/embedded-directory-server.js';
import { importDirectoryEntries } from '../../agent/directory/embedded/import-entries.js';
import type { TestDirectory, TestDirectoryOptions } from './test-directory.js';

/** Starts an embedded directory seeded with `entries`. */
export async function startEmbeddedDirectory(
  baseDn: string,
  entries: DirectoryEntry[],
  settings: TestDirectoryOptions = {},
): Promise<TestDirectory> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mailfleet-embedded-'));
  await importDirectoryEntries(dataDir, baseDn, entries);
  const rootDn = `cn=root,${baseDn}`;
  const rootPassword = 'root-secret';
  let clockOffset = 0;
  const idleMs = settings.idleTimeoutSeconds === undefined ? undefined : settings.idleTimeoutSeconds * 1000;
  const options = {
    dataDir,
    baseDn,
    rootDn,
    rootPassword,
    clock: { now: () => Date.now() + clockOffset },
    ...(idleMs === undefined
      ? {}
      : { connectionLimits: { idleTimeoutMs: idleMs, unboundIdleTimeoutMs: idleMs } }),
  };
  let server = new EmbeddedDirectoryServer({ ...options, port: 0 });
  await server.start();
  let url = server.url;
  let stopped = false;
  return {
    kind: 'embedded',
    get url() {
      return url;
    },
    baseDn,
    rootDn,
    rootPassword,
    async restart() {
      await server.stop();
      const port = Number(new URL(url).port);
      server = new EmbeddedDirectoryServer({ ...options, port });
      await server.start();
      url = server.url;
    },
    advanceClock(ms: number) {
      clockOffset += ms;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
