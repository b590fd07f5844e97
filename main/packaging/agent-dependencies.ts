/**
 * Which npm packages the installed agent needs: the packages the built agent imports, and what
 * they need in turn, resolved through package-lock.json the way Node resolves them (nested
 * node_modules first, then upward). Console-only packages (React, recharts...) and dev tools stay
 * out of the Debian package.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const lockedPackage = z
  .object({
    version: z.string().optional(),
    dev: z.boolean().optional(),
    optional: z.boolean().optional(),
    link: z.boolean().optional(),
    dependencies: z.record(z.string(), z.string()).optional(),
    optionalDependencies: z.record(z.string(), z.string()).optional(),
    peerDependencies: z.record(z.string(), z.string()).optional(),
    peerDependenciesMeta: z.record(z.string(), z.object({ optional: z.boolean().optional() })).optional(),
  })
  .loose();

const lockFile = z.object({
  lockfileVersion: z.number().min(2),
  packages: z.record(z.string(), lockedPackage),
});

/** The npm package name of a bare import specifier (`nodemailer/lib/x` -> `nodemailer`). */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** Every bare import in the built JavaScript under `dir` (not `node:` builtins). */
export async function importedPackages(dir: string): Promise<Set<string>> {
  const names = new Set<string>();
  // Static imports start a line in tsc's output; dynamic ones take a string literal.
  const pattern =
    /^(?:import|export)\s[^;]*?from\s*'([^']+)'|^import\s*'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm;
  const packageName = /^(?:@[a-z0-9._-]+\/)?[a-z0-9._-]+(?:\/[^'\s]*)?$/;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const text = await readFile(join(entry.parentPath, entry.name), 'utf8');
    for (const match of text.matchAll(pattern)) {
      const specifier = match[1] ?? match[2] ?? match[3]!;
      if (specifier.startsWith('.') || specifier.startsWith('node:') || !packageName.test(specifier))
        continue;
      names.add(packageNameOf(specifier));
    }
  }
  return names;
}

/**
 * The lock file paths (`node_modules/a`, `node_modules/a/node_modules/b`) of `roots` and everything
 * they depend on. Optional dependencies are left out: the ones in this tree are native speed-ups
 * (ssh2's cpu-features) with a pure-JavaScript fallback, and a package of architecture `all` must
 * not carry a binary built on the packaging machine.
 */
export async function dependencyClosure(projectDir: string, roots: Iterable<string>): Promise<string[]> {
  const parsed = lockFile.parse(JSON.parse(await readFile(join(projectDir, 'package-lock.json'), 'utf8')));
  const packages = parsed.packages;
  const resolve = (from: string, name: string): string | undefined => {
    let base = from;
    for (;;) {
      const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
      if (packages[candidate]) return candidate;
      if (base === '') return undefined;
      const cut = base.lastIndexOf('/node_modules/');
      base = cut === -1 ? '' : base.slice(0, cut);
    }
  };
  const found = new Set<string>();
  const queue: Array<[string, string]> = [...roots].map((name) => ['', name]);
  while (queue.length > 0) {
    const [from, name] = queue.shift()!;
    const path = resolve(from, name);
    if (!path) throw new Error(`package-lock.json has no ${name} (needed by ${from || 'the agent'})`);
    if (found.has(path)) continue;
    const locked = packages[path]!;
    if (locked.dev) throw new Error(`the agent imports ${name}, a devDependency: make it a dependency`);
    found.add(path);
    const needed = { ...locked.dependencies };
    for (const [peer] of Object.entries(locked.peerDependencies ?? {})) {
      if (!locked.peerDependenciesMeta?.[peer]?.optional) needed[peer] = '*';
    }
    for (const dependency of Object.keys(needed)) queue.push([path, dependency]);
  }
  return [...found].sort();
}
