/** LDIF reading and writing: a round trip, and files as other tools write them. */
import { describe, expect, it } from 'vitest';
import type { DirectoryEntry } from '../../../agent/common/directory/directory-entry.js';
import { formatLdif, LdifSyntaxError, parseLdif } from '../../../agent/directory/ldif.js';

describe('LDIF', () => {
  it('round-trips entries, including values that need base64 and long values', () => {
    const entries: DirectoryEntry[] = [
      {
        dn: 'uid=j\\C3\\BCrgen,cn=uni.example,ou=domains,dc=mailfleet,dc=lab',
        attributes: {
          objectClass: ['top', 'inetOrgPerson'],
          cn: ['Jürgen Müller'],
          sn: [' leading space'],
          description: [':starts with a colon', 'trailing space ', 'line\nbreak', 'x'.repeat(300)],
          sshPublicKey: [`ssh-ed25519 ${'A'.repeat(200)} key`],
        },
      },
      {
        dn: 'ou=servers,dc=mailfleet,dc=lab',
        attributes: { objectClass: ['organizationalUnit'], ou: ['servers'] },
      },
    ];
    const text = formatLdif(entries);
    expect(text.split('\n').every((line) => line.length <= 76)).toBe(true);
    expect(text).toContain('cn:: ');
    expect(parseLdif(text)).toEqual(entries);
  });

  it('reads comments, folded lines, base64 values and a version line', () => {
    const text = [
      'version: 1',
      '# a comment that is',
      '  folded',
      'dn: cn=store01,ou=servers,dc=mailfleet,dc=lab',
      'objectClass: device',
      'description: a long descrip',
      ' tion folded',
      'cn:: c3RvcmUwMQ==',
      '',
      '',
      'dn: cn=store02,ou=servers,dc=mailfleet,dc=lab',
      'cn: store02',
      'CN: second',
      '',
    ].join('\r\n');
    expect(parseLdif(text)).toEqual([
      {
        dn: 'cn=store01,ou=servers,dc=mailfleet,dc=lab',
        attributes: { objectClass: ['device'], description: ['a long description folded'], cn: ['store01'] },
      },
      { dn: 'cn=store02,ou=servers,dc=mailfleet,dc=lab', attributes: { cn: ['store02', 'second'] } },
    ]);
  });

  it('refuses change records and records without a dn, naming the line', () => {
    expect(() => parseLdif('dn: cn=x\nchangetype: delete\n')).toThrow(/line 2: change records/);
    expect(() => parseLdif('cn: x\n')).toThrow(LdifSyntaxError);
  });
});
