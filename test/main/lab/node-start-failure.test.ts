/**
 * What `lab up` says about a node whose agent stopped while starting, read from the agent's log as
 * agent/cli.ts and the JSON logger write it.
 */
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readNodeStartFailure } from '../../../main/lab/node-start-failure.js';

let dir: string;
let log: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailfleet-start-failure-'));
  log = join(dir, 'agent.log');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function line(level: string, module: string, msg: string, fields?: Record<string, unknown>): string {
  return `${JSON.stringify({ time: new Date().toISOString(), level, node: 'store02', module, msg, ...(fields ? { fields } : {}) })}\n`;
}

describe('why a lab node stopped while starting', () => {
  it('finds a port another program holds, in the agent words', async () => {
    const error = 'listen EADDRINUSE: address already in use 127.0.0.1:14470';
    await appendFile(log, line('info', 'agent', 'starting'));
    await appendFile(log, line('error', 'agent', 'start failed', { module: 'control', error }));
    await appendFile(log, line('error', 'cli', 'agent could not start', { error }));
    await appendFile(log, `mailfleet-agent: store02 could not start: ${error}\n`);
    expect(await readNodeStartFailure(log)).toEqual({ reason: error, portTaken: true });
  });

  it('gives any other reason as it is, not as a taken port', async () => {
    const error = 'no server entry for store02 in the directory';
    await appendFile(log, line('error', 'cli', 'agent could not start', { error }));
    expect(await readNodeStartFailure(log)).toEqual({ reason: error, portTaken: false });
  });

  it('reads the last start of a log that has several', async () => {
    await appendFile(log, line('error', 'cli', 'agent could not start', { error: 'listen EADDRINUSE: 2' }));
    await appendFile(log, line('error', 'cli', 'agent could not start', { error: 'bad bind password' }));
    expect(await readNodeStartFailure(log)).toEqual({ reason: 'bad bind password', portTaken: false });
    await appendFile(log, line('error', 'cli', 'agent could not start', { error: 'listen EADDRINUSE: 1' }));
    await appendFile(log, line('info', 'agent', 'stopped'));
    await appendFile(log, 'x'.repeat(20_000)); // more than the tail read: the first start's line is cut off
    await appendFile(log, '\n');
    await appendFile(log, line('error', 'store-mail', 'mail stack failed', { error: 'disk full' }));
    expect(await readNodeStartFailure(log)).toEqual({ reason: 'disk full', portTaken: false });
  });

  it('says so when the log is missing or says nothing', async () => {
    expect(await readNodeStartFailure(log)).toEqual({
      reason: 'it stopped without saying why',
      portTaken: false,
    });
    await appendFile(log, line('info', 'agent', 'starting'));
    expect((await readNodeStartFailure(log)).reason).toBe('it stopped without saying why');
  });
});
