import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseProfilePath, loadFleetProfile } from '../../../main/core/fleet-profile.js';

const valid = {
  name: 'test',
  directory: { url: 'ldap://127.0.0.1:389', baseDn: 'dc=x', bindDn: 'uid=a,dc=x', bindPasswordFile: 'pw' },
  admin: { uid: 'a', privateKeyFile: 'admin/key' },
  nodes: [{ name: 'store01', role: 'store', control: { host: '127.0.0.1', port: 2200 } }],
};

describe('fleet profile', () => {
  it('chooses --fleet, then MAILFLEET_FLEET, then the default lab', () => {
    expect(chooseProfilePath('/a/fleet.json', { MAILFLEET_FLEET: '/b/fleet.json' })).toBe('/a/fleet.json');
    expect(chooseProfilePath(undefined, { MAILFLEET_FLEET: '/b/fleet.json' })).toBe('/b/fleet.json');
    expect(chooseProfilePath(undefined, { MAILFLEET_LAB_HOME: '/c' })).toBe('/c/fleet.json');
  });

  it('resolves file paths relative to the profile', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mf-profile-'));
    await writeFile(join(dir, 'fleet.json'), JSON.stringify(valid));
    const profile = await loadFleetProfile(join(dir, 'fleet.json'));
    expect(profile.directory.bindPasswordFile).toBe(join(dir, 'pw'));
    expect(profile.admin.privateKeyFile).toBe(join(dir, 'admin/key'));
    expect(profile.nodes[0]?.services).toEqual({});
  });

  it('takes one directory URL or several, and refuses one with a user part', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mf-profile-'));
    const urls = ['ldap://ldap1.univ.example:389', 'ldap://ldap2.univ.example:389'];
    await writeFile(
      join(dir, 'two.json'),
      JSON.stringify({ ...valid, directory: { ...valid.directory, url: urls } }),
    );
    expect((await loadFleetProfile(join(dir, 'two.json'))).directory.url).toEqual(urls);
    const withUser = {
      ...valid,
      directory: { ...valid.directory, url: [urls[0], 'ldap://x:pw@evil.example'] },
    };
    await writeFile(join(dir, 'user.json'), JSON.stringify(withUser));
    await expect(loadFleetProfile(join(dir, 'user.json'))).rejects.toThrow(/directory\.url/);
  });

  it('says which field is wrong', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mf-profile-'));
    const bad = { ...valid, nodes: [{ name: 'x', role: 'mainframe', control: { host: 'h', port: 1 } }] };
    await writeFile(join(dir, 'fleet.json'), JSON.stringify(bad));
    await expect(loadFleetProfile(join(dir, 'fleet.json'))).rejects.toThrow(/nodes\.0\.role/);
    await expect(loadFleetProfile(join(dir, 'missing.json'))).rejects.toThrow(/no fleet profile/);
  });
});
