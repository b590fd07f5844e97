/** Which directory server is in use, in words, in both languages (the header line and a node's page). */
import { describe, expect, it } from 'vitest';
import { type DirectoryLink, directoryStatusText } from '../../renderer/src/components/directory-in-use';
import { translator } from '../../renderer/src/i18n/translate';

const ldap1 = 'ldap://ldap1.univ.example:389';
const ldap2 = 'ldap://ldap2.univ.example/';

describe('directory in use', () => {
  it('names the server in use and the one that does not answer', () => {
    const link: DirectoryLink = {
      urls: [ldap1, ldap2],
      inUse: ldap2,
      unanswered: [{ url: ldap1, state: 'not-answering', since: 1, reason: 'connect ECONNREFUSED' }],
    };
    expect(
      translator('ja').t('directory.line', { status: directoryStatusText(translator('ja'), link) }),
    ).toBe('ディレクトリ: ldap2.univ.example(ldap1.univ.example が応答しません)');
    expect(
      translator('en').t('directory.line', { status: directoryStatusText(translator('en'), link) }),
    ).toBe('Directory: ldap2.univ.example (ldap1.univ.example does not answer)');
  });

  it('says when all is well, when one catches up, and when none answers', () => {
    const en = translator('en');
    const ja = translator('ja');
    expect(directoryStatusText(en, { urls: [ldap1, ldap2], inUse: ldap1, unanswered: [] })).toBe(
      'ldap1.univ.example',
    );
    const catching: DirectoryLink = {
      urls: [ldap1, ldap2],
      inUse: ldap2,
      unanswered: [{ url: ldap1, state: 'catching-up', since: 1, reason: 'behind' }],
    };
    expect(directoryStatusText(ja, catching)).toBe(
      'ldap2.univ.example(ldap1.univ.example は更新を取り込み中です)',
    );
    const none: DirectoryLink = {
      urls: ['ldaps://ldap1.univ.example:636'],
      unanswered: [{ url: 'ldaps://ldap1.univ.example:636', state: 'not-answering', since: 1, reason: 'x' }],
    };
    expect(directoryStatusText(en, none)).toBe('none answers (ldap1.univ.example (TLS) does not answer)');
  });
});
