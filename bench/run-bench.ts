/**
 * `npm run bench -- NAME`: runs one benchmark. Each compares against the named peer started in the
 * same run on the same machine where the issue names one, prints ratios, then one final JSON line
 * with all its figures.
 */
import { runConsoleBench } from './console/console-bench.js';
import { runControlBench } from './control/control-bench.js';
import { runDirectorBench } from './director/director-bench.js';
import { runFailoverBench } from './failover/failover-bench.js';
import { runLabBench } from './lab/lab-start-bench.js';
import { describeMachine, machineLine } from './machine.js';
import { runMoveFloorBench } from './move/floor-bench.js';
import { runMoveBench } from './move/move-bench.js';
import { runStoreBench } from './store/store-bench.js';

const benches: Record<string, (say: (line: string) => void) => Promise<Record<string, unknown>>> = {
  console: runConsoleBench,
  control: runControlBench,
  director: runDirectorBench,
  failover: runFailoverBench,
  lab: runLabBench,
  move: runMoveBench,
  'move-floor': runMoveFloorBench,
  store: runStoreBench,
};

async function main(): Promise<number> {
  const name = process.argv[2];
  const bench = name ? benches[name] : undefined;
  if (!bench) {
    process.stderr.write(`usage: npm run bench -- NAME   (one of: ${Object.keys(benches).join(', ')})\n`);
    return 2;
  }
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const machine = describeMachine();
  say(`bench ${name}`);
  say(machineLine(machine));
  const figures = await bench(say);
  say(JSON.stringify({ bench: name, machine, ...figures }));
  return 0;
}

process.exit(await main());
