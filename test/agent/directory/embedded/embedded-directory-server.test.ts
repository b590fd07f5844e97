/**
 * The embedded directory's own behaviour, checked with a plain LDAP client (ldapts): schema
 * refusals with their result codes, paged results and size limits, bad input, root DSE.
 */

import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import {
  AlreadyExistsError,
  Attribute,
  Change,
  Client,
  ConstraintViolationError,
  InvalidSyntaxError,
  NoSuchObjectError,
  ObjectClassViolationError,
  type ResultCodeError,
  SizeLimitExceededError,
  UndefinedTypeError,
} from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { mailUserEntry } from '../../../../agent/common/directory/seed-entries.js';
import { seedEntries, seedNames, testBaseDn } from '../../../support/directory-seed.js';
import { startEmbeddedDirectory } from '../../../support/embedded-directory.js';
import type { TestDirectory } from '../../../support/test-directory.js';

const tree = new FleetTree(testBaseDn);
const replace = (type: string, values: string[]) =>
  new Change({ operation: 'replace', modification: new Attribute({ type, values }) });

async function refusal(promise: Promise<unknown>): Promise<ResultCodeError> {
  return promise.then(
    () => {
      throw new Error('the directory accepted what it should refuse');
    },
    (error: ResultCodeError) => error,
  );
}

