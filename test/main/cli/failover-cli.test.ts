/**
 * The failover's command line against a real lab (`mailfleet lab up`, three stores and a spare,
 * the ring of replicas placed): store01's node is killed, `mailfleet failover store01` fails it over
 * to store02 (its replica) with the new replica on the free spare and follows the job to its end;
 * `failover status` lists the job; a bad request is refused in words and changes nothing.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FailoverJobView } from '../../../agent/common/contract/failover-contract.js';
import { parseLabUsers } from '../../../main/lab/lab-people.js';
import { cliLabForFile, storesAndSpareLab } from '../../support/cli-lab.js';
import { labInboxSubjects } from '../../support/lab-imap-login.js';
import { labSmtpTransport } from '../../support/lab-smtp.js';

/** The CLI on this file's lab. */
const { mailfleet, home } = cliLabForFile('failover-cli', storesAndSpareLab);

describe('mailfleet failover', () => {
  it('fails a killed store over to its replica, new replica on the spare, and says what it did', async () => {
    expect((await mailfleet('replicas', 'ring')).code).toBe(0);
    for (;;) {
      const rows = JSON.parse((await mailfleet('replicas', '--json')).stdout) as Array<{ state: string }>;
      if (rows.every((r) => r.state === 'protected')) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    // Refused in words, nothing written: a director cannot hold a replica, no such store.
    const director = await mailfleet('failover', 'store01', '--to', 'director01');
    expect(director.code).not.toBe(0);
    expect(director.stderr).toMatch(/director01 is a director, not a store or spare node/);
    const missing = await mailfleet('failover', 'store09');
    expect(missing.stderr).toMatch(/there is no logical store store09/);
    const notSwitching = await mailfleet('failover', 'store02', '--abandon-switch-over');
    expect(notSwitching.code).not.toBe(0);
    expect(notSwitching.stderr).toMatch(
      /store02 is not being switched over \(it is serving\): there is nothing to abandon/,
    );

    // Mail for a user of store01 (through the director): store01's node holds a mailbox of it when
    // it is killed, which make-spare wipes later.
    const user = parseLabUsers(await readFile(join(home(), 'lab-users.csv'), 'utf8')).find(
      (u) => u.store === 'store01',
    );
    const transport = await labSmtpTransport(home(), 'director01', '127.0.0.1');
    await transport.sendMail({
      envelope: { from: 'lab@outside.example', to: [user!.address] },
      raw: `From: lab@outside.example\r\nTo: ${user!.address}\r\nSubject: before the failover\r\n\r\nbody\r\n`,
    });
    transport.close();
    while (!(await labInboxSubjects(home(), user!.address, user!.password)).includes('before the failover'))
      await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await mailfleet('lab', 'kill', 'store01', '--home', home())).code).toBe(0);
    const run = await mailfleet('failover', 'store01', '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const job = JSON.parse(run.stdout) as FailoverJobView;
    expect(job).toMatchObject({
      store: 'store01',
      failedNode: 'store01',
      takenOverBy: 'store02',
      spare: 'spare01',
      step: 'done',
    });
    const listed = JSON.parse((await mailfleet('failover', 'status', '--json')).stdout) as FailoverJobView[];
    expect(listed.map((j) => [j.job, j.step])).toContainEqual([job.job, 'done']);
    const rows = JSON.parse((await mailfleet('replicas', '--json')).stdout) as Array<{
      store: string;
      servedBy: string;
      replicaNode: string;
    }>;
    // The job ends with the switch-over: the spare serves store01, store02 keeps its replica.
    expect(rows.find((r) => r.store === 'store01')).toMatchObject({
      servedBy: 'spare01',
      replicaNode: 'store02',
    });
    expect(job.switchPauseMs).toBeGreaterThan(0);
    console.log(`failover-cli: the switch-over to spare01 held mail and logins ${job.switchPauseMs} ms`);
    // A store failed over already is not failed over to the same place again: the spare serves it now.
    const again = await mailfleet('failover', 'store01', '--no-wait', '--to', 'spare01');
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/spare01 cannot hold the new replica of store01/);
  }, 300_000);
});

describe('mailfleet switch-to-spare', () => {
  it('moves a healthy store to another node with its replica built there first, and says what it did', async () => {
    const help = await mailfleet('switch-to-spare', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/pause for about 2 s/);
    // Refused in words, nothing written.
    const director = await mailfleet('switch-to-spare', 'store02', '--to', 'director01');
    expect(director.code).not.toBe(0);
    expect(director.stderr).toMatch(/director01 is a director, not a store or spare node/);
    const itself = await mailfleet('switch-to-spare', 'store02', '--to', 'store02');
    expect(itself.stderr).toMatch(/store02 serves store02 already/);
    // store01's node, repaired and started again, serves nothing: made the spare (its old mail of
    // store01 wiped), store02 goes there for maintenance.
    expect((await mailfleet('lab', 'start', 'store01', '--home', home())).code).toBe(0);
    const busy = await mailfleet('make-spare', 'store02');
    expect(busy.code).not.toBe(0);
    expect(busy.stderr).toMatch(/store02 still serves store02/);
    const holding = await mailfleet('make-spare', 'store03');
    expect(holding.stderr).toMatch(/store03 still serves store03/);
    // The ring put store03's replica on store01: someone needs it, so it is refused until placed elsewhere.
    const protecting = await mailfleet('make-spare', 'store01');
    expect(protecting.code).not.toBe(0);
    expect(protecting.stderr).toMatch(/store01 holds the replica of store03, which keeps it protected/);
    expect((await mailfleet('replicas', 'place', 'store03', '--on', 'store02')).code).toBe(0);
    const made = await mailfleet('make-spare', 'store01', '--json');
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    const wiped = JSON.parse(made.stdout) as { stores: string[]; mailboxes: number; role: string };
    expect(wiped.stores).toContain('store01');
    expect(wiped.mailboxes).toBeGreaterThan(0);
    // The CLI read the role back from the directory (it fails otherwise); the switch-over below
    // picks store01 as the free spare by that role.
    expect(wiped.role).toBe('spare');
    const run = await mailfleet('switch-to-spare', 'store02', '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const job = JSON.parse(run.stdout) as FailoverJobView;
    expect(job).toMatchObject({ store: 'store02', planned: true, spare: 'store01', step: 'done' });
    expect(job.history.map((h) => h.step)).not.toContain('fence');
    console.log(`switch-to-spare: mail and logins held ${job.switchPauseMs} ms`);
    const rows = JSON.parse((await mailfleet('replicas', '--json')).stdout) as Array<{
      store: string;
      servedBy: string;
      replicaNode: string;
    }>;
    expect(rows.find((r) => r.store === 'store02')).toMatchObject({
      servedBy: 'store01',
      replicaNode: 'store02',
    });
  }, 300_000);
});
