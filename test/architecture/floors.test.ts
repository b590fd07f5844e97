/**
 * The floors hold (ARCHITECTURE.md, Layout; docs/architecture.md): nothing imports upward from
 * the shared floor, main/ takes from the agent only the floor, the page takes only types through
 * the console API's file, the mail protocol floor takes no role's code and the roles' mail rooms
 * none of each other's. The rules are checked on the tree, and on edges that break each of them,
 * so a rule that could never fail would show here.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { floorViolations, type ImportEdge, importsOf, readImportEdges } from './import-floors.js';

const repository = join(import.meta.dirname, '../..');

describe('the floors of the tree', () => {
  it('no source file imports across a floor', () => {
    const edges = readImportEdges(repository, ['agent', 'main', 'renderer/src']);
    // The reading itself works: the tree has hundreds of imports, and the floor is used from main/.
    expect(edges.length).toBeGreaterThan(1000);
    expect(edges.some((edge) => edge.from.startsWith('main/') && edge.to.startsWith('agent/common/'))).toBe(
      true,
    );
    const violations = floorViolations(edges).map(({ edge, rule }) => `${edge.from} -> ${edge.to}: ${rule}`);
    expect(violations).toEqual([]);
  });

  it('each rule fails on an import that breaks it', () => {
    const bad: ImportEdge[] = [
      {
        from: 'agent/common/contract/methods.ts',
        to: 'agent/mail/director/queue/queue-holds.ts',
        typeOnly: true,
      },
      { from: 'agent/mail/director/queue/mail-queue.ts', to: 'main/core/fleet-client.ts', typeOnly: true },
      { from: 'main/core/node-link.ts', to: 'agent/control/rpc-dispatcher.ts', typeOnly: false },
      { from: 'main/console/console-service.ts', to: 'agent/directory/embedded/journal.ts', typeOnly: false },
      { from: 'main/console/web-bridge.ts', to: 'renderer/src/app.tsx', typeOnly: true },
      { from: 'renderer/src/app.tsx', to: 'agent/common/contract/methods.ts', typeOnly: true },
      { from: 'renderer/src/app.tsx', to: 'main/console/console-contract.ts', typeOnly: false },
      {
        from: 'agent/mail/protocol/smtp/message-data-check.ts',
        to: 'agent/mail/store/mail-storage.ts',
        typeOnly: true,
      },
      {
        from: 'agent/mail/director/inbound/recipient-router.ts',
        to: 'agent/mail/store/lmtp/lmtp-server.ts',
        typeOnly: false,
      },
      {
        from: 'agent/mail/store/lmtp/lmtp-server.ts',
        to: 'agent/mail/director/queue/queue-entry.ts',
        typeOnly: true,
      },
      {
        from: 'agent/mail/proxy/proxy-server.ts',
        to: 'agent/mail/store/imap/imap-server.ts',
        typeOnly: false,
      },
    ];
    const good: ImportEdge[] = [
      { from: 'agent/common/rpc/rpc-client.ts', to: 'agent/common/contract/methods.ts', typeOnly: false },
      { from: 'agent/mail/director/queue/mail-queue.ts', to: 'agent/common/clock.ts', typeOnly: true },
      { from: 'main/core/node-link.ts', to: 'agent/common/rpc/connect-rpc.ts', typeOnly: false },
      { from: 'main/lab/create-lab.ts', to: 'agent/directory/embedded/import-entries.ts', typeOnly: false },
      { from: 'renderer/src/app.tsx', to: 'main/console/console-contract.ts', typeOnly: true },
      {
        from: 'agent/mail/store/lmtp/lmtp-server.ts',
        to: 'agent/mail/protocol/smtp/smtp-listener.ts',
        typeOnly: false,
      },
      {
        from: 'agent/mail/proxy/proxy-login.ts',
        to: 'agent/mail/director/director-authenticator.ts',
        typeOnly: false,
      },
      { from: 'agent/mail/protocol/imap/imap-parser.ts', to: 'agent/common/clock.ts', typeOnly: true },
    ];
    expect(floorViolations(good)).toEqual([]);
    expect(floorViolations(bad).map(({ rule }) => rule)).toEqual([
      'the floor (agent/common/) imports nothing outside itself',
      'the agent imports no console code',
      'main/ imports from agent/ only the floor (agent/common/)',
      'main/ imports from agent/ only the floor (agent/common/)',
      'the console core imports nothing of the page',
      'the page imports from outside renderer/ only main/console/console-contract.ts',
      'the page imports only types from the console core',
      'the mail protocol floor (agent/mail/protocol/) imports only itself and agent/common/',
      "a role's mail room (store, director, gateway, proxy) imports no other role's room",
      "a role's mail room (store, director, gateway, proxy) imports no other role's room",
      "a role's mail room (store, director, gateway, proxy) imports no other role's room",
    ]);
  });

  it('tells type-only imports from ones that bring code, in every spelling', () => {
    const known = new Set(['main/console/console-contract.ts', 'renderer/src/a.ts']);
    const text = [
      "import type { ConsoleApi } from '../../main/console/console-contract';",
      "import { type ConsoleLocale, type ConsoleReply } from '../../main/console/console-contract';",
      "import { consoleCalls } from '../../main/console/console-contract';",
      "import { type ConsoleApi as Api, isConsoleCallName } from '../../main/console/console-contract.js';",
      "export type { ConsoleApi } from '../../main/console/console-contract.js';",
      "export { consoleLocales } from '../../main/console/console-contract.js';",
      "import '../../main/console/console-contract.js';",
      "const later = () => import('../../main/console/console-contract.js');",
      "type Calls = typeof import('../../main/console/console-contract.js').consoleCalls;",
      "import { x } from 'zod';",
    ].join('\n');
    const edges = importsOf('renderer/src/a.ts', text, known);
    expect(edges.map((edge) => edge.to)).toEqual(Array(9).fill('main/console/console-contract.ts'));
    expect(edges.map((edge) => edge.typeOnly)).toEqual([
      true,
      true,
      false,
      false,
      true,
      false,
      false,
      false,
      true,
    ]);
  });
});
