/**
 * Issue 17, item 10: a directory change made with an admin's own bind (what the console does for a
 * password reset, a user or alias edit) is recorded by the directory node itself, with the person
 * and the target, never the password, and `audit.tail` shows it with the node's RPC entries. A raw
 * LDAP client makes the changes here: no console is involved, so a console that records nothing
 * cannot keep a change off the record. A department admin reading the tail over SSH gets only the
 * entries of its own domains (the attack: reading another department's changes).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Attribute, Change, Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AuditEntry } from '../../../agent/common/contract/methods.js';
import { passwordModifyOid, passwordModifyRequest } from '../../../agent/common/directory/ldap-session.js';
import { adminEntry, mailDomainEntry, mailUserEntry } from '../../../agent/common/directory/seed-entries.js';
import { connectRpc, type RpcConnection } from '../../../agent/common/rpc/connect-rpc.js';
import { newKeyPair } from '../../support/agent-test-directory.js';
import { type DirectoryRoleAgent, startDirectoryRoleAgent } from '../../support/directory-role-agent.js';

const keys = { sys: newKeyPair('sys'), 'alpha-admin': newKeyPair('alpha-admin') };
const newPassword = 'Kakikukeko-2026!';
let node: DirectoryRoleAgent;

beforeAll(async () => {
  node = await startDirectoryRoleAgent({
    name: 'directory-audit',
    entries: (tree) => [
      adminEntry(tree, {
        uid: 'sys',
        displayName: 'Sys',
        tier: 'system',
        password: 'sys-secret',
        sshPublicKeys: [keys.sys.public],
      }),
      adminEntry(tree, { uid: 'hd', displayName: 'Help Desk', tier: 'helpdesk', password: 'hd-secret' }),
      adminEntry(tree, {
        uid: 'alpha-admin',
        displayName: 'Alpha Admin',
        tier: 'domain',
        domains: ['alpha.example'],
        sshPublicKeys: [keys['alpha-admin'].public],
      }),
      mailDomainEntry(tree, { name: 'alpha.example' }),
      mailDomainEntry(tree, { name: 'beta.example' }),
      mailUserEntry(tree, {
        mail: 'alice@alpha.example',
        displayName: 'Alice',
        mailHost: 'store01',
        password: 'alice-old-pw',
      }),
      mailUserEntry(tree, {
        mail: 'frank@beta.example',
        displayName: 'Frank',
        mailHost: 'store01',
        password: 'frank-old-pw',
      }),
    ],
    log: 'warn',
  });
  const { tree } = node;

  // The helpdesk, bound as itself over plain LDAP, as the console core does.
  const helpdesk = new Client({ url: node.ldapUrl });
  try {
    await helpdesk.bind(tree.admin('hd'), 'hd-secret');
    await helpdesk.exop(
      passwordModifyOid,
      passwordModifyRequest(tree.user('alice@alpha.example'), newPassword),
    );
    await helpdesk.modify(
      tree.user('frank@beta.example'),
      new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'displayName', values: ['Frank S.'] }),
      }),
    );
  } finally {
    await helpdesk.unbind();
  }
});

afterAll(async () => {
  await node?.stop();
});

async function connect(name: keyof typeof keys): Promise<RpcConnection> {
  const pinned = await node.pinnedHostKeys();
  return connectRpc({
    host: '127.0.0.1',
    port: node.agent.endpoints().controlPort,
    username: name,
    privateKey: keys[name].private,
    pinnedHostKeys: pinned,
    readyTimeoutMs: 20_000,
  });
}

async function tail(name: keyof typeof keys, unlock?: string): Promise<AuditEntry[]> {
  const open = await connect(name);
  try {
    // An audited RPC call naming a user: its entry comes back in the same tail as the directory's.
    if (unlock) await open.client.call('auth.unlock', { target: { user: unlock } });
    return (await open.client.call('audit.tail', { limit: 200 })).entries;
  } finally {
    open.close();
  }
}

describe('directory changes in the audit log', () => {
  test('a password reset and an edit are recorded with the person and the target, never the password', async () => {
    const entries = await tail('sys', 'frank@beta.example');
    expect(entries.find((e) => e.method === 'auth.unlock')).toMatchObject({
      caller: { kind: 'system', id: 'sys' },
      target: { kind: 'user', name: 'frank@beta.example', domain: 'beta.example' },
    });
    const reset = entries.find((e) => e.method === 'directory.password');
    expect(reset).toMatchObject({
      node: 'directory01',
      caller: { kind: 'helpdesk', id: 'hd' },
      outcome: 'ok',
      target: {
        kind: 'user',
        name: 'alice@alpha.example',
        domain: 'alpha.example',
        attributes: ['userpassword'],
      },
    });
    const edit = entries.find((e) => e.method === 'directory.modify' && e.target?.kind === 'user');
    expect(edit).toMatchObject({
      caller: { kind: 'helpdesk', id: 'hd' },
      target: {
        kind: 'user',
        name: 'frank@beta.example',
        domain: 'beta.example',
        attributes: ['displayname'],
      },
    });
    // The agent's own writes (its endpoints and host key at start) are on record too, as the node.
    expect(entries.find((e) => e.target?.kind === 'server')).toMatchObject({
      caller: { kind: 'peer', id: 'directory01' },
      target: { name: 'directory01' },
    });
    const file = await readFile(join(node.nodeDataDir, 'directory-audit.log'), 'utf8');
    expect(file).toContain('alice@alpha.example');
    expect(file).not.toContain(newPassword);
    expect(file).not.toMatch(/\{SSHA|\{ARGON|Frank S\./i);
  });

  test("a department admin reads only its own domains' entries, not another department's", async () => {
    const entries = await tail('alpha-admin', 'alice@alpha.example');
    expect(entries.filter((e) => e.target?.name === 'alice@alpha.example').map((e) => e.method)).toEqual([
      'directory.password',
      'auth.unlock',
    ]);
    expect(entries.every((e) => e.target?.domain === 'alpha.example')).toBe(true);
    expect(JSON.stringify(entries)).not.toContain('beta.example');
  });
});
