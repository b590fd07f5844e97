/**
 * The moves' command line against a real lab (`mailfleet lab up`, two stores): a dry run says what
 * would move, `move --wait` moves a user with mail and ends when the job is done, `moves --json`
 * lists the job and the old copy, bad input is refused in the agent's words with exit 1 and
 * changes nothing, `moves suggest` and `drain --dry-run` spread the users, `drain` moves every user
 * of a store to the other one.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MoveJob } from '../../../agent/common/contract/move-contract.js';
import { fleetProfileSchema } from '../../../main/core/fleet-profile.js';
import { parseLabUsers } from '../../../main/lab/lab-people.js';
import { cliLabForFile } from '../../support/cli-lab.js';

/** The CLI on this file's lab. */
const { mailfleet, home } = cliLabForFile('moves-cli', [
  '--stores',
  '2',
  '--spares',
  '0',
  '--users',
  '30',
  '--domains',
  '2',
]);
let users: Array<{ address: string; password: string; store: string }>;

beforeAll(async () => {
  users = parseLabUsers(await readFile(join(home(), 'lab-users.csv'), 'utf8'));
});

describe('mailfleet move, moves and drain', () => {
  it('moves a user with mail, lists the job, and refuses bad input in words', async () => {
    const user = users.find((u) => u.store === 'store01')!;
    const profile = fleetProfileSchema.parse(JSON.parse(await readFile(join(home(), 'fleet.json'), 'utf8')));
    const lmtp = profile.nodes.find((n) => n.name === 'store01')!.services.lmtp!.split(':');
    const transport = createTransport({ host: lmtp[0], port: Number(lmtp[1]), lmtp: true, ignoreTLS: true });
    for (let i = 0; i < 5; i++)
      await transport.sendMail({
        envelope: { from: 'a@example.org', to: [user.address] },
        raw: `Subject: cli ${i}\r\nMessage-ID: <cli-${i}@test>\r\n\r\nbody ${i}\r\n`,
      });
    transport.close();

    const dry = await mailfleet('move', user.address, '--to', 'store02', '--dry-run', '--json');
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ mailboxes: 1, messages: 5, refusals: [] });
    // In words: how full the target's disk would be, as df and the console's tiles count it.
    const words = await mailfleet('move', user.address, '--to', 'store02', '--dry-run');
    expect(words.stdout).toMatch(/^disk of store02 after: [\d.]+ % full, [\d.]+ (bytes|kB|MB|GB|TB) left$/m);

    const same = await mailfleet('move', user.address, '--to', 'store01');
    expect(same.code).toBe(1);
    expect(same.stderr).toContain(`nothing was moved: ${user.address} is already on store01`);
    const unknown = await mailfleet('move', 'nobody@eng.univ.example', '--to', 'store02');
    expect(unknown.stderr).toContain('no user has the address nobody@eng.univ.example');

    const moved = await mailfleet('move', user.address, '--to', 'store02', '--wait', '--json');
    expect(moved.code).toBe(0);
    const finished = JSON.parse(moved.stdout) as MoveJob[];
    expect(finished[0]).toMatchObject({ user: user.address, phase: 'done', target: 'store02' });

    const listed = JSON.parse((await mailfleet('moves', '--json')).stdout) as {
      jobs: MoveJob[];
      keptCopies: Array<{ user: string; node: string }>;
    };
    expect(listed.jobs.map((j) => j.job)).toContain(finished[0]!.job);
    expect(listed.keptCopies).toContainEqual(
      expect.objectContaining({ user: user.address, node: 'store01' }),
    );
    const cancel = await mailfleet('moves', 'cancel', finished[0]!.job);
    expect(cancel.code).toBe(1);
    expect(cancel.stderr).toContain(`is done: ${user.address} is on store02 (a rollback moves them back)`);
  }, 180_000);

  it('spreads a drain and moves every user of the store', async () => {
    const suggest = await mailfleet('moves', 'suggest', '--json');
    expect(suggest.code).toBe(0);
    expect(JSON.parse(suggest.stdout)).toHaveProperty('spreadBefore');
    const dry = JSON.parse((await mailfleet('drain', 'store01', '--dry-run', '--json')).stdout) as {
      moves: Array<{ user: string; to: string }>;
    };
    const onStore01 = users.filter((u) => u.store === 'store01').length - 1;
    expect(dry.moves).toHaveLength(onStore01);
    expect(new Set(dry.moves.map((m) => m.to))).toEqual(new Set(['store02']));
    const drained = await mailfleet('drain', 'store01', '--wait', '--concurrency', '4');
    expect(drained.code, drained.stderr).toBe(0);
    const after = JSON.parse((await mailfleet('drain', 'store01', '--dry-run', '--json')).stdout) as {
      moves: unknown[];
    };
    expect(after.moves).toEqual([]);
    const bad = await mailfleet('drain', 'store01', '--to', 'store09', '--dry-run');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('there is no store store09');
  }, 300_000);
});
