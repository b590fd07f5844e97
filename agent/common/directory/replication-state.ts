/**
 * How far an OpenLDAP provider has come in multi-provider replication: the `contextCSN` values of
 * the suffix entry (slapo-syncprov keeps one per serverID, the newest change it holds from that
 * server). A client moving back to a preferred directory after an outage asks this first, so it
 * does not read from a server that is still catching up (a user added meanwhile would look missing
 * and its mail would bounce).
 */
import type { Client } from 'ldapts';

/** A provider's newest change CSN per serverID (`001`, `002`, ...). */
export type ChangeStamps = Map<string, string>;

/**
 * Reads the suffix entry's `contextCSN` values. A server without them (the embedded directory, a
 * single slapd without syncprov) gives an empty map.
 */
export async function readChangeStamps(client: Client, baseDn: string): Promise<ChangeStamps> {
  const { searchEntries } = await client.search(baseDn, {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['contextCSN'],
  });
  const stamps: ChangeStamps = new Map();
  const raw = searchEntries[0]?.contextCSN;
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  for (const value of values) {
    const csn = value.toString();
    // YYYYmmddHHMMSS.uuuuuuZ#count#sid#mod: fixed widths, so strings compare like the stamps.
    const sid = csn.split('#')[2];
    if (sid !== undefined) stamps.set(sid, csn);
  }
  return stamps;
}

/**
 * Whether `candidate` holds every change `reference` holds: for each serverID of the reference,
 * the candidate's CSN is at least as new. Two servers without stamps are equal.
 */
export function hasCaughtUp(candidate: ChangeStamps, reference: ChangeStamps): boolean {
  for (const [sid, csn] of reference) {
    const theirs = candidate.get(sid);
    if (theirs === undefined || theirs < csn) return false;
  }
  return true;
}
