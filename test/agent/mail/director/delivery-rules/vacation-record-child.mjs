// Claims vacation replies in a process of its own, so a test can kill it with SIGKILL at any
// moment. Usage: node vacation-record-child.mjs COMPILED_ROOT RECORD_ROOT
// Claims `sender-N@far.example` for N = 0, 1, 2, ... without end; prints N on a line once the claim
// of N has resolved (durably noted: the reply would be queued now).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [compiledRoot, recordRoot] = process.argv.slice(2);
const { VacationRecord } = await import(
  pathToFileURL(join(compiledRoot, 'agent/mail/director/delivery-rules/vacation-record.js')).href
);
const record = new VacationRecord(recordRoot);
for (let n = 0; ; n++) {
  if (await record.claim('carol@alpha.example', `sender-${n}@far.example`, Date.now()))
    process.stdout.write(`${n}\n`);
}
