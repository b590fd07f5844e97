/**
 * slapd's record of every write (slapo-auditlog, `auditlog <file>` in the shipped configuration),
 * read by the agent on the directory host as audit entries: who wrote (the bound DN on the record's
 * first line), which entry, which attributes. Values are never taken: the file holds password
 * hashes (and slapo-ppolicy's history), which stay in it, mode 0600 to slapd's user as its database.
 *
 * A record, as slapd 2.5 writes it:
 *
 *     # modify 1796631341 dc=example uid=hd,ou=admins,dc=example IP=127.0.0.1:47994 conn=1001
 *     dn: uid=alice,cn=alpha.example,ou=domains,dc=example
 *     changetype: modify
 *     replace: userPassword
 *     userPassword:: e1NTSEE1...
 *     -
 *     # end modify 1796631341
 */
import { open } from 'node:fs/promises';
import type { AuditEntry } from '../../common/contract/methods.js';
import { paramsDigest } from '../../control/audit-log.js';
import { targetOfDn, writerOfDn } from '../embedded/directory-change-audit.js';

// Only the end of a long file is read: the tail of a log, not its history.
const tailBytes = 4 * 1024 * 1024;

// What slapd adds to every write by itself; naming them would only hide what the person changed.
const operational = new Set([
  'entrycsn',
  'entryuuid',
  'modifiersname',
  'modifytimestamp',
  'creatorsname',
  'createtimestamp',
  'structuralobjectclass',
  'pwdchangedtime',
  'pwdhistory',
  'pwdfailuretime',
  'pwdaccountlockedtime',
  'pwdgraceusetime',
  'pwdreset',
  'contextcsn',
]);

const header = /^# (add|modify|delete|modrdn) (\d+) (\S+) (\S+)/;

/** Reads slapd's audit log at `path` as the audit entries of node `node`. */
export class SlapdAuditLog {
  constructor(
    readonly path: string,
    private readonly node: string,
  ) {}

  /**
   * The newest `limit` writes that `keep` accepts (every one by default), oldest first, from the
   * file's last 4 MiB; none when the file does not exist yet.
   */
  async tail(limit: number, keep: (entry: AuditEntry) => boolean = () => true): Promise<AuditEntry[]> {
    let text: string;
    try {
      const file = await open(this.path, 'r');
      try {
        const { size } = await file.stat();
        const length = Math.min(size, tailBytes);
        const chunk = Buffer.alloc(length);
        await file.read(chunk, 0, length, size - length);
        text = chunk.toString('utf8');
      } finally {
        await file.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return parseSlapdAuditLog(text, this.node).filter(keep).slice(-limit);
  }
}

/** The audit entries of the complete records in `text` (a partial first or last record is left out). */
export function parseSlapdAuditLog(text: string, node: string): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let record: string[] | undefined;
  for (const line of text.split('\n')) {
    if (header.test(line)) record = [line];
    else if (line.startsWith('# end ')) {
      if (record) {
        const entry = recordEntry(unfold(record), node);
        if (entry) entries.push(entry);
      }
      record = undefined;
    } else record?.push(line);
  }
  return entries;
}

// LDIF continues a long line on the next one, which starts with a space.
function unfold(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (line.startsWith(' ') && out.length > 0) out[out.length - 1] += line.slice(1);
    else out.push(line);
  }
  return out;
}

function recordEntry(lines: string[], node: string): AuditEntry | undefined {
  const [, operation, seconds, , writer] = header.exec(lines[0] ?? '') ?? [];
  const dn = lines.map(dnOf).find((value) => value !== undefined);
  if (!operation || !seconds || !writer || !dn) return undefined;
  const attributes: string[] = [];
  const classes: string[] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0 || line.startsWith('#')) continue;
    const name = line.slice(0, colon).toLowerCase();
    if (operation === 'modify' && ['add', 'replace', 'delete', 'increment'].includes(name)) {
      attributes.push(line.slice(colon + 1).trim());
    } else if (operation === 'add' && !['dn', 'changetype'].includes(name)) {
      attributes.push(name);
      if (name === 'objectclass') classes.push(line.slice(colon + 1).trim());
    } else if (operation === 'modrdn' && name === 'newrdn') {
      attributes.push(
        line
          .slice(colon + 1)
          .trim()
          .split('=')[0] ?? '',
      );
    }
  }
  const changed = attributes.filter((a) => a !== '' && !operational.has(a.toLowerCase()));
  const names = changed.map((a) => a.toLowerCase());
  const kind =
    operation === 'modrdn'
      ? 'rename'
      : operation === 'modify' && names.length === 1 && names[0] === 'userpassword'
        ? 'password'
        : operation;
  const key = normalizedDn(dn);
  const written = dn.slice(dn.indexOf('=') + 1).split(/(?<!\\),/)[0];
  const target = targetOfDn(key, written, classes, changed);
  return {
    at: new Date(Number(seconds) * 1000).toISOString(),
    node,
    caller: writerOfDn(normalizedDn(writer), writer),
    method: `directory.${kind}`,
    paramsDigest: paramsDigest({ kind, dn: key, attributes: target.attributes ?? [] }),
    outcome: 'ok',
    target,
  };
}

function dnOf(line: string): string | undefined {
  if (line.startsWith('dn:: ')) return Buffer.from(line.slice(5), 'base64').toString('utf8');
  if (line.startsWith('dn: ')) return line.slice(4);
  return undefined;
}

// Enough of RFC 4514 matching for the fleet's DNs: lower case, no blanks around separators.
function normalizedDn(dn: string): string {
  return dn
    .split(/(?<!\\),/)
    .map((rdn) => rdn.trim().replace(/\s*=\s*/, '='))
    .join(',')
    .toLowerCase();
}
