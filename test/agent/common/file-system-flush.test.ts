/**
 * The file system flush the sync engine's bulk rounds end with: `sync -f` run by one shell kept for
 * the process's life, not a child forked per flush (file-system-flush.ts says why).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flushFileSystem } from '../../../agent/common/file-system-flush.js';

const dir = mkdtempSync(join(tmpdir(), 'mailfleet-flush-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The pids of this process's children running `sh`. */
function shellChildren(): number[] {
  const pids: number[] = [];
  for (const task of readdirSync('/proc/self/task')) {
    const children = readFileSync(`/proc/self/task/${task}/children`, 'utf8').trim();
    for (const pid of children ? children.split(' ').map(Number) : []) {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0');
      if (command[0] === 'sh') pids.push(pid);
    }
  }
  return pids;
}

describe('flushFileSystem', () => {
  it('flushes, one path or several at once', async () => {
    await flushFileSystem(dir);
    await Promise.all([flushFileSystem(dir), flushFileSystem(tmpdir()), flushFileSystem(dir)]);
  });

  it('runs every flush from the same shell', async () => {
    await flushFileSystem(dir);
    const before = shellChildren();
    expect(before).toHaveLength(1);
    for (let i = 0; i < 5; i++) await flushFileSystem(dir);
    expect(shellChildren()).toEqual(before);
  });

  it("fails a flush with sync's words, and the next one works", async () => {
    await expect(flushFileSystem(join(dir, 'not-there'))).rejects.toThrow(
      /flushing the file system of .*not-there failed: .*No such file or directory/,
    );
    await flushFileSystem(dir);
  });

  it('refuses a path with a line break (it would be two requests)', async () => {
    await expect(flushFileSystem(`${dir}\n/`)).rejects.toThrow(/a line break/);
    await flushFileSystem(dir);
  });

  it('starts a new shell when the last one was killed, also for a flush asked before the death was seen', async () => {
    await flushFileSystem(dir);
    const [killed] = shellChildren();
    process.kill(killed!, 'SIGKILL');
    // Asked at once: written to the dead shell's pipe, then asked again of a new shell.
    await flushFileSystem(dir);
    await expect.poll(() => shellChildren().includes(killed!)).toBe(false);
    await flushFileSystem(dir);
    const now = shellChildren();
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(killed);
  });
});
