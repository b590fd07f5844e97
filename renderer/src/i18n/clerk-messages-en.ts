/**
 * English strings of the clerk's console (issue 17): why mail waits, the Mail Trace, the dead
 * node's page. One block, so merges with other work on the translation tables stay easy.
 */
import { mailStoryWordsEn } from '../../../main/console/mail-story';
import { plural } from './plural-text';

export const clerkMessagesEn = {
  // Why mail waits and the Mail Trace's steps: shared with the CLI (main/console/mail-story.ts).
  ...mailStoryWordsEn,
  'story.rawReply': 'The server’s reply (for the technical staff)',
  'nav.trace': 'Mail trace',
  'dir.search.limit':
    'A search is at most {n} characters (longer than any address or name): only the first {n} are searched.',
  'queues.msg.subject': 'Subject',
  'queues.msg.noSubject': '(no subject)',
  'queues.whole': plural({
    one: 'The whole queue of {node}: {n} message ({deferred} recipients waiting to be tried again, {pending} for a first try, {held} held).',
    other:
      'The whole queue of {node}: {n} messages ({deferred} recipients waiting to be tried again, {pending} for a first try, {held} held).',
  }),
  'queues.filterInForce': plural({
    one: 'Filter in force: {filter}. The table and the list below show only the {n} matching message.',
    other: 'Filter in force: {filter}. The table and the list below show only the {n} matching messages.',
  }),
  'queues.filterClear': 'Show the whole queue',
  'nodeDown.title': '{node} has not answered since {time} ({age} ago).',
  'nodeDown.meaning.store':
    'Its users cannot read their mail: logins to their mailboxes fail. New mail for them waits in the director’s queue and is delivered when the store answers again; nothing is lost while it waits.',
  'nodeDown.meaning.spare': 'No user’s mail is on it, but a failed store has nowhere to go while it is down.',
  'nodeDown.meaning.director':
    'No mail is delivered to the mailboxes and mail programs cannot log in (the director routes mail and logins). Mail from outside waits at the sending servers, which try again.',
  'nodeDown.meaning.gateway':
    'Mail from outside cannot arrive: the sending servers keep it and try again, usually for several days. Mail inside the university is not affected.',
  'nodeDown.meaning.directory':
    'Logins and mail routing that need the user directory fail, unless another directory server answers.',
  'nodeDown.todo': 'What to do',
  'nodeDown.restart':
    'Restart {node} (its machine, or the mailfleet-agent service on it), or ask the technical staff to.',
  'nodeDown.failover':
    'If it cannot come back soon, fail its mail store over to the spare, so its users can read their mail again.',
  'nodeDown.back': 'This page changes by itself as soon as the node answers again.',
  'nodeDown.noCharts': 'No charts: {node} sends no figures while it does not answer.',
  'node.services.notKnown': 'Not known now (last reported: {state})',
  'dir.edit.reading': 'Reading of the name (kana)',
  'dir.edit.readingHint':
    'Family name first, e.g. さとう ひろし. Search finds it in hiragana, katakana or romaji.',
  'dir.sort.label': 'Order',
  'dir.sort.mail': 'By address',
  'dir.sort.displayName': 'By name',
  'dir.sort.reading': 'By reading (あいうえお)',
  'dir.sort.logicalStore': 'By mail store',
  'dir.fact.reading': 'Reading',
  'trace.title': 'Mail trace: where is this mail?',
  'trace.hint':
    'Type an address (the sender’s or the recipient’s) or a Message-ID. Every gateway and director says what it did with the mail.',
  'trace.search.label': 'Address or Message-ID',
  'trace.search.submit': 'Trace',
  'trace.search.again': 'Look again',
  'trace.empty': 'No gateway or director has seen mail like this (they remember the last 50,000 steps each).',
  'trace.truncated': 'Only the newest steps are shown: narrow the search to see older ones.',
  'trace.failures': 'These servers did not answer, so their part is missing: {nodes}',
  'trace.pair': 'From {sender} to {recipient}',
  'trace.details': 'Details (for the technical staff)',
} as const;
