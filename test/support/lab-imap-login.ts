/**
 * A mail client's login to a lab: imapflow over IMAPS through the director's proxy (the address
 * fleet.json lists), trusting the lab CA. Resolves true when the login worked, false when the
 * password was refused; anything else (the proxy down) throws. Or reads the subjects in the INBOX.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { fleetProfileSchema } from '../../main/core/fleet-profile.js';

/** An imapflow client for `address` to the lab's director01 (IMAPS), not connected yet. */
async function labImapClient(home: string, address: string, password: string): Promise<ImapFlow> {
  const profile = fleetProfileSchema.parse(JSON.parse(await readFile(join(home, 'fleet.json'), 'utf8')));
  const value = profile.nodes.find((n) => n.name === 'director01')?.services.imaps;
  if (!value) throw new Error('fleet.json lists no imaps for director01');
  const at = value.lastIndexOf(':');
  const client = new ImapFlow({
    host: value.slice(0, at),
    port: Number(value.slice(at + 1)),
    secure: true,
    tls: { ca: [await readFile(String(profile.endpoints.tlsCaFile), 'utf8')], servername: 'localhost' },
    auth: { user: address, pass: password },
    logger: false,
  });
  client.on('error', () => {});
  return client;
}

/** Logs in as `address` with `password` through the lab's director01 (IMAPS); logs out at once. */
export async function labImapLogin(home: string, address: string, password: string): Promise<boolean> {
  const client = await labImapClient(home, address, password);
  try {
    await client.connect();
  } catch (error) {
    if ((error as { authenticationFailed?: boolean }).authenticationFailed) return false;
    throw error;
  }
  await client.logout();
  return true;
}

/** The subjects in `address`'s INBOX in UID order, read through the lab's director01 (IMAPS). */
export async function labInboxSubjects(home: string, address: string, password: string): Promise<string[]> {
  const client = await labImapClient(home, address, password);
  await client.connect();
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const subjects: string[] = [];
      if (client.mailbox && client.mailbox.exists > 0)
        for await (const message of client.fetch('1:*', { envelope: true }))
          subjects.push(message.envelope?.subject ?? '');
      return subjects;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}
