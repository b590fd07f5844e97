/**
 * The fleet's access rules for OpenLDAP slapd, in slapd.conf form (in cn=config each `access to`
 * block is one `olcAccess` value, in the same order). The embedded directory enforces the same
 * meaning in agent/directory/embedded/access-control.ts; docs/directory.md explains both.
 *
 * Admin identity: a tier counts only for a bound entry directly under ou=admins (`dn.one` ANDed
 * with the tier set in each `by` clause), and the admin attributes (mailfleetAdminTier,
 * mailfleetAdminDomain, so also the mailfleetAdmin class, which must have a tier) cannot be
 * written anywhere else, by anyone but the rootdn. That needs `add_content_acl on` in the
 * database (slapdDatabaseRules), so that an add is checked attribute by attribute.
 */

import { selfServiceAttributes } from '../../common/directory/user-self-service.js';

// A mail user writes these on its own entry (docs/self-service.md), and nothing else but its password.
const selfServiceAttributeList = selfServiceAttributes.join(',');

/** The tier tests of the rules, as `by` clauses' who parts. */
function whoClauses(baseDn: string) {
  // An admin is an entry directly under ou=admins; the tier set alone would trust any entry.
  const admin = `dn.one="ou=admins,${baseDn}"`;
  const tierDomain = 'user/mailfleetAdminTier + [/] + user/mailfleetAdminDomain';
  return {
    system: `${admin} set="user/mailfleetAdminTier & [system]"`,
    helpdesk: `${admin} set="user/mailfleetAdminTier & [helpdesk]"`,
    // Tier `domain` AND the entry's domain ($1) among its mailfleetAdminDomain values ("+" concatenates).
    domainAdmin: `${admin} set.expand="${tierDomain} & [domain/$1]"`,
    // The same, and the domain of the value written (${v1}) among them too: "+" of two sets is
    // empty when either is.
    domainAdminOfValue: `${admin} set.expand="(${tierDomain} & [domain/$1]) + (${tierDomain} & [domain/\${v1}])"`,
    // Any domain-tier admin; after the clause of its own domains, it stops the others at "none"
    // (not even disclose, so another department's entries answer noSuchObject, as missing ones do).
    anyDomainAdmin: `${admin} set="user/mailfleetAdminTier & [domain]"`,
    // An entry below the same mail domain (a mail user, or anything a domain admin made there).
    sameDomainEntry: `dn.subtree,expand="cn=$1,ou=domains,${baseDn}"`,
    // Any entry below the mail domains: it reads its own domain only.
    anyDomainEntry: `dn.subtree="ou=domains,${baseDn}"`,
    // The agent of a store or spare node: a mailbox move runs there and moves users' mailboxes.
    moverNode: `dn.one="ou=servers,${baseDn}" set="user/mailfleetRole & ([store] | [spare])"`,
    // The agent of a director node: it makes the domains' DKIM keys and publishes their selectors.
    directorNode: `dn.one="ou=servers,${baseDn}" set="user/mailfleetRole & [director]"`,
    // The agent of the node a system admin named to run a logical store's failover job (the
    // store entry's mailfleetFailoverNode): it fences, repoints and switches that store only.
    failoverNode: `dn.one="ou=servers,${baseDn}" set="this/mailfleetFailoverNode & user/cn"`,
  };
}

