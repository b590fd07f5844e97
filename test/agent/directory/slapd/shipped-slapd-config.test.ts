/**
 * The slapd configuration we ship (build/ldap/mailfleet-slapd.conf, mailfleet-ppolicy.ldif) is
 * what the code renders (the same the test slapd runs), slapd accepts it, and the agent's CLI
 * prints it for a site's own suffix.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgentCli } from '../../../../agent/cli.js';
import { parseLdif } from '../../../../agent/directory/ldif.js';
import { shippedSchemaDir } from '../../../../agent/directory/schema/shipped-schema.js';
import { passwordPolicyEntries } from '../../../../agent/directory/slapd/database-rules.js';
import {
  exampleProviders,
  exampleSuffix,
  renderMultiProviderSiteConfig,
  renderPasswordPolicyLdif,
  renderSlapdSiteConfig,
} from '../../../../agent/directory/slapd/site-config.js';

const run = promisify(execFile);
const buildDir = shippedSchemaDir();

describe('shipped slapd configuration', () => {
  let workDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'mailfleet-slapd-site-'));
  });

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('ships the rendered rules and password policy for the example suffix', async () => {
    expect(await readFile(join(buildDir, 'mailfleet-slapd.conf'), 'utf8')).toBe(
      renderSlapdSiteConfig(exampleSuffix),
    );
    const ldif = await readFile(join(buildDir, 'mailfleet-ppolicy.ldif'), 'utf8');
    expect(ldif).toBe(renderPasswordPolicyLdif(exampleSuffix));
    expect(parseLdif(ldif)).toEqual(passwordPolicyEntries(exampleSuffix));
  });

  /**
   * Runs slaptest on the schema plus the shipped files' parts: each file's global lines before
   * `database`, its database lines after the suffix, rootdn, directory and indexes.
   */
  async function slaptest(name: string, files: string[]): Promise<string> {
    const dbDir = join(workDir, `db-${name}`);
    await mkdir(dbDir);
    const parts = await Promise.all(
      files.map(async (file) =>
        (await readFile(join(buildDir, file), 'utf8')).split(/^# --- in the database.*$/m),
      ),
    );
    const includes = [
      ...['core', 'cosine', 'inetorgperson', 'misc'].map((n) => `/etc/ldap/schema/${n}.schema`),
      join(buildDir, 'openssh-lpk.schema'),
      join(buildDir, 'mailfleet.schema'),
    ].map((file) => `include ${file}`);
    const config = join(workDir, `${name}.conf`);
    await writeFile(
      config,
      `${includes.join('\n')}
${parts.map(([globalPart]) => globalPart).join('\n')}
database mdb
suffix "${exampleSuffix}"
rootdn "cn=root,${exampleSuffix}"
directory ${dbDir}
index objectClass eq
index uid,cn,mail eq,sub
index mailLocalAddress,mailHost eq
${[...parts]
  .reverse()
  .map(([, databasePart]) => databasePart)
  .join('\n')}`,
    );
    return (await run('/usr/sbin/slaptest', ['-u', '-f', config])).stderr;
  }

  it('is accepted by slapd with the schema, the database lines in place (slaptest)', async () => {
    expect(await slaptest('single', ['mailfleet-slapd.conf'])).toMatch(/config file testing succeeded/);
  });

  it('ships the multi-provider lines, and slapd accepts them with the fleet rules (slaptest)', async () => {
    const multi = await readFile(join(buildDir, 'mailfleet-slapd-multi-provider.conf'), 'utf8');
    expect(multi).toBe(renderMultiProviderSiteConfig(exampleSuffix, exampleProviders));
    // The multi-provider database lines go before the fleet's (reversed order of the files).
    expect(await slaptest('multi', ['mailfleet-slapd.conf', 'mailfleet-slapd-multi-provider.conf'])).toMatch(
      /config file testing succeeded/,
    );
    expect(multi).toMatch(/^serverID 1 ldap:\/\/ldap1\.univ\.example\/$/m);
    expect(multi).toMatch(/^ {2}by dn\.exact="cn=replicator,dc=univ,dc=example" read\n {2}by \* break$/m);
  });

  it("prints both for a site's own suffix", async () => {
    const written: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      written.push(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      expect(await runAgentCli(['--slapd-config', 'dc=uni,dc=ac,dc=jp'])).toBe(0);
      expect(await runAgentCli(['--slapd-ppolicy', 'dc=uni,dc=ac,dc=jp'])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(written[0]).toBe(renderSlapdSiteConfig('dc=uni,dc=ac,dc=jp'));
    expect(written[0]).toMatch(/^access to dn\.one="ou=admins,dc=uni,dc=ac,dc=jp" attrs=mailfleetAdminTier/m);
    expect(written[1]).toBe(renderPasswordPolicyLdif('dc=uni,dc=ac,dc=jp'));
  });

  it("prints the multi-provider lines and the replication account for a site's own suffix and URLs", async () => {
    const written: string[] = [];
    const errors: string[] = [];
    const write = process.stdout.write;
    const writeError = process.stderr.write;
    process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => errors.push(chunk) > 0) as typeof process.stderr.write;
    const providers = ['ldap://ldap-a.uni.ac.jp/', 'ldap://ldap-b.uni.ac.jp/'];
    const site = 'dc=uni,dc=ac,dc=jp';
    try {
      const args = ['--slapd-multi-provider', site, ...providers.flatMap((url) => ['--provider', url])];
      expect(await runAgentCli(args)).toBe(0);
      expect(await runAgentCli(['--slapd-replicator', site])).toBe(0);
      const bad = [
        '--slapd-multi-provider',
        site,
        '--provider',
        providers[0] as string,
        '--provider',
        'ldap://u:pw@x/',
      ];
      expect(await runAgentCli(bad)).toBe(2);
    } finally {
      process.stdout.write = write;
      process.stderr.write = writeError;
    }
    expect(written[0]).toBe(renderMultiProviderSiteConfig(site, providers));
    const entries = parseLdif(written[1] as string);
    expect(entries.map((e) => e.dn)).toEqual([`cn=replicator,ou=policies,${site}`, `cn=replicator,${site}`]);
    // A random password nobody knows, hashed: the real one is set with Password Modify.
    expect(entries[1]?.attributes.userPassword?.[0]).toMatch(/^\{SSHA512\}/);
    expect(errors.join('')).toMatch(/--provider: two to eight/);
  });
});
