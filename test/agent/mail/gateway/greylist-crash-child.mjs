// Runs a journaled greylist in a process of its own, so a test can kill it with SIGKILL.
// Usage: node greylist-crash-child.mjs COMPILED_ROOT STATE_DIR
// Decides for new triplets without end; after each flush prints `{"durable": N}` (N triplets are
// on disk by then) and compacts every 5 flushes, so kills also land inside compactions.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [compiledRoot, dir] = process.argv.slice(2);
const load = (file) => import(pathToFileURL(join(compiledRoot, 'agent/mail/gateway', file)).href);
const { Greylist } = await load('greylist.js');
const { GreylistJournal } = await load('greylist-journal.js');
const journal = new GreylistJournal({ dir, flushMs: 60_000 });
const greylist = new Greylist({ clock: { now: () => 1_800_000_000_000 }, journal });
greylist.open();
const start = greylist.counts().pendingTriplets;
for (let i = start, flushes = 0; ; i += 1) {
  greylist.decide(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.1`, 'a@example.org', `user${i}@univ.example`);
  if (i % 50 === 49) {
    journal.flush();
    flushes += 1;
    if (flushes % 5 === 0) greylist.compact();
    process.stdout.write(`${JSON.stringify({ durable: i + 1 })}\n`);
    // Let the parent's kill arrive between batches as well as inside them.
    if (flushes % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}
