/**
 * Relay throughput rounds of the director bench: every side (a relay listening on a port) runs each
 * mode `repetitions` times with one load, the sides taking turns going first (the order rotates each
 * repetition), because the machine is shared and single runs swing. The median run of each side and
 * mode is what gets compared; every run is kept for the JSON line, with the machine's one-minute
 * load average when it ended.
 */
import { loadavg } from 'node:os';
import { round } from '../stats.js';
import type { RelayResult } from './relay-load.js';

/** How connections are used in a run, and how many messages it sends. */
export interface RelayMode {
  name: 'reused' | 'perMessage';
  reuseConnections: boolean;
  messages: number;
}

/** A run with the one-minute load average when it ended. */
export type LoadedRelayResult = RelayResult & { load1: number };

/** Medians and all runs, by side then mode. */
export interface RelayRounds {
  medians: Record<string, Record<string, LoadedRelayResult>>;
  runs: Record<string, Record<string, LoadedRelayResult[]>>;
}

/** Runs the rounds of one load generator and prints each run and the medians. */
export async function runRelayRounds(options: {
  /** The load generator's name in the output. */
  client: string;
  /** Side name -> SMTP port. */
  sides: Record<string, number>;
  modes: RelayMode[];
  repetitions: number;
  sessions: number;
  run: (port: number, mode: RelayMode) => Promise<RelayResult>;
  say: (line: string) => void;
}): Promise<RelayRounds> {
  const { client, sides, modes, repetitions, sessions, say } = options;
  const names = Object.keys(sides);
  const medians: RelayRounds['medians'] = Object.fromEntries(names.map((n) => [n, {}]));
  const runs: RelayRounds['runs'] = Object.fromEntries(names.map((n) => [n, {}]));
  for (const mode of modes) {
    for (let repetition = 0; repetition < repetitions; repetition++) {
      const shift = repetition % names.length;
      const order = [...names.slice(shift), ...names.slice(0, shift)];
      for (const name of order) {
        const result = {
          ...(await options.run(sides[name] as number, mode)),
          load1: round(loadavg()[0] ?? 0, 2),
        };
        const byMode = runs[name] as Record<string, LoadedRelayResult[]>;
        byMode[mode.name] = [...(byMode[mode.name] ?? []), result];
        say(
          `relay ${client} ${mode.name.padEnd(10)} ${name.padEnd(12)} ${round(result.messagesPerSecond, 1)} msg/s ` +
            `(${mode.messages} x 4 KB, ${sessions} sessions, ${round(result.seconds, 2)} s, ` +
            `${result.sinkSessionsEnded} LMTP sessions ended, load ${result.load1})`,
        );
      }
    }
    for (const name of names) {
      const sorted = [...((runs[name] as Record<string, LoadedRelayResult[]>)[mode.name] ?? [])].sort(
        (a, b) => a.messagesPerSecond - b.messagesPerSecond,
      );
      (medians[name] as Record<string, LoadedRelayResult>)[mode.name] = sorted[
        Math.floor(sorted.length / 2)
      ] as LoadedRelayResult;
    }
    say(
      `relay ${client} ${mode.name} medians of ${repetitions}: ` +
        names.map((name) => `${name} ${round(rate(medians, name, mode.name), 1)} msg/s`).join(', '),
    );
  }
  return { medians, runs };
}

/** The median messages per second of `side` in `mode`. */
export function rate(medians: RelayRounds['medians'], side: string, mode: string): number {
  const result = medians[side]?.[mode];
  if (!result) throw new Error(`no ${mode} figure for ${side}`);
  return result.messagesPerSecond;
}
