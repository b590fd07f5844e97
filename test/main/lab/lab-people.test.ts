import { describe, expect, it } from 'vitest';
import { labDomains, labUsers, labUsersCsv } from '../../../main/lab/lab-people.js';

describe('lab people', () => {
  it('makes unique addresses spread over every domain and store', () => {
    const domains = labDomains(20);
    const stores = ['store01', 'store02', 'store03'];
    const users = labUsers(4000, domains, stores);
    expect(new Set(users.map((u) => u.address)).size).toBe(4000);
    for (const domain of domains) {
      const inDomain = users.filter((u) => u.address.endsWith(`@${domain}`));
      expect(inDomain.length).toBeGreaterThanOrEqual(198);
      expect(inDomain.length).toBeLessThanOrEqual(202);
      // Every domain gets many different names, not one family.
      expect(new Set(inDomain.map((u) => u.displayName)).size).toBeGreaterThan(50);
    }
    expect(new Set(users.map((u) => u.mailHost))).toEqual(new Set(stores));
    expect(new Set(users.map((u) => u.password)).size).toBe(4000);
  });

  it('writes a CSV with a header and one line per user', () => {
    const users = labUsers(3, labDomains(1), ['store01']);
    const lines = labUsersCsv(users).trim().split('\n');
    expect(lines[0]).toBe('address,password,logical_store');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^[a-z.0-9]+@eng\.univ\.example,[A-Za-z0-9_-]+,store01$/);
  });

  it('refuses more domains than the lab has', () => {
    expect(() => labDomains(21)).toThrow(/between 1 and 20/);
  });
});
