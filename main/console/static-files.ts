/**
 * Serves the built renderer (dist/renderer) to the browser: only files under its root, never a
 * directory listing, with the content types a browser needs to run them.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, posix, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * The one form of a request's path everything is decided on: percent-decoded once, `..` and `.`
 * resolved, `/` as `/index.html`. Undefined for a path that cannot be decoded or holds NUL or a
 * backslash. Deciding on one form and serving that same form is what keeps `/%69ndex.html` from
 * being served as the page without the session that `/index.html` needs.
 */
export function canonicalRequestPath(urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const path = posix.normalize(`/${decoded}`);
  return path === '/' ? '/index.html' : path;
}

/**
 * A file to send for a canonical path (canonicalRequestPath: never decoded again here), or undefined
 * when it is outside the root or does not exist.
 */
export async function readStaticFile(
  root: string,
  canonicalPath: string,
): Promise<{ body: Buffer; contentType: string } | undefined> {
  const relative = normalize(canonicalPath).replace(/^([/\\])+/, '');
  const path = join(root, relative);
  // normalize() resolved every `..`; anything still escaping the root is refused.
  if (relative.startsWith('..') || !path.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined;
  const contentType = contentTypes[extname(path)];
  if (!contentType) return undefined;
  try {
    return { body: await readFile(path), contentType };
  } catch {
    return undefined;
  }
}
