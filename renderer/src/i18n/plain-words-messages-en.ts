/**
 * English strings of the plain-words notes (issue 17, "Also"): what a piece of jargon means, said
 * on hover; content scanning being off; the mailbox total when a store does not answer.
 */
import { plural } from './plural-text';

export const plainWordsMessagesEn = {
  'term.node': 'A node is one of the servers the mail system is made of (mail stores, directors, gateways).',
  'term.directory':
    'The directory is the list of users, addresses, groups and servers that every server reads (LDAP).',
  'term.greylist':
    'Greylisting: mail from a sender seen for the first time is asked to come back in a few minutes. Real mail servers do; most spam senders do not.',
  'term.destination':
    '"lmtp:" is one of our own mail stores (the mail is handed to it); "smtp:" is a server outside, by its domain.',
  'chart.funnel.scanningOff':
    'Content scanning is off on the gateways: no mail is checked for spam, so "spam" here stays at 0 whatever arrives.',
  'chart.funnel.scanningOffSome':
    'Content scanning is off on {gateways}: mail through it is not checked for spam and counts as 0 spam.',
  'totals.usersPartial': plural({
    one: 'of the stores that answer ({n} store does not)',
    other: 'of the stores that answer ({n} stores do not)',
  }),
} as const;
