/**
 * Serves the built renderer (dist/renderer) to the browser: only files under its root, never a
 * directory listing, with the content types a browser needs to run them.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

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

/** A file to send, or undefined when the path is outside the root or does not exist. */
export async function readStaticFile(
  root: string,
  urlPath: string,
): Promise<{ body: Buffer; contentType: string } | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const relative = normalize(decoded === '/' ? '/index.html' : decoded).replace(/^([/\\])+/, '');
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
