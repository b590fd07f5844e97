/**
 * A failover whose parts are killed with SIGKILL while it runs (docs/failover.md, "What a crash
 * leaves"): store01 is killed under traffic and failed over to store02 (which holds the replica
 * and runs the job), new replica on spare01; the agents pause after each journaled step
 * (`failover.stepPauseMs`) so each kill lands where it should. store02, the job's own agent and
 * the replica holder, is killed after the job journaled `promote`; director01 after it journaled
 * `reroute`; spare01 during `rebuild`; then, in the switch-over to spare01, store02 (the job's
 * agent, serving the store) once the store is held (`switch-ship`), and spare01 at the next
 * try's `switch-ship`. Each is started again; each switch-over cut off before its repoint is
 * rolled back and tried again (the spare's kill may also be waited out: it is back within the 10 s
 * the switch-over waits for its acknowledgement); the job ends `done` with spare01 serving the store and store02
 * holding its replica, and every message the director accepted is in its INBOX once, through
 * the proxy.
 */
import { describe, expect, it } from 'vitest';
import {
  everyMessageOnce,
  expectSwitchedToSpare01,
  failOver,
  failoverFleet,
  finished,
  journaled,
  killStore01UnderTraffic,
} from './failover-helpers.js';

const fleet = failoverFleet({ failover: { stepPauseMs: 3000 } });

describe('a failover survives the kill of its parts', () => {
  it('resumes after the kill of the job agent (the replica holder), the director and the spare', async () => {
    const load = await killStore01UnderTraffic('crash');
    const job = await failOver('store01', 'store02', 'spare01');

    // The job's own agent, holding the replica, after the old node was stopped and before the promotion.
    await journaled('store02', job.job, 'promote');
    await fleet().kill('store02');
    await fleet().start('store02');

    // The director, before the job re-routes it: the job tries it, goes on, and the director's
    // own start reads the routes anew.
    await journaled('store02', job.job, 'reroute');
    await fleet().kill('director01');
    await journaled('store02', job.job, 'rebuild');
    await fleet().start('director01');

    // The spare, while it copies the store.
    await fleet().kill('spare01');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await fleet().start('spare01');

    // The job's agent, serving the store, while the switch-over holds it: rolled back at its
    // restart (served by store02 again), then tried again once spare01 is in step.
    await journaled('store02', job.job, 'switch-ship');
    await fleet().kill('store02');
    await fleet().start('store02');
    // The spare, while the next try holds the store: the take-over fails, rolled back again.
    await journaled('store02', job.job, 'switch-ship', 2);
    await fleet().kill('spare01');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await fleet().start('spare01');

    const ended = await finished('store02', job.job);
    const steps = ended.history.map((h) => h.step);
    expect(steps).toContain('promote');
    expect(steps[steps.length - 1]).toBe('done');
    // The restart of the job's agent rolls its switch-over back; the spare's kill either rolls the
    // next back too (the take-over failed) or is waited out (it came back in step within 10 s).
    const rollbacks = ended.switchRollbacks ?? 0;
    expect(rollbacks).toBeGreaterThanOrEqual(1);
    expect(ended.history.filter((h) => /was rolled back/.test(h.text))).toHaveLength(rollbacks);
    expect(ended.history[ended.history.findIndex((h) => h.step === 'switch-ship') + 1]?.text).toMatch(
      /^the switch-over to spare01 was rolled back \(the agent restarted during it\): store01 is served by store02 again, nothing lost/,
    );
    console.log(
      `failover-kill: the last switch-over held mail and logins ${ended.switchPauseMs} ms (3 s step pauses included)`,
    );
    const accepted = await load.stop();
    expect(accepted.length).toBeGreaterThan(20);
    await everyMessageOnce(accepted);
    // One server in the directory (the spare), the replica kept on store02, protected.
    // Two epochs per rollback (switching, serving again) besides the four of a clean run.
    await expectSwitchedToSpare01(4 + 2 * rollbacks);
  }, 900_000);
});
