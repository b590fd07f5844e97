/** The password policy's rules, as both the directory and the console core apply them. */
import { describe, expect, it } from 'vitest';
import {
  passwordPolicyProblem,
  passwordPolicyReasonIn,
  passwordPolicyRefusal,
} from '../../../../agent/common/directory/password-policy.js';

const owner = { addresses: ['hanako.sato@example.ac.jp', 'h.sato@example.ac.jp'], uid: 'hanako.sato' };

describe('password policy', () => {
  it('counts characters without white space, in code points', () => {
    expect(passwordPolicyProblem(' '.repeat(20), owner)).toBe('blank');
    expect(passwordPolicyProblem('\u3000'.repeat(10), owner)).toBe('blank');
    expect(passwordPolicyProblem('a b c d e f g', owner)).toBe('too-short');
    expect(passwordPolicyProblem('佐藤花子のぱすわ', owner)).toBeUndefined();
    expect(passwordPolicyProblem('😀'.repeat(8), owner)).toBeUndefined();
    expect(passwordPolicyProblem('a'.repeat(129), owner)).toBe('too-long');
    expect(passwordPolicyProblem('tab\there-long', owner)).toBe('control-characters');
  });

  it("refuses the owner's addresses and login name, full-width or in capitals", () => {
    expect(passwordPolicyProblem('hanako.sato@example.ac.jp', owner)).toBe('is-address');
    expect(passwordPolicyProblem('H.SATO@EXAMPLE.AC.JP', owner)).toBe('is-address');
    expect(passwordPolicyProblem('ｈａｎａｋｏ．ｓａｔｏ', owner)).toBe('is-address');
    expect(passwordPolicyProblem('hanako.sato@example.ac.jp2026', owner)).toBe('is-address');
    expect(passwordPolicyProblem('hanako.sato-likes-tea', owner)).toBeUndefined();
  });

  it('names its reason in the directory message so the console can read it back', () => {
    expect(passwordPolicyReasonIn(`the directory refused x: ${passwordPolicyRefusal('is-old')}`)).toBe(
      'is-old',
    );
    expect(passwordPolicyReasonIn('non-unique attributes found')).toBeUndefined();
  });
});
