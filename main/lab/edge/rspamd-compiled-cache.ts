/**
 * rspamd's compiled Hyperscan databases, shared between lab homes. On a new home rspamd compiles
 * the URL suffix list (~9,600 TLDs) and its regular expressions before it answers: 36 s to a minute
 * on a loaded 2-core machine, against 1 s when its data directory holds the compiled files. They
 * depend only on rspamd's rules and version, and rspamd names them by a hash of what they compile
 * and checks them before use (a stale one is compiled again), so a copy made by one lab serves the
 * next: kept under `$XDG_CACHE_HOME/mailfleet/rspamd` (else `~/.cache/mailfleet/rspamd`).
 */
import { copyFile, mkdir, readdir, rename } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** rspamd's compiled multi-pattern and regular-expression databases. */
const compiled = /^[0-9a-f]{16,}\.(?:hsmp|hsmc)$/;

/** The shared cache directory. */
export function rspamdCompiledCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mailfleet', 'rspamd');
}

/** Copies the compiled files `from` has and `to` lacks; never throws (a cache only saves time). */
export async function copyCompiledFiles(from: string, to: string): Promise<number> {
  try {
    const have = new Set(await readdir(to).catch(() => []));
    const wanted = (await readdir(from)).filter((name) => compiled.test(name) && !have.has(name));
    if (wanted.length === 0) return 0;
    await mkdir(to, { recursive: true });
    for (const name of wanted) {
      // Written aside, then renamed: another lab reading the cache never sees half a file.
      const partial = join(to, `.${name}.${process.pid}`);
      await copyFile(join(from, name), partial);
      await rename(partial, join(to, name));
    }
    return wanted.length;
  } catch {
    return 0;
  }
}