/** The slapd access rules for the fleet tree under `baseDn`. */
export function fleetAccessRules(baseDn: string): string {
  // Regex special characters in the suffix are matched literally through a character class.
  const base = baseDn.toLowerCase().replace(/[.^$*+?()[\]{}|]/g, (c) => `[${c}]`);
  const who = whoClauses(baseDn);
  const belowDomain = `dn.regex="^.+,cn=([^,]+),ou=domains,${base}$"`;
  const domainEntry = `dn.regex="^cn=([^,]+),ou=domains,${base}$"`;
  // Who reads what below a domain: its admins and the entries of that domain, the other bound
  // entries except other domains' entries and domain admins.
  const domainReaders = `  by ${who.anyDomainAdmin} none
  by ${who.sameDomainEntry} read
  by ${who.anyDomainEntry} none
  by users read
  by * none`;
  // Who writes and reads an admin entry (its admin attributes have a rule of their own, first).
  const adminEntryRights = `  by ${who.system} write
  by self read
  by ${who.anyDomainAdmin} none
  by ${who.anyDomainEntry} none
  by users read
  by * none`;
  // A held address (mail, mailLocalAddress) of an entry below a domain: a domain admin may add a
  // value only in a domain it administers; it may still delete values and read them.
  const addressRules = (attribute: string) => `
access to ${belowDomain} attrs=${attribute} val.regex="^.*@([^@]+)$"
  by ${who.system} write
  by ${who.helpdesk} write
  by ${who.domainAdminOfValue} write
  by ${who.domainAdmin} =zrscxd
${domainReaders}
`;
  return `
access to dn.base="" by * read
access to dn.base="cn=Subschema" by * read

access to dn.one="ou=admins,${baseDn}" attrs=mailfleetAdminTier,mailfleetAdminDomain
${adminEntryRights}

access to attrs=mailfleetAdminTier,mailfleetAdminDomain
  by * none

access to ${belowDomain} attrs=userPassword
  by anonymous auth
  by self =w
  by ${who.system} =w
  by ${who.helpdesk} =w
  by ${who.domainAdmin} =w
  by * none

access to attrs=userPassword
  by anonymous auth
  by self =w
  by ${who.system} =w
  by * none

access to dn.regex="^cn=[^,]+,ou=servers,${base}$" attrs=mailfleetNodeState,mailfleetEndpoint,mailfleetAddress,mailfleetControlPort,sshPublicKey
  by self write
  by ${who.system} write
  by users read
  by * none
${addressRules('mail')}${addressRules('mailLocalAddress')}
access to ${belowDomain} attrs=mail,mailLocalAddress
  by ${who.system} write
  by ${who.helpdesk} write
  by ${who.domainAdmin} =zrscxd
${domainReaders}

access to ${belowDomain} attrs=mailHost,mailfleetMoveState,mailfleetMailboxState
  by ${who.system} write
  by ${who.helpdesk} write
  by ${who.domainAdmin} write
  by ${who.moverNode} write
${domainReaders}

access to ${belowDomain} attrs=${selfServiceAttributeList}
  by ${who.system} write
  by ${who.helpdesk} write
  by ${who.domainAdmin} write
  by self write
${domainReaders}

access to ${belowDomain} attrs=objectClass val=mailfleetSelfService
  by ${who.system} write
  by ${who.helpdesk} write
  by ${who.domainAdmin} write
  by self =w
${domainReaders}

access to ${belowDomain}
  by ${who.system} write
  by ${who.helpdesk} write
  by ${who.domainAdmin} write
${domainReaders}

access to ${domainEntry} attrs=mailfleetDkimKey
  by ${who.system} write
  by ${who.directorNode} write
  by ${who.domainAdmin} read
${domainReaders}

access to ${domainEntry} attrs=mailfleetSpamPolicy
  by ${who.system} write
  by ${who.domainAdmin} write
${domainReaders}

access to ${domainEntry} attrs=children
  by ${who.system} write
  by ${who.helpdesk} write
  by ${who.domainAdmin} write
${domainReaders}

access to ${domainEntry}
  by ${who.system} write
  by ${who.domainAdmin} read
${domainReaders}

access to dn.one="ou=admins,${baseDn}"
${adminEntryRights}

access to dn.one="ou=stores,${baseDn}" attrs=mailfleetServedBy,mailfleetReplicaNode,mailfleetStoreState,mailfleetStoreEpoch
  by ${who.system} write
  by ${who.failoverNode} write
  by users read
  by * none

access to *
  by ${who.system} write
  by users read
  by * none
`;
}
