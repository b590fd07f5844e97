import { describe, expect, it } from 'vitest';
import { DirectorySyncBatch } from '../../../../../agent/mail/director/queue/directory-sync-batch.js';

describe('DirectorySyncBatch (group commit)', () => {
  it('serves callers that arrive during an fsync with one following fsync, never with the running one', async () => {
    const started: { release: () => void; callersBefore: number }[] = [];
    let callers = 0;
    const batch = new DirectorySyncBatch('/spool', async () => {
      await new Promise<void>((release) => started.push({ release, callersBefore: callers }));
    });
    const first = batch.sync();
    callers = 1;
    let firstDone = false;
    void first.then(() => {
      firstDone = true;
    });
    // 50 more callers arrive while the first fsync runs.
    const waiting = Array.from({ length: 50 }, () => batch.sync());
    callers = 51;
    let laterDone = 0;
    for (const w of waiting) void w.then(() => laterDone++);
    expect(started).toHaveLength(1);
    started[0]?.release();
    await first;
    expect(firstDone).toBe(true);
    // The later callers renamed after the first fsync began: they wait for a second one.
    await new Promise((resolve) => setImmediate(resolve));
    expect(laterDone).toBe(0);
    expect(started).toHaveLength(2);
    expect(started[1]?.callersBefore).toBe(51);
    started[1]?.release();
    await Promise.all(waiting);
    expect(laterDone).toBe(50);
    // Idle again: the next caller starts a fresh fsync at once.
    const again = batch.sync();
    expect(started).toHaveLength(3);
    started[2]?.release();
    await again;
  });

  it('passes an fsync failure to its callers and recovers for the next', async () => {
    let fail = true;
    const batch = new DirectorySyncBatch('/spool', async () => {
      if (fail) throw new Error('EIO');
    });
    await expect(batch.sync()).rejects.toThrow('EIO');
    fail = false;
    await expect(batch.sync()).resolves.toBeUndefined();
  });
});
