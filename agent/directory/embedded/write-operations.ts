/**
 * The writes of the embedded directory: add, modify, delete, rename and password change. Each one
 * checks access and the schema against the current entries, then commits; it resolves only once
 * the change is durable. Checks and the in-memory apply run without an await between them, so
 * concurrent writes cannot interleave inside one operation. A routed address is held by one entry
 * only (unique-addresses.ts); that check follows the access check, so a writer who may not write
 * an entry learns nothing about the addresses of others.
 */
import { passwordPolicyProblem, passwordPolicyRefusal } from '../../common/directory/password-policy.js';
import type { DirectorySchema } from '../schema/directory-schema.js';
import type { AccessPolicy, Identity, WrittenValues } from './access-control.js';
import type { DirectoryChangeRecorder, DirectoryWrite } from './directory-change-audit.js';
import type { DirectoryDatabase, EntryChange } from './directory-database.js';
import { DomainQuotaBudget } from './domain-quota-budget.js';
import { validateEntry } from './entry-validation.js';
import { LdapResultError, resultCodes } from './ldap-result-error.js';
import { hashPassword, isSupportedHash, verifyPassword } from './password-hash.js';
import {
  parseEntryDn,
  type StoredAttribute,
  type StoredEntry,
  toStoredEntry,
  valuesOf,
} from './stored-entry.js';
import { UniqueAddresses } from './unique-addresses.js';

/** One change of a modify request. */
export interface AttributeModification {
  operation: 'add' | 'delete' | 'replace';
  attribute: string;
  values: string[];
}

/** Adds, modifies, deletes and renames entries for a bound identity. */
export class WriteOperations {
  private readonly uniqueAddresses: UniqueAddresses;
  private readonly quotaBudget: DomainQuotaBudget;

  constructor(
    private readonly db: DirectoryDatabase,
    private readonly schema: DirectorySchema,
    private readonly policy: AccessPolicy,
    private readonly baseDn: string,
    /** Told of every committed write before it is acknowledged (the audit record). */
    private readonly record?: DirectoryChangeRecorder,
  ) {
    this.uniqueAddresses = new UniqueAddresses(baseDn, schema, db.entries);
    this.quotaBudget = new DomainQuotaBudget(db.entries);
  }

  /** Adds an entry; its parent must exist unless it is the suffix entry. */
  add(identity: Identity, dn: string, attributes: Record<string, string[]>): Promise<void> {
    const entry = toStoredEntry(this.schema, { dn, attributes });
    if (this.db.entries.has(entry.key)) {
      throw new LdapResultError(resultCodes.entryAlreadyExists, `${dn} already exists`);
    }
    const isSuffix = entry.key === parseEntryDn(this.schema, this.baseDn).key;
    if (!isSuffix) this.requireParent(entry);
    this.policy.checkWrite(identity, 'add', entry, writtenByAdd(entry));
    hashPasswords(entry);
    validateEntry(this.schema, entry);
    this.uniqueAddresses.check(entry);
    this.quotaBudget.check(entry);
    return this.commit([{ put: entry }], {
      kind: 'add',
      identity,
      entry,
      attributes: [...entry.attributes.keys()],
    });
  }

  /** Applies a modify request's changes in order, all or nothing. */
  modify(identity: Identity, dn: string, modifications: AttributeModification[]): Promise<void> {
    const current = this.existing(dn);
    const touched = modifications.map((m) => this.attributeKey(m.attribute));
    // The values added or put in place (not those deleted), as slapd's ACLs and unique overlay see them.
    const written = modifications.flatMap((m, i) =>
      m.operation === 'delete' ? [] : [[touched[i] as string, m.values] as const],
    );
    this.policy.checkWrite(identity, 'modify', current, { attributes: touched, values: written });
    const attributes = new Map<string, StoredAttribute>();
    for (const [key, attribute] of current.attributes)
      attributes.set(key, { ...attribute, values: [...attribute.values] });
    for (const [i, modification] of modifications.entries()) {
      this.applyModification(attributes, touched[i] as string, modification);
    }
    const next: StoredEntry = { ...current, attributes };
    hashPasswords(next);
    validateEntry(this.schema, next);
    this.uniqueAddresses.check(next, written);
    this.quotaBudget.check(next, current);
    return this.commit([{ put: next }], { kind: 'modify', identity, entry: next, attributes: touched });
  }

  /** Deletes a leaf entry. */
  delete(identity: Identity, dn: string): Promise<void> {
    const current = this.existing(dn);
    if (this.db.entries.children(current.key).size > 0) {
      throw new LdapResultError(
        resultCodes.notAllowedOnNonLeaf,
        `${dn} has entries below it; delete those first`,
      );
    }
    this.policy.checkWrite(identity, 'delete', current);
    return this.commit([{ remove: current }], { kind: 'delete', identity, entry: current, attributes: [] });
  }