describe('embedded directory server', () => {
  let server: TestDirectory;
  let client: Client;

  beforeAll(async () => {
    server = await startEmbeddedDirectory(testBaseDn, seedEntries(1_200));
    client = new Client({ url: server.url });
    await client.bind(server.rootDn, server.rootPassword);
  });

  afterAll(async () => {
    await client?.unbind();
    await server?.stop();
  });

  it('refuses entries that break the schema, saying why', async () => {
    const user = mailUserEntry(tree, {
      mail: 'schema@alpha.example',
      displayName: 'Schema Test',
      mailHost: 'store01',
    });
    const withoutClass = { ...user.attributes, objectClass: ['top', 'inetOrgPerson'] };
    let error = await refusal(client.add(user.dn, withoutClass));
    expect(error).toBeInstanceOf(ObjectClassViolationError);
    expect(error.message).toMatch(/attribute 'mailHost' is not allowed/);
    const { sn: _sn, ...withoutSurname } = user.attributes;
    error = await refusal(client.add(user.dn, withoutSurname));
    expect(error).toBeInstanceOf(ObjectClassViolationError);
    expect(error.message).toMatch(/requires attribute 'sn'/);
    error = await refusal(client.add(user.dn, { ...user.attributes, mailfleetShoeSize: ['42'] }));
    expect(error).toBeInstanceOf(UndefinedTypeError);
    error = await refusal(client.add(user.dn, { ...user.attributes, mailfleetQuota: ['lots'] }));
    expect(error).toBeInstanceOf(InvalidSyntaxError);
    error = await refusal(client.add(user.dn, { ...user.attributes, mailHost: ['store01', 'store02'] }));
    expect(error).toBeInstanceOf(ConstraintViolationError);
    expect(error.message).toMatch(/single-valued/);
    error = await refusal(
      client.add(user.dn, { ...user.attributes, objectClass: ['top', 'device', 'inetOrgPerson'] }),
    );
    expect(error).toBeInstanceOf(ObjectClassViolationError);
    await client.add(user.dn, user.attributes);
    expect((await client.search(user.dn, { scope: 'base' })).searchEntries).toHaveLength(1);
  });

  it('checks modifications against the schema too', async () => {
    const dn = tree.user(seedNames.alice);
    expect(await refusal(client.modify(dn, replace('mailfleetControlPort', ['22'])))).toBeInstanceOf(
      ObjectClassViolationError,
    );
    expect(await refusal(client.modify(dn, replace('mailfleetQuota', ['12abc'])))).toBeInstanceOf(
      InvalidSyntaxError,
    );
    expect(await refusal(client.modify(dn, replace('sn', [])))).toBeInstanceOf(ObjectClassViolationError);
    await client.modify(dn, replace('mailfleetQuota', ['123456']));
    const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['mailfleetQuota'] });
    expect(searchEntries[0]?.mailfleetQuota).toBe('123456');
  });

  it('refuses duplicates and writes below missing parents', async () => {
    const alice = mailUserEntry(tree, {
      mail: seedNames.alice,
      displayName: 'Alice Again',
      mailHost: 'store01',
    });
    expect(await refusal(client.add(alice.dn, alice.attributes))).toBeInstanceOf(AlreadyExistsError);
    const orphan = mailUserEntry(tree, {
      mail: 'orphan@nowhere.example',
      displayName: 'Orphan',
      mailHost: 'store01',
    });
    expect(await refusal(client.add(orphan.dn, orphan.attributes))).toBeInstanceOf(NoSuchObjectError);
  });

  it('pages through a large result with the paged results control', async () => {
    const pages: number[] = [];
    for await (const page of client.searchPaginated(tree.domains, {
      filter: '(objectClass=mailfleetMailUser)',
      attributes: ['mail'],
      paged: { pageSize: 250 },
    })) {
      pages.push(page.searchEntries.length);
    }
    expect(pages.slice(0, -1).every((n) => n === 250)).toBe(true);
    expect(pages.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1_200);
  });

  it('applies the size limit to searches without paging', async () => {
    const admin = new Client({ url: server.url });
    try {
      await admin.bind(tree.admin(seedNames.admins.viewer), 'viewer-secret');
      const error = await refusal(admin.search(tree.domains, { filter: '(objectClass=mailfleetMailUser)' }));
      expect(error).toBeInstanceOf(SizeLimitExceededError);
      const limited = await admin.search(tree.domains, {
        filter: '(objectClass=mailfleetMailUser)',
        sizeLimit: 7,
      });
      expect(limited.searchEntries).toHaveLength(7);
    } finally {
      await admin.unbind();
    }
  });

  it('evaluates filters: substrings, ranges, negation, presence', async () => {
    const search = async (filter: string) =>
      (await client.search(tree.domains, { filter, attributes: ['mail'], paged: true })).searchEntries.length;
    expect(await search('(mail=user00*@alpha.example)')).toBe(100);
    expect(await search('(&(objectClass=mailfleetMailUser)(mailfleetQuota>=100000))')).toBe(1);
    expect(await search('(&(objectClass=mailfleetMailUser)(mailfleetQuota<=1))')).toBe(0);
    expect(await search('(&(objectClass=mailfleetMailUser)(!(mailHost=store01))(mail=*@beta.example))')).toBe(
      1,
    );
    expect(await search('(mailLocalAddress=*)')).toBe(1);
    expect(await search('(objectClass=person)')).toBeGreaterThanOrEqual(1_202);
    expect(await search('(mailLocalAddress=a.smith*)')).toBe(0);
  });

  it('answers bad input with a result code and keeps serving', async () => {
    const error = await refusal(
      client.search('cn=nowhere,ou=domains,dc=mailfleet,dc=test', { scope: 'base' }),
    );
    expect(error).toBeInstanceOf(NoSuchObjectError);
    expect(error.message).toMatch(/no such entry/);
    expect(await refusal(client.modify('this is not a dn', replace('cn', ['x'])))).toHaveProperty('code');
    expect((await client.search(tree.servers, { scope: 'one' })).searchEntries).toHaveLength(
      seedNames.servers.length,
    );
  });

  it('drops a connection that sends garbage and goes on serving the others', async () => {
    const { port } = new URL(server.url);
    const closed = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01]));
        socket.write(Buffer.from('this is not BER at all'));
      });
      socket.on('error', () => {});
      socket.on('close', () => resolve(true));
      socket.setTimeout(3_000, () => {
        socket.destroy();
        resolve(false);
      });
    });
    expect(closed).toBe(true);
    // Random BER-looking junk on many connections: none may take the server down.
    for (let i = 0; i < 40; i++) {
      const junk = randomBytes(1 + ((i * 37) % 300));
      junk[0] = 0x30;
      await new Promise<void>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.end(junk));
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
        socket.resume();
      });
    }
    const { searchEntries } = await client.search(tree.stores, { scope: 'one' });
    expect(searchEntries.map((e) => e.cn)).toEqual(['store01', 'store02']);
  });

  it('shows the root DSE to anyone', async () => {
    const anonymous = new Client({ url: server.url });
    try {
      const { searchEntries } = await anonymous.search('', { scope: 'base', attributes: ['*'] });
      expect(searchEntries[0]?.namingContexts).toBe(testBaseDn);
      expect(searchEntries[0]?.supportedExtension).toContain('1.3.6.1.4.1.4203.1.11.1');
      expect(searchEntries[0]?.supportedControl).toContain('1.2.840.113556.1.4.319');
    } finally {
      await anonymous.unbind();
    }
  });
});
