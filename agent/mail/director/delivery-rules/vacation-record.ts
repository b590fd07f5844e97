/**
 * Who has had a vacation reply, durably: at most one reply per sender per user per 7 days
 * (RFC 3834 section 4, the interval vacation(1) uses), across restarts and kill -9. One small
 * file per user (named by a hash of the address) holding `sender -> when replied`, replaced
 * atomically (temp file, fsync, rename, directory fsync) before the reply is queued: a crash in
 * between costs one reply, never sends two.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { isMissing, replaceFileAtomically } from '../../../common/durable-fs.js';

/** The interval in which one sender gets at most one reply from one user. */
export const vacationReplyIntervalMs = 7 * 24 * 60 * 60 * 1000;

const recordFile = z.record(z.string(), z.number());

/** The durable once-per-sender record of vacation replies. */
export class VacationRecord {
  // One write at a time per user: two messages from one sender at once must not both reply.
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(private readonly root: string) {}

  /**
   * Notes a reply from `user` to `sender` at `now` unless one went out in the last 7 days.
   * Resolves true (durably noted: send the reply now) or false (replied recently: send none).
   */
  claim(user: string, sender: string, now: number): Promise<boolean> {
    const key = user.toLowerCase();
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => this.claimNow(key, sender.toLowerCase(), now));
    this.chains.set(key, next);
    void next
      .finally(() => {
        if (this.chains.get(key) === next) this.chains.delete(key);
      })
      .catch(() => {});
    return next;
  }

  private async claimNow(user: string, sender: string, now: number): Promise<boolean> {
    const path = this.pathOf(user);
    const replied = await this.read(path);
    const last = replied[sender];
    if (last !== undefined && now - last < vacationReplyIntervalMs && now >= last) return false;
    // Senders past the interval are dropped, so the file stays as small as the week's senders.
    const kept: Record<string, number> = {};
    for (const [address, at] of Object.entries(replied))
      if (now - at < vacationReplyIntervalMs && at <= now) kept[address] = at;
    kept[sender] = now;
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    await replaceFileAtomically(path, JSON.stringify(kept));
    return true;
  }

  private async read(path: string): Promise<Record<string, number>> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (isMissing(error)) return {};
      throw error;
    }
    const parsed = recordFile.safeParse(safeJson(text));
    // A damaged file (it cannot be torn: it is replaced atomically) must not stop mail: start afresh.
    return parsed.success ? parsed.data : {};
  }

  private pathOf(user: string): string {
    return join(this.root, `${createHash('sha256').update(user).digest('hex').slice(0, 32)}.json`);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
