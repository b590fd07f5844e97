/**
 * `mailfleet lab up|down|kill|start|traffic`: a whole fleet on loopback for trying mailfleet on one
 * machine, and mail traffic to watch it work.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultLabHome } from '../../core/fleet-profile.js';
import { sendLabControl } from '../../lab/lab-control.js';
import { LabLayout } from '../../lab/lab-layout.js';
import { defaultLabSettings, readLabState, referenceLabSpec } from '../../lab/lab-plan.js';
import { signalNode } from '../../lab/node-process.js';
import { runLab } from '../../lab/run-lab.js';
import { stopLab } from '../../lab/stop-lab.js';
import { runTraffic } from '../../lab/traffic/run-traffic.js';
import { parseDuration, parseTrafficOptions } from '../../lab/traffic/traffic-options.js';
import { labTrafficTargets } from '../../lab/traffic/traffic-targets.js';

const usage = `usage:
  mailfleet lab up [--home DIR] [--stores 35] [--spares 1] [--users 40000] [--domains 20]
                   [--greylist-delay 60s]
  mailfleet lab down [--home DIR]
  mailfleet lab kill NODE [--home DIR]     (SIGKILL, to simulate a crash)
  mailfleet lab start NODE [--home DIR]
  mailfleet lab traffic [--home DIR] [--rate 20] [--spam 0.3] [--duration 10m] [--logins N] [--seed N]
                        [--end-grace 30s]  (mail through the gateway and director; stops on its own)`;

function count(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${flag} takes a whole number, not ${JSON.stringify(value)}`);
  return n;
}

export async function labCommand(argv: string[], out: (text: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      home: { type: 'string' },
      stores: { type: 'string' },
      spares: { type: 'string' },
      users: { type: 'string' },
      domains: { type: 'string' },
      rate: { type: 'string' },
      spam: { type: 'string' },
      duration: { type: 'string' },
      logins: { type: 'string' },
      seed: { type: 'string' },
      'end-grace': { type: 'string' },
      'greylist-delay': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const layout = new LabLayout(values.home ? resolve(values.home) : defaultLabHome());
  switch (sub) {
    case 'up': {
      const spec = {
        ...referenceLabSpec,
        stores: count(values.stores, referenceLabSpec.stores, '--stores'),
        spares: count(values.spares, referenceLabSpec.spares, '--spares'),
        users: count(values.users, referenceLabSpec.users, '--users'),
        domains: count(values.domains, referenceLabSpec.domains, '--domains'),
      };
      const greylistDelay = values['greylist-delay'];
      return runLab(layout, spec, out, {
        ...defaultLabSettings,
        ...(greylistDelay === undefined
          ? {}
          : { greylistDelayMs: parseDuration(greylistDelay, '--greylist-delay') }),
      });
    }
    case 'down': {
      await stopLab(layout, out);
      return 0;
    }
    case 'kill': {
      const node = positionals[0];
      if (!node) throw new Error(usage);
      await requireNode(layout, node);
      if (!(await signalNode(layout, node, 'SIGKILL'))) throw new Error(`${node} is not running`);
      out(`killed ${node} (SIGKILL)`);
      return 0;
    }
    case 'start': {
      const node = positionals[0];
      if (!node) throw new Error(usage);
      const reply = await sendLabControl(layout.controlSocket, { op: 'start', node });
      if (!reply.ok) throw new Error(reply.error);
      out(reply.message);
      return 0;
    }
    case 'traffic': {
      const options = parseTrafficOptions(values);
      const targets = await labTrafficTargets(layout);
      out(
        `sending about ${options.ratePerSecond} messages/s for ${options.durationMs / 1000} s ` +
          `(spam share ${options.spamShare}, seed ${options.seed}); Ctrl-C stops early`,
      );
      const stop = new AbortController();
      const onInterrupt = () => stop.abort();
      process.once('SIGINT', onInterrupt);
      try {
        const { run, summary } = await runTraffic(targets, options, out, stop.signal);
        out(JSON.stringify({ run, ...summary }));
      } finally {
        process.off('SIGINT', onInterrupt);
      }
      return 0;
    }
    default:
      throw new Error(usage);
  }
}

async function requireNode(layout: LabLayout, node: string): Promise<void> {
  const state = await readLabState(layout.state);
  if (!state) throw new Error(`there is no lab at ${layout.home}`);
  if (!state.nodes.some((n) => n.name === node)) throw new Error(`this lab has no node named ${node}`);
}
