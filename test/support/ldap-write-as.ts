/** Writes to a test directory as an admin would from any LDAP tool (ldapmodify), not through mailfleet. */
import { Client } from 'ldapts';

/** Binds to `url` as `bindDn` and runs `change` on the bound client, then unbinds. */
export async function writeAs(
  url: string,
  bindDn: string,
  password: string,
  change: (client: Client) => Promise<unknown>,
): Promise<void> {
  const client = new Client({ url });
  try {
    await client.bind(bindDn, password);
    await change(client);
  } finally {
    await client.unbind();
  }
}
