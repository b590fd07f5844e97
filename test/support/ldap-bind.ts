/** One bind on a connection of its own, as a password-guessing client makes it. */
import { connect } from 'node:net';
import { Client } from 'ldapts';

/**
 * Binds as `dn` on a new connection (from `localAddress`, a loopback address such as 127.0.0.2,
 * when given) and closes it; resolves with the error, or undefined when the bind succeeded.
 */
export async function tryBind(
  url: string,
  dn: string,
  password: string,
  localAddress?: string,
): Promise<unknown> {
  const client = new Client({
    url,
    ...(localAddress
      ? {
          createConnection: ((port: number, host: string) =>
            connect({ port, host, localAddress })) as unknown as typeof connect,
        }
      : {}),
  });
  try {
    await client.bind(dn, password);
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await client.unbind().catch(() => {});
  }
}