  /** Renames (and optionally moves) a leaf entry. */
  rename(
    identity: Identity,
    dn: string,
    newRdn: string,
    deleteOldRdn: boolean,
    newSuperior?: string,
  ): Promise<void> {
    const current = this.existing(dn);
    if (this.db.entries.children(current.key).size > 0) {
      throw new LdapResultError(
        resultCodes.unwillingToPerform,
        `renaming ${dn}, which has entries below it, is not supported`,
      );
    }
    const parentDn = newSuperior ?? parentDnText(dn);
    const newDn = parentDn === '' ? newRdn : `${newRdn},${parentDn}`;
    const target = parseEntryDn(this.schema, newDn);
    if (target.key !== current.key && this.db.entries.has(target.key)) {
      throw new LdapResultError(resultCodes.entryAlreadyExists, `${newDn} already exists`);
    }
    const attributes = new Map<string, StoredAttribute>();
    for (const [key, attribute] of current.attributes)
      attributes.set(key, { ...attribute, values: [...attribute.values] });
    if (deleteOldRdn) {
      for (const part of current.rdn) {
        this.applyModification(attributes, this.attributeKey(part.type), {
          operation: 'delete',
          attribute: part.type,
          values: [part.value],
        });
      }
    }
    const newRdnParts = target.rdns[0] ?? [];
    for (const part of newRdnParts) {
      const key = this.attributeKey(part.type);
      const type = this.schema.attributeType(key);
      const present = (attributes.get(key)?.values ?? []).some(
        (v) => type && this.schema.equalityKey(type, v) === this.schema.equalityKey(type, part.value),
      );
      if (!present)
        this.applyModification(attributes, key, {
          operation: 'add',
          attribute: part.type,
          values: [part.value],
        });
    }
    const next: StoredEntry = {
      dn: newDn,
      key: target.key,
      parentKey: target.parentKey,
      rdn: newRdnParts,
      attributes,
    };
    this.requireParent(next);
    // As slapd on a rename: only the values the new RDN brings are new (addresses, unique check);
    // the admin attributes are judged on the whole entry, which must not leave ou=admins with them.
    const rdnValues = newRdnParts.map((part) => [this.attributeKey(part.type), [part.value]] as const);
    this.policy.checkWrite(identity, 'delete', current);
    this.policy.checkWrite(identity, 'add', next, { attributes: [...attributes.keys()], values: rdnValues });
    validateEntry(this.schema, next);
    this.uniqueAddresses.check(next, rdnValues, current.key);
    // Into another domain, the user's whole quota is new to that domain's budget.
    this.quotaBudget.check(next, next.parentKey === current.parentKey ? current : undefined);
    const changes: EntryChange[] =
      target.key === current.key ? [{ put: next }] : [{ remove: current }, { put: next }];
    const renamed = newRdnParts.map((part) => this.attributeKey(part.type));
    return this.commit(changes, { kind: 'rename', identity, entry: next, attributes: renamed });
  }

  /** Password Modify (RFC 3062): sets userPassword, hashed, for the identity itself or another entry. */
  changePassword(
    identity: Identity,
    userIdentity: string | undefined,
    newPassword: string | undefined,
  ): Promise<void> {
    if (!newPassword) {
      throw new LdapResultError(
        resultCodes.unwillingToPerform,
        'a new password is required (generating one is not supported)',
      );
    }
    let targetDn = userIdentity?.replace(/^dn:/i, '');
    if (!targetDn) {
      if (identity.kind !== 'entry') {
        throw new LdapResultError(
          resultCodes.unwillingToPerform,
          'bind as an entry to change its own password',
        );
      }
      targetDn = identity.dn;
    }
    const current = this.existing(targetDn);
    this.policy.checkWrite(identity, 'password', current);
    checkPasswordPolicy(current, newPassword);
    const attributes = new Map(current.attributes);
    attributes.set('userpassword', { name: 'userPassword', values: [hashPassword(newPassword)] });
    const next: StoredEntry = { ...current, attributes };
    validateEntry(this.schema, next);
    return this.commit([{ put: next }], {
      kind: 'password',
      identity,
      entry: next,
      attributes: ['userPassword'],
    });
  }

  /**
   * Commits, then records the write before it is acknowledged. A write that is durable but could
   * not be recorded answers `other` (80): the client must not read it as a clean success.
   */
  private async commit(changes: EntryChange[], write: DirectoryWrite): Promise<void> {
    await this.db.commit(changes);
    if (!this.record) return;
    const writer = write.identity.kind === 'entry' ? this.db.entries.get(write.identity.key) : undefined;
    const writerTier = writer?.attributes.get('mailfleetadmintier')?.values[0];
    try {
      await this.record(writerTier ? { ...write, writerTier } : write);
    } catch (error) {
      throw new LdapResultError(
        resultCodes.other,
        `the change was made but could not be recorded in the audit log: ${(error as Error).message}`,
      );
    }
  }

