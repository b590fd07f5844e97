/** What the directory client writes for a mail user: a new entry's attributes, or modifications. */
import { Attribute, Change } from 'ldapts';
import { DirectoryError } from './directory-errors.js';
import type { MailUserInput } from './fleet-directory.js';
import { mailUserAttributes } from './seed-entries.js';

/**
 * Builds replace modifications from a partial user input. `null` removes an optional attribute.
 * The primary address is the entry's name and cannot be changed here.
 */
export function userChanges(address: string, change: Partial<MailUserInput>): Change[] {
  if (change.mail !== undefined && change.mail.toLowerCase() !== address.toLowerCase()) {
    throw new DirectoryError(
      `changing the primary address of ${address} is not supported: add the new address as a mailLocalAddress`,
    );
  }
  const changes: Change[] = [];
  const replace = (type: string, values: string[]) =>
    changes.push(new Change({ operation: 'replace', modification: new Attribute({ type, values }) }));
  if (change.displayName !== undefined) {
    replace('displayName', [change.displayName]);
    replace('cn', [change.displayName]);
  }
  if (change.reading !== undefined) {
    replace('msDS-PhoneticDisplayName', change.reading === null ? [] : [change.reading]);
  }
  if (change.mailHost !== undefined) replace('mailHost', [change.mailHost]);
  if (change.mailLocalAddress !== undefined) replace('mailLocalAddress', change.mailLocalAddress);
  if (change.mailRoutingAddress !== undefined) {
    replace('mailRoutingAddress', change.mailRoutingAddress === null ? [] : [change.mailRoutingAddress]);
  }
  if (change.quotaBytes !== undefined) {
    replace('mailfleetQuota', change.quotaBytes === null ? [] : [String(change.quotaBytes)]);
  }
  if (change.mailboxState !== undefined) replace('mailfleetMailboxState', [change.mailboxState]);
  return changes;
}

/** The attributes of a new user entry from the client's input (no password: that goes by Password Modify). */
export function newUserAttributes(user: MailUserInput): Record<string, string[]> {
  return mailUserAttributes({
    mail: user.mail,
    displayName: user.displayName,
    mailHost: user.mailHost,
    ...(user.reading ? { reading: user.reading } : {}),
    ...(user.mailLocalAddress ? { mailLocalAddress: user.mailLocalAddress } : {}),
    ...(user.mailRoutingAddress ? { mailRoutingAddress: user.mailRoutingAddress } : {}),
    ...(user.quotaBytes !== undefined && user.quotaBytes !== null ? { quotaBytes: user.quotaBytes } : {}),
    ...(user.mailboxState ? { mailboxState: user.mailboxState } : {}),
  });
}
