import ssh2 from 'ssh2';
import { expect, test } from 'vitest';
import { generateEd25519KeyPair } from '../../../../agent/common/rpc/ssh-key-generation.js';
import { publicKeyOfPrivate, sshFingerprint } from '../../../../agent/common/rpc/ssh-public-key.js';

test('every generated pair parses back and its halves match', () => {
  // ssh2's raw generator fails about 1 in 300 draws; 1,000 draws would almost surely meet one.
  for (let i = 0; i < 1000; i++) {
    const pair = generateEd25519KeyPair('store05');
    const parsed = ssh2.utils.parseKey(pair.public);
    expect(parsed).not.toBeInstanceOf(Error);
    const fromPrivate = publicKeyOfPrivate(pair.private);
    expect(fromPrivate.blob).toHaveLength(51);
    expect(sshFingerprint(fromPrivate)).toBe(sshFingerprint((parsed as ssh2.ParsedKey).getPublicSSH()));
  }
});
