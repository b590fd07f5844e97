/**
 * Issue 17, item 10, on slapd: the shipped configuration's slapo-auditlog records every write with
 * the writer's DN, whoever binds and whatever tool they use, and the agent reads that file into
 * audit entries naming the person and the target, never a value (the file holds password hashes and
 * slapo-ppolicy's history; none of it reaches an entry). Real slapd, changes over raw LDAP.
 */
import { Attribute, Change, Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../../agent/common/contract/methods.js';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { passwordModifyOid, passwordModifyRequest } from '../../../../agent/common/directory/ldap-session.js';
import { SlapdAuditLog } from '../../../../agent/directory/slapd/slapd-audit-log.js';
import { seedEntries, seedNames, seedPasswords, testBaseDn } from '../../../support/directory-seed.js';
import { startSlapd } from '../../../support/slapd.js';
import type { TestDirectory } from '../../../support/test-directory.js';

const tree = new FleetTree(testBaseDn);
const aliceDn = `uid=alice,cn=alpha.example,ou=domains,${testBaseDn}`;
const newPassword = 'Kakikukeko-2026!';
let server: TestDirectory;
let entries: AuditEntry[];

beforeAll(async () => {
  server = await startSlapd(testBaseDn, seedEntries(0));
  const helpdesk = new Client({ url: server.url });
  try {
    await helpdesk.bind(tree.admin(seedNames.admins.helpdesk), seedPasswords.helpdesk);
    await helpdesk.exop(passwordModifyOid, passwordModifyRequest(aliceDn, newPassword));
    await helpdesk.modify(
      aliceDn,
      new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'displayName', values: ['Alice A.'] }),
      }),
    );
  } finally {
    await helpdesk.unbind();
  }
  const file = server.auditLogFile;
  if (!file) throw new Error('the test slapd has no audit log file');
  entries = await new SlapdAuditLog(file, 'ldap1').tail(200);
});

afterAll(async () => {
  await server?.stop();
});

describe("slapd's audit log as audit entries", () => {
  it('names the person and the user of a password reset, and no value', () => {
    const reset = entries.find((e) => e.method === 'directory.password');
    expect(reset).toMatchObject({
      node: 'ldap1',
      caller: { kind: 'directory', id: seedNames.admins.helpdesk },
      outcome: 'ok',
      target: {
        kind: 'user',
        name: 'alice@alpha.example',
        domain: 'alpha.example',
        attributes: ['userpassword'],
      },
    });
    const edit = entries.find((e) => e.method === 'directory.modify');
    expect(edit?.target).toMatchObject({ name: 'alice@alpha.example', attributes: ['displayname'] });
    const text = JSON.stringify(entries);
    expect(text).not.toContain(newPassword);
    expect(text).not.toMatch(/SSHA|Alice A\.|alice-secret|pwdhistory|entrycsn/i);
  });

  it('keeps only the newest entries asked for', async () => {
    const file = server.auditLogFile as string;
    const last = await new SlapdAuditLog(file, 'ldap1').tail(1);
    expect(last).toHaveLength(1);
    expect(last[0]?.method).toBe('directory.modify');
  });
});
