/**
 * Durability of the embedded directory: the server runs in a child process that is killed with
 * SIGKILL right after an acknowledged write while other writes are in flight, ten times over;
 * after every restart each acknowledged write must be there.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Attribute, Change, Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { mailAliasEntry } from '../../../../agent/common/directory/seed-entries.js';
import { importDirectoryEntries } from '../../../../agent/directory/embedded/import-entries.js';
import {
  type CompiledDirectory,
  compileDirectoryModules,
  embeddedDirectoryChild,
} from '../../../support/compiled-directory.js';
import { seedEntries, seedNames, testBaseDn } from '../../../support/directory-seed.js';

const tree = new FleetTree(testBaseDn);
const rootDn = `cn=root,${testBaseDn}`;
const rootPassword = 'root-secret';
const counterEntries = Object.values(seedNames.admins).map((uid) => tree.admin(uid));

let dataDir: string;
let compiled: CompiledDirectory;

async function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [embeddedDirectoryChild, compiled.root, dataDir, testBaseDn, rootDn, rootPassword],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the directory child exited with ${code}`)));
    lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
  });
  return { child, url };
}

/** Everything the writers know: what was acknowledged and what was sent. */
interface WriteLog {
  acknowledgedAliases: Set<string>;
  acknowledgedCounter: number[];
  sentCounter: number[];
}

async function checkWrites(client: Client, log: WriteLog): Promise<void> {
  const { searchEntries } = await client.search(tree.domain('alpha.example'), {
    scope: 'one',
    filter: '(objectClass=mailfleetMailAlias)',
    attributes: ['mail'],
    paged: { pageSize: 500 },
  });
  const present = new Set(searchEntries.map((e) => String(e.mail)));
  const missing = [...log.acknowledgedAliases].filter((a) => !present.has(a));
  expect(missing).toEqual([]);
  for (const [i, dn] of counterEntries.entries()) {
    const { searchEntries: found } = await client.search(dn, { scope: 'base', attributes: ['description'] });
    const value = Number(found[0]?.description ?? 0);
    expect(value).toBeGreaterThanOrEqual(log.acknowledgedCounter[i] ?? 0);
    expect(value).toBeLessThanOrEqual(log.sentCounter[i] ?? 0);
  }
}

/** Writes until the connection dies; worker 0 kills the server right after its `killAfter`th acknowledged add. */
async function writeUntilKilled(
  round: number,
  url: string,
  child: ChildProcess,
  log: WriteLog,
): Promise<void> {
  const killAfter = 3 + Math.floor(Math.random() * 40);
  let killed = false;
  const worker = async (w: number) => {
    const client = new Client({ url });
    await client.bind(rootDn, rootPassword);
    let acknowledgedHere = 0;
    try {
      for (let n = 1; !killed; n++) {
        if (w % 2 === 0) {
          const address = `r${round}-w${w}-n${n}@alpha.example`;
          const alias = mailAliasEntry(tree, { mail: address, forwardTo: [seedNames.alice] });
          await client.add(alias.dn, alias.attributes);
          log.acknowledgedAliases.add(address);
          acknowledgedHere++;
          if (w === 0 && acknowledgedHere === killAfter) {
            killed = true;
            child.kill('SIGKILL');
          }
        } else {
          const counter = w >> 1;
          const next = (log.sentCounter[counter] ?? 0) + 1;
          log.sentCounter[counter] = next;
          const change = new Change({
            operation: 'replace',
            modification: new Attribute({ type: 'description', values: [String(next)] }),
          });
          await client.modify(counterEntries[counter] as string, change);
          log.acknowledgedCounter[counter] = Math.max(log.acknowledgedCounter[counter] ?? 0, next);
        }
      }
    } catch {
      // The server was killed under this writer: its last write was never acknowledged.
    } finally {
      await client.unbind().catch(() => {});
    }
  };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await Promise.all([0, 1, 2, 3, 4, 5].map(worker));
  await exited;
}

describe('embedded directory durability', () => {
  beforeAll(async () => {
    compiled = await compileDirectoryModules();
    dataDir = await mkdtemp(join(tmpdir(), 'mailfleet-durability-'));
    await importDirectoryEntries(dataDir, testBaseDn, seedEntries(0));
  });

  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    await compiled?.remove();
  });

  it('keeps every acknowledged write across ten kill -9 restarts', async () => {
    const log: WriteLog = { acknowledgedAliases: new Set(), acknowledgedCounter: [], sentCounter: [] };
    for (let round = 0; round < 10; round++) {
      const { child, url } = await startChild();
      const checker = new Client({ url });
      await checker.bind(rootDn, rootPassword);
      await checkWrites(checker, log);
      await checker.unbind();
      await writeUntilKilled(round, url, child, log);
    }
    const { child, url } = await startChild();
    try {
      const checker = new Client({ url });
      await checker.bind(rootDn, rootPassword);
      await checkWrites(checker, log);
      await checker.unbind();
      expect(log.acknowledgedAliases.size).toBeGreaterThan(30);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
