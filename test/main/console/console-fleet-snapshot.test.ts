/** How the core's view of a node becomes the console's: up, down, or stale with the figures' age. */
import { describe, expect, it } from 'vitest';
import { consoleNodeViewOf } from '../../../main/console/console-fleet-snapshot.js';
import { consoleLocaleFor, environmentLanguages } from '../../../main/console/system-locale.js';
import type { NodeView } from '../../../main/core/fleet-snapshot.js';

const base: NodeView = {
  name: 'store01',
  role: 'store',
  directoryState: 'active',
  address: '127.0.0.1',
  controlPort: 4000,
  observed: 'up',
  since: 1,
};

describe('consoleNodeViewOf', () => {
  it('says up, down, or stale when the link is open but the figures stopped', () => {
    expect(consoleNodeViewOf({ ...base, staleMs: 400 }, 10_000)).toMatchObject({ state: 'up', ageMs: 400 });
    expect(
      consoleNodeViewOf(
        { ...base, observed: 'down', problem: { kind: 'unreachable', message: 'refused' } },
        10_000,
      ),
    ).toMatchObject({ state: 'down', since: 1, problem: { kind: 'unreachable' } });
    expect(
      consoleNodeViewOf(
        {
          ...base,
          observed: 'down',
          staleMs: 9000,
          problem: { kind: 'stale', message: 'no figures for 9 s' },
        },
        10_000,
      ),
    ).toMatchObject({ state: 'stale', ageMs: 9000, since: 1000 });
  });
});

describe('system language', () => {
  it('is Japanese when the first preferred language is Japanese', () => {
    expect(consoleLocaleFor(['ja_JP.UTF-8'])).toBe('ja');
    expect(consoleLocaleFor(['C', 'ja-JP'])).toBe('ja');
    expect(consoleLocaleFor(['en_US.UTF-8', 'ja'])).toBe('en');
    expect(consoleLocaleFor([])).toBe('en');
    expect(environmentLanguages({ LANG: 'ja_JP.UTF-8' })[0]).toBe('ja_JP.UTF-8');
    expect(consoleLocaleFor(environmentLanguages({ LC_ALL: 'ja_JP.UTF-8', LANG: 'en_US.UTF-8' }))).toBe('ja');
  });
});