  private existing(dn: string): StoredEntry {
    const { key } = parseEntryDn(this.schema, dn);
    const entry = this.db.entries.get(key);
    if (!entry) throw new LdapResultError(resultCodes.noSuchObject, `no such entry: ${dn}`);
    return entry;
  }

  private requireParent(entry: StoredEntry): void {
    if (entry.parentKey === undefined || !this.db.entries.has(entry.parentKey)) {
      throw new LdapResultError(resultCodes.noSuchObject, `the parent of ${entry.dn} does not exist`);
    }
  }

  private attributeKey(name: string): string {
    const key = this.schema.attributeKey(name.split(';')[0] ?? name);
    if (!key)
      throw new LdapResultError(
        resultCodes.undefinedAttributeType,
        `attribute type '${name}' is not defined`,
      );
    return key;
  }

  private applyModification(
    attributes: Map<string, StoredAttribute>,
    key: string,
    modification: AttributeModification,
  ): void {
    const type = this.schema.attributeType(key);
    if (!type)
      throw new LdapResultError(
        resultCodes.undefinedAttributeType,
        `attribute type '${modification.attribute}' is not defined`,
      );
    const equal = (a: string, b: string) =>
      (this.schema.equalityKey(type, a) ?? a) === (this.schema.equalityKey(type, b) ?? b);
    const existing = attributes.get(key)?.values ?? [];
    switch (modification.operation) {
      case 'replace':
        if (modification.values.length === 0) attributes.delete(key);
        else attributes.set(key, { name: type.name, values: [...modification.values] });
        return;
      case 'add': {
        for (const value of modification.values) {
          if (existing.some((v) => equal(v, value))) {
            throw new LdapResultError(
              resultCodes.attributeOrValueExists,
              `attribute '${type.name}' already has the value ${JSON.stringify(value)}`,
            );
          }
        }
        attributes.set(key, { name: type.name, values: [...existing, ...modification.values] });
        return;
      }
      case 'delete': {
        if (existing.length === 0) {
          throw new LdapResultError(resultCodes.noSuchAttribute, `attribute '${type.name}' is not present`);
        }
        if (modification.values.length === 0) {
          attributes.delete(key);
          return;
        }
        let remaining = existing;
        for (const value of modification.values) {
          if (!remaining.some((v) => equal(v, value))) {
            throw new LdapResultError(
              resultCodes.noSuchAttribute,
              `attribute '${type.name}' has no value ${JSON.stringify(value)}`,
            );
          }
          remaining = remaining.filter((v) => !equal(v, value));
        }
        if (remaining.length === 0) attributes.delete(key);
        else attributes.set(key, { name: type.name, values: remaining });
      }
    }
  }
}

/** What an add writes: every attribute and value of the new entry. */
function writtenByAdd(entry: StoredEntry): WrittenValues {
  return {
    attributes: [...entry.attributes.keys()],
    values: [...entry.attributes].map(([key, attribute]) => [key, attribute.values] as const),
  };
}

/** Replaces cleartext userPassword values with {SSHA512} hashes; recognised hashes stay as they are. */
export function hashPasswords(entry: StoredEntry): void {
  const passwords = entry.attributes.get('userpassword');
  if (!passwords) return;
  entry.attributes.set('userpassword', {
    name: passwords.name,
    values: passwords.values.map((v) => (isSupportedHash(v) ? v : hashPassword(v))),
  });
}

/**
 * The password policy (agent/common/directory/password-policy.ts) for a new password of `entry`:
 * refused with constraintViolation, the reason in words, as slapd's ppolicy refuses a weak one.
 * Checked after access, so a writer who may not set the password learns nothing about it.
 */
function checkPasswordPolicy(entry: StoredEntry, newPassword: string): void {
  const problem = passwordPolicyProblem(newPassword, {
    addresses: [...valuesOf(entry, 'mail'), ...valuesOf(entry, 'maillocaladdress')],
    uid: valuesOf(entry, 'uid')[0],
  });
  const reason =
    problem ??
    (valuesOf(entry, 'userpassword').some((stored) => verifyPassword(newPassword, stored))
      ? 'is-old'
      : undefined);
  if (reason) throw new LdapResultError(resultCodes.constraintViolation, passwordPolicyRefusal(reason));
}

/** The textual DN of the parent: everything after the first unescaped comma ('' for a one-RDN DN). */
function parentDnText(dn: string): string {
  for (let i = 0; i < dn.length; i++) {
    if (dn[i] === '\\') i++;
    else if (dn[i] === ',') return dn.slice(i + 1).trim();
  }
  return '';
}
