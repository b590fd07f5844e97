/**
 * A move to a store whose disk would be too full afterwards is refused in words and changes
 * nothing. The target store's mail is on a real small file system (a 32 MB tmpfs mounted for the
 * test, as root), filled with a ballast file until one 4 MB mailbox would take it past 90 % (df's
 * share, the figure the dashboard's tile shows); with the ballast gone the same move plans fine.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diskUsedShare } from '../../../agent/common/disk-use.js';
import { RpcCallError } from '../../../agent/common/rpc/rpc-errors.js';
import { storeUsers } from '../../support/store-seed.js';
import { type MailPathFleet, startMailPathFleet, until } from '../daemon/mail-path-fleet.js';

const small = mkdtempSync(join(tmpdir(), 'mailfleet-full-store-'));
const ballast = join(small, 'ballast');
let fleet: MailPathFleet;

/** The tmpfs as statfs (and so the planner and the tile) reads it. */
function disk() {
  const s = statfsSync(small);
  return {
    totalBytes: s.blocks * s.bsize,
    usedBytes: (s.blocks - s.bfree) * s.bsize,
    availableBytes: s.bavail * s.bsize,
  };
}

/** Writes `bytes` of ballast (what other data on a real store's disk would be). */
function fill(bytes: number): void {
  const fd = openSync(ballast, 'w');
  try {
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    for (let left = bytes; left > 0; left -= chunk.length)
      writeSync(fd, chunk, 0, Math.min(left, chunk.length));
  } finally {
    closeSync(fd);
  }
}

beforeAll(async () => {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', small]);
  fleet = await startMailPathFleet({ mailRoots: { store02: join(small, 'mail') } });
}, 60_000);

afterAll(async () => {
  await fleet?.stop();
  execFileSync('umount', ['-l', small]);
  rmSync(small, { recursive: true, force: true });
});

describe('a move to a store that would be too full', () => {
  it('is refused in words with the share after the move, and moves once there is room', async () => {
    const alice = storeUsers.alice.mail; // on store01
    const transport = createTransport({ ...fleet.endpoints.directorSmtp, ignoreTLS: true });
    try {
      // About 4 MB: 4,096 lines of 998 characters (SMTP's line limit is 1,000 with CRLF).
      const body = `${'y'.repeat(998)}\r\n`.repeat(4096);
      await transport.sendMail({
        envelope: { from: 'sender@outside.example', to: [alice] },
        raw: `From: sender@outside.example\r\nTo: ${alice}\r\nSubject: big\r\n\r\n${body}`,
      });
    } finally {
      transport.close();
    }
    const store02 = await fleet.rpc('store02');
    const plan = async () => store02.client.call('move.plan', { users: [alice], to: 'store02' });
    await until(async () => (await plan()).refusals.length === 0 && (await plan()).bytes > 4_000_000);
    const bytes = (await plan()).bytes;

    // Ballast to 82 %: the move's 4 MB (about 12 % of 32 MiB) takes it past 90 %.
    const now = disk();
    fill(Math.floor(0.82 * (now.usedBytes + now.availableBytes)) - now.usedBytes);
    const expected = Math.round(100 * (diskUsedShare(disk(), bytes) ?? 0));
    expect(expected).toBeGreaterThan(90);
    const refused = await plan();
    expect(refused.mailboxes).toBe(0);
    expect(refused.refusals).toEqual([
      expect.objectContaining({
        user: alice,
        code: 'target-full',
        reason: expect.stringMatching(
          new RegExp(
            `^store02 would be (${expected - 1}|${expected}|${expected + 1}) % full after moving .+ \\(at most 90 %\\)$`,
          ),
        ),
      }),
    ]);
    // The dialog's figure is the tile's figure: df's share of the same disk.
    expect(refused.targetDisk.usedPercentAfter).toBeGreaterThan(90);

    const start = await store02.client
      .call('move.start', { users: [alice], to: 'store02' })
      .catch((error: unknown) => error);
    expect(start).toBeInstanceOf(RpcCallError);
    expect((start as RpcCallError).message).toMatch(/target-full|would be \d+ % full/);
    // Nothing changed: no lock, still on store01, no job.
    const entry = await fleet.writer.findUserByAddress(alice);
    expect(entry).toMatchObject({ mailHost: 'store01' });
    expect(entry?.moveState).toBeUndefined();
    expect((await store02.client.call('move.list', {})).jobs).toEqual([]);

    // Room again: the same move plans without a refusal.
    rmSync(ballast);
    const fine = await plan();
    expect(fine).toMatchObject({ mailboxes: 1, refusals: [] });
  }, 120_000);
});
