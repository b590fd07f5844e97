/**
 * The audit record of a directory write, made by the embedded directory itself: a change made with
 * anyone's own bind (the console's password reset, a user, alias, group or quota edit) is on record
 * whether or not the tool that made it records anything. It names the bound DN (the person), the
 * entry (which user, alias, group, domain) and the attributes written, never their values: a
 * password, or its hash, never reaches the log.
 */
import { createHash } from 'node:crypto';
import type { AuditEntry, AuditTarget } from '../../common/contract/methods.js';
import { canonicalJson } from '../../control/audit-log.js';
import type { Identity } from './access-control.js';
import type { StoredEntry } from './stored-entry.js';

/** The kinds of directory write. */
export type DirectoryWriteKind = 'add' | 'modify' | 'delete' | 'rename' | 'password';

/** One committed write, as the write operations describe it. */
export interface DirectoryWrite {
  kind: DirectoryWriteKind;
  identity: Identity;
  /** The entry after the write (before it, for a delete). */
  entry: StoredEntry;
  /** Attribute names written or removed (lower-case canonical or schema spelling). */
  attributes: string[];
  /** The bound admin's tier (`mailfleetAdminTier` of its entry), when the writer is an admin. */
  writerTier?: string;
}

/** Records a committed write durably; rejects if the record could not be made. */
export type DirectoryChangeRecorder = (write: DirectoryWrite) => Promise<void>;

/** The audit entry of one write on node `node` at `at` (ms). */
export function directoryChangeEntry(node: string, at: number, write: DirectoryWrite): AuditEntry {
  const target = directoryTarget(write.entry, write.attributes);
  return {
    at: new Date(at).toISOString(),
    node,
    caller: callerOf(write.identity, write.writerTier),
    method: `directory.${write.kind}`,
    // Over what was changed, not the values: a digest of a password would be a hash to guess at.
    paramsDigest: createHash('sha256')
      .update(canonicalJson({ kind: write.kind, dn: write.entry.key, attributes: target.attributes ?? [] }))
      .digest('hex'),
    outcome: 'ok',
    target,
  };
}

/**
 * The person, named as the control plane names callers: an admin by uid and tier, a node's agent
 * by node name as `peer`; the root DN, or any other entry bound as itself, by DN.
 */
function callerOf(identity: Identity, tier: string | undefined): AuditEntry['caller'] {
  if (identity.kind === 'anonymous') return { kind: 'directory', id: 'anonymous' };
  if (identity.kind === 'root') return { kind: 'directory-root', id: identity.dn };
  return writerOfDn(identity.key, identity.dn, tier);
}

/** The writer named by a normalized DN `key`: an admin by uid (and tier when known), a node as `peer`. */
export function writerOfDn(key: string, dn: string, tier?: string): AuditEntry['caller'] {
  const [rdn = '', container = ''] = key.split(/(?<!\\),/);
  const name = keyValue(rdn.slice(rdn.indexOf('=') + 1));
  if (container === 'ou=admins') return { kind: tier ?? 'directory', id: name };
  if (container === 'ou=servers') return { kind: 'peer', id: name };
  return { kind: 'directory', id: dn };
}

/** Which user, alias, group, domain, admin, server or store an entry is, from its DN and classes. */
export function directoryTarget(entry: StoredEntry, attributes: string[]): AuditTarget {
  const classes = entry.attributes.get('objectclass')?.values ?? [];
  return targetOfDn(entry.key, entry.rdn[0]?.value, classes, attributes);
}

/**
 * The target named by a normalized DN `key` (lower-case types, `ou=domains` spelled so), the
 * naming value as written, the entry's object classes (may be unknown: then an entry named by cn
 * below a domain is a group when members were written, an alias otherwise) and the attributes.
 */
export function targetOfDn(
  key: string,
  writtenName: string | undefined,
  classes: readonly string[],
  attributes: readonly string[],
): AuditTarget {
  const rdns = key.split(/(?<!\\),/);
  const domainsAt = rdns.indexOf('ou=domains');
  const classSet = new Set(classes.map((c) => c.toLowerCase()));
  const named = [...new Set(attributes.map((a) => a.toLowerCase()))].sort();
  const value = (rdn: string | undefined) => keyValue(rdn?.slice(rdn.indexOf('=') + 1) ?? '');
  // The name as written (the key's values are normalized, e.g. lower case).
  const written = writtenName ?? value(rdns[0]);
  if (domainsAt >= 1) {
    const domain = value(rdns[domainsAt - 1]).toLowerCase();
    if (domainsAt === 1) return { kind: 'domain', name: domain, domain, attributes: named };
    const name = written;
    if (rdns[0]?.startsWith('uid='))
      return { kind: 'user', name: `${name}@${domain}`, domain, attributes: named };
    const group =
      classSet.has('mailfleetmailgroup') ||
      classSet.has('groupofnames') ||
      (classSet.size === 0 && named.includes('member'));
    const kind = group ? 'group' : 'alias';
    return { kind, name: name.includes('@') ? name : `${name}@${domain}`, domain, attributes: named };
  }
  const container = rdns[1];
  if (container === 'ou=admins') return { kind: 'admin', name: written, attributes: named };
  if (container === 'ou=servers') return { kind: 'server', name: written, attributes: named };
  if (container === 'ou=stores') return { kind: 'store', name: written, attributes: named };
  return { kind: 'entry', name: key, attributes: named };
}

// Entry keys escape `\`, `,`, `+` and `=` with a backslash (stored-entry.ts).
function keyValue(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}
