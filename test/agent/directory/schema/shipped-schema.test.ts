/**
 * The shipped schema: the .ldif files are the .schema files rendered, real OpenLDAP loads both
 * forms, and the embedded directory reads the same classes and OIDs.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSchemaLdif } from '../../../../agent/directory/schema/schema-ldif.js';
import { loadDirectorySchema, shippedSchemaDir } from '../../../../agent/directory/schema/shipped-schema.js';

const run = promisify(execFile);
const arc = '2.25.58293826332775791294911131544867151401';
const schemaDir = shippedSchemaDir();

describe('shipped directory schema', () => {
  let workDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'mailfleet-schema-'));
  });

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it.each(['mailfleet', 'openssh-lpk'])('ships %s.ldif rendered from %s.schema', async (name) => {
    const schemaText = await readFile(join(schemaDir, `${name}.schema`), 'utf8');
    expect(await readFile(join(schemaDir, `${name}.ldif`), 'utf8')).toBe(renderSchemaLdif(name, schemaText));
  });

  it('loads into slapd as .schema files (slapd.conf)', async () => {
    const dbDir = join(workDir, 'db');
    await mkdir(dbDir);
    const includes = ['core', 'cosine', 'inetorgperson', 'misc'].map(
      (n) => `include /etc/ldap/schema/${n}.schema`,
    );
    includes.push(
      `include ${join(schemaDir, 'openssh-lpk.schema')}`,
      `include ${join(schemaDir, 'mailfleet.schema')}`,
    );
    const config = join(workDir, 'slapd.conf');
    await writeFile(
      config,
      `${includes.join('\n')}\nmodulepath /usr/lib/ldap\nmoduleload back_mdb\ndatabase mdb\nsuffix "dc=x"\ndirectory ${dbDir}\n`,
    );
    const { stderr } = await run('/usr/sbin/slaptest', ['-u', '-f', config]);
    expect(stderr).toMatch(/config file testing succeeded/);
  });

  it('loads into slapd as cn=config LDIF (slapadd -n0)', async () => {
    const configDir = join(workDir, 'slapd.d');
    await mkdir(configDir);
    const parts = [
      'dn: cn=config\nobjectClass: olcGlobal\ncn: config\n',
      'dn: cn=schema,cn=config\nobjectClass: olcSchemaConfig\ncn: schema\n',
    ];
    for (const n of ['core', 'cosine', 'inetorgperson', 'misc'])
      parts.push(await readFile(`/etc/ldap/schema/${n}.ldif`, 'utf8'));
    for (const n of ['openssh-lpk', 'mailfleet'])
      parts.push(await readFile(join(schemaDir, `${n}.ldif`), 'utf8'));
    const ldif = join(workDir, 'config.ldif');
    await writeFile(ldif, parts.join('\n'));
    await run('/usr/sbin/slapadd', ['-n0', '-F', configDir, '-l', ldif]);
    const { stdout } = await run('/usr/sbin/slapcat', ['-n0', '-F', configDir, '-a', '(cn={5}mailfleet)']);
    expect(stdout).toMatch(/olcObjectClasses: \{6\}\( mailfleetClass:7 NAME 'mailfleetMailGroup'/);
    expect(stdout).toMatch(/olcAttributeTypes: \{12\}\( mailfleetAttr:13 NAME 'mailfleetDefaultQuota'/);
    expect(stdout).toMatch(/olcAttributeTypes: \{13\}\( mailfleetAttr:14 NAME 'mailfleetSpamPolicy'/);
  });

  it('gives the embedded directory every class and attribute under the private arc', async () => {
    const schema = await loadDirectorySchema();
    const attributes = [
      'mailfleetRole',
      'mailfleetNodeState',
      'mailfleetAddress',
      'mailfleetControlPort',
      'mailfleetEndpoint',
      'mailfleetServedBy',
      'mailfleetReplicaNode',
      'mailfleetAdminTier',
      'mailfleetAdminDomain',
      'mailfleetQuota',
      'mailfleetMailboxState',
      'mailfleetForwardTo',
      'mailfleetDefaultQuota',
      'mailfleetSpamPolicy',
    ];
    for (const [i, name] of attributes.entries()) {
      expect(schema.attributeType(name)?.oid).toBe(`${arc}.1.${i + 1}`);
    }
    const classes = [
      'mailfleetServer',
      'mailfleetLogicalStore',
      'mailfleetAdmin',
      'mailfleetMailDomain',
      'mailfleetMailUser',
      'mailfleetMailAlias',
      'mailfleetMailGroup',
    ];
    for (const [i, name] of classes.entries()) {
      expect(schema.objectClass(name)?.oid).toBe(`${arc}.2.${i + 1}`);
    }
    expect(schema.attributeType('sshPublicKey')?.oid).toBe('1.3.6.1.4.1.24552.500.1.1.1.13');
    expect(schema.objectClass('ldapPublicKey')?.oid).toBe('1.3.6.1.4.1.24552.500.1.1.2.0');
    expect(schema.attributeType('mailfleetQuota')?.singleValue).toBe(true);
    expect([...(schema.objectClass('mailfleetServer')?.must ?? [])]).toContain('mailfleetcontrolport');
    expect(schema.objectClass('inetOrgPerson')?.must.has('sn')).toBe(true);
    expect(schema.attributeType('commonName')?.equality).toBe('caseIgnoreMatch');
  });
});
