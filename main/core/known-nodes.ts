/**
 * The console's copy of the fleet's server entries (names, addresses, pinned host keys), like SSH's
 * known_hosts: refreshed from the directory whenever it answers, used when it does not, so a console
 * can still show and reach the nodes while the directory itself is down. Keys are only ever learned
 * from the directory, never from a node.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { nodeRoles, nodeStates, type ServerEntry } from '../../agent/common/directory/fleet-entries.js';

const serverEntrySchema = z.object({
  dn: z.string(),
  name: z.string(),
  role: z.enum(nodeRoles),
  state: z.enum(nodeStates),
  address: z.string(),
  controlPort: z.number().int(),
  hostKeys: z.array(z.string()),
  endpoints: z.record(z.string(), z.string()),
  description: z.string().optional(),
});

const knownNodesSchema = z.object({ savedAt: z.string(), servers: z.array(serverEntrySchema) });

/** Where the server list is kept between runs. */
export interface KnownNodesStore {
  read(): Promise<ServerEntry[] | undefined>;
  write(servers: ServerEntry[]): Promise<void>;
}

/** A KnownNodesStore in one JSON file, replaced atomically. */
export class KnownNodesFile implements KnownNodesStore {
  private lastWritten = '';

  constructor(readonly path: string) {}

  async read(): Promise<ServerEntry[] | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = knownNodesSchema.safeParse(JSON.parse(text));
      return parsed.success ? (parsed.data.servers as ServerEntry[]) : undefined;
    } catch {
      return undefined; // a damaged cache is no worse than none
    }
  }

  async write(servers: ServerEntry[]): Promise<void> {
    const body = JSON.stringify(servers);
    if (body === this.lastWritten) return;
    const temp = `${this.path}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify({ savedAt: new Date().toISOString(), servers }, null, 1)}\n`, {
      mode: 0o600,
    });
    await rename(temp, this.path);
    this.lastWritten = body;
  }
}
