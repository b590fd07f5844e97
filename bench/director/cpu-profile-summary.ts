/**
 * Where a process spent its CPU, from the `.cpuprofile` files `node --cpu-prof` writes: self time
 * per function (name, file:line) as a share of the busy time, largest first, for the bench output.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const profileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      hitCount: z.number().optional(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
    }),
  ),
  samples: z.array(z.number()).optional(),
});

/** The `top` functions by self time over every profile in `dir`, in percent of the busy time (idle left out). */
export async function summariseCpuProfiles(dir: string, top: number): Promise<string[]> {
  const selfHits = new Map<string, number>();
  let total = 0;
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.cpuprofile'))) {
    const profile = profileSchema.parse(JSON.parse(await readFile(join(dir, name), 'utf8')));
    for (const node of profile.nodes) {
      const hits = node.hitCount ?? 0;
      const { functionName, url, lineNumber } = node.callFrame;
      // Waiting for the network or the disk is not where the process spends CPU.
      if (hits === 0 || functionName === '(idle)') continue;
      const where = url ? `${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}` : '';
      const key = `${functionName || '(anonymous)'} ${where}`.trim();
      selfHits.set(key, (selfHits.get(key) ?? 0) + hits);
      total += hits;
    }
  }
  return [...selfHits]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, hits]) => `${((hits / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
}
