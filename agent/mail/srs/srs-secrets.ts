/**
 * The director's SRS secrets, in one file like postsrsd's: one secret a line, the first signs new
 * addresses, every line is accepted on the way back (to change the secret, put a new line first and
 * keep the old one for 21 days). Generated at first start (32 random bytes, base64) with mode 0600;
 * the secrets are never logged.
 */
import { randomBytes } from 'node:crypto';
import { chmod, readFile } from 'node:fs/promises';
import { isMissing, replaceFileAtomically } from '../../common/durable-fs.js';

/**
 * Reads the secrets; with `create` (the director), makes the file with a fresh secret when there is
 * none. A gateway only reads its copy of the director's file.
 */
export async function loadSrsSecrets(path: string, create = true): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (!isMissing(error)) throw error;
    if (!create)
      throw new Error(`the SRS secrets file ${path} is missing: copy the director's srs-secrets there`);
    // Durable before the first SRS address leaves: a secret lost in a crash would strand its bounces.
    await replaceFileAtomically(path, `${randomBytes(32).toString('base64')}\n`);
    await chmod(path, 0o600);
    text = await readFile(path, 'utf8');
  }
  const secrets = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (secrets.length === 0) throw new Error(`the SRS secrets file ${path} holds no secret`);
  return secrets;
}
