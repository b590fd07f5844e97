/** English strings of the Lockouts view (spread into the one catalog, messages-en.ts). */
import { plural } from './plural-text';

export const lockoutMessagesEn = {
  'nav.lockouts': 'Lockouts',
  'lockouts.title': 'Sign-in lockouts',
  'lockouts.intro':
    'User names, directory entries and client addresses that gave wrong passwords too often (mail reading with IMAP or POP3, sending mail, the directory). After 3 wrong passwords a mail user must wait 1 s, 2 s, 4 s… before the next try; after 10 within 15 minutes the user is locked for 5 minutes. A client address has 10 free tries and is locked after 30 (many people may share one address). A directory entry is locked for 5 minutes after 10 wrong passwords; mail logins check passwords against the directory, so a user who guessed wrong often is locked in both: unlock both rows. Unlock someone only when you know who they are.',
  'lockouts.empty': 'No user or address is locked or waiting now.',
  'lockouts.count': plural({ one: '{n} user or address', other: '{n} users or addresses' }),
  'lockouts.node': 'Node',
  'lockouts.service': 'Checked by',
  'lockouts.service.mail': 'Mail logins',
  'lockouts.service.directory': 'Directory (LDAP)',
  'lockouts.kind.dn': 'Directory entry',
  'lockouts.kind': 'What',
  'lockouts.name': 'User name or address',
  'lockouts.failures': 'Wrong passwords (15 min)',
  'lockouts.until': 'Can try again at',
  'lockouts.state': 'State',
  'lockouts.kind.user': 'User',
  'lockouts.kind.address': 'Client address',
  'lockouts.locked': 'Locked',
  'lockouts.waiting': 'Waiting',
  'lockouts.unlock': 'Unlock',
  'lockouts.unlockLabel': 'Unlock {name} on {node}',
  'lockouts.unlocked': '{name} on {node} can try again now.',
  'lockouts.unlockFailed': '{name} on {node} was not unlocked.',
  'lockouts.nodeFailed': '{node} did not answer: {detail}',
} as const;
