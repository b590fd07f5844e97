/** Checking a password the only way LDAP allows: a bind, on a connection of its own. */
import { Client, InvalidCredentialsError } from 'ldapts';

/**
 * Whether `password` is `dn`'s password: binds on a separate short-lived connection (so the
 * shared connection keeps its identity) and closes it. Throws for anything but a plain
 * "invalid credentials" answer (server unreachable, ...). Never call with an empty password: that
 * is an unauthenticated bind, which some servers accept.
 */
export async function passwordMatches(
  url: string,
  dn: string,
  password: string,
  timeoutMs: number,
): Promise<boolean> {
  const client = new Client({ url, timeout: timeoutMs, connectTimeout: 5_000 });
  try {
    await client.bind(dn, password);
    return true;
  } catch (error) {
    if (error instanceof InvalidCredentialsError) return false;
    throw error;
  } finally {
    await client.unbind().catch(() => {});
  }
}
