/**
 * The peer figures of the director bench, from the smtp-source rounds: our director, Postfix inside
 * the bench (recipients checked with proxy:ldap: on slapd) and Postfix alone (no recipient table),
 * and the ratios ours / each peer figure, plus how far the peer inside the bench is from itself
 * alone. Above 1.0 means mailfleet relays more messages per second.
 */
import { round } from '../stats.js';
import { type RelayRounds, rate } from './relay-rounds.js';

/** The side names of the smtp-source rounds. */
export const peerSides = {
  ours: 'mailfleet',
  inBench: 'postfix',
  alone: 'postfixAlone',
} as const;

/** One mode's peer figures (messages per second) and ratios. */
export interface PeerFigures {
  mailfleet: number;
  postfixInBench: number;
  postfixAlone: number;
  /** mailfleet / Postfix in the bench. */
  oursToPostfixInBench: number;
  /** mailfleet / Postfix alone. */
  oursToPostfixAlone: number;
  /** Postfix in the bench / Postfix alone: what the directory lookups cost the peer. */
  postfixInBenchToAlone: number;
}

/** Computes and prints the figures of each mode. */
export function peerFigures(
  rounds: RelayRounds,
  modes: { name: string; label: string }[],
  say: (line: string) => void,
): Record<string, PeerFigures> {
  const figures: Record<string, PeerFigures> = {};
  for (const { name, label } of modes) {
    const ours = rate(rounds.medians, peerSides.ours, name);
    const inBench = rate(rounds.medians, peerSides.inBench, name);
    const alone = rate(rounds.medians, peerSides.alone, name);
    const f: PeerFigures = {
      mailfleet: round(ours, 1),
      postfixInBench: round(inBench, 1),
      postfixAlone: round(alone, 1),
      oursToPostfixInBench: round(ours / inBench, 3),
      oursToPostfixAlone: round(ours / alone, 3),
      postfixInBenchToAlone: round(inBench / alone, 3),
    };
    figures[name] = f;
    say(
      `peer figures, smtp-source, ${label}: mailfleet ${f.mailfleet} msg/s; ` +
        `Postfix in the bench (proxy:ldap: on slapd) ${f.postfixInBench} msg/s, ours/that ${f.oursToPostfixInBench}; ` +
        `Postfix alone (no recipient table) ${f.postfixAlone} msg/s, ours/that ${f.oursToPostfixAlone}; ` +
        `Postfix in the bench/alone ${f.postfixInBenchToAlone}`,
    );
  }
  return figures;
}
