/**
 * The control port's admission rules alone (OpenSSH's PerSourceMaxStartups and MaxStartups
 * start:rate:full), with the random draw of the early drop chosen by the test.
 */
import { describe, expect, test } from 'vitest';
import { LoginGate, type LoginTicket } from '../../../agent/control/login-gate.js';

const limits = {
  startups: { start: 4, rate: 50, full: 8 },
  perSourceStartups: 3,
  perSourceConnections: 5,
  maxConnections: 12,
};

function admitted(result: LoginTicket | string): LoginTicket {
  if (typeof result === 'string') throw new Error(`refused: ${result}`);
  return result;
}

describe('LoginGate', () => {
  test('one address holds at most its share of unauthenticated connections; others still get in', () => {
    const gate = new LoginGate(limits, () => 0.99);
    const flood = [1, 2, 3].map(() => admitted(gate.admit('10.0.0.9')));
    expect(gate.admit('10.0.0.9')).toBe('too many unauthenticated connections from this address');
    // The same address seen on a dual-stack socket is the same source.
    expect(gate.admit('::ffff:10.0.0.9')).toBe('too many unauthenticated connections from this address');
    admitted(gate.admit('10.0.0.7'));
    // Authenticating frees the slot for the address's next login, up to its total connections.
    for (const ticket of flood) ticket.authenticated();
    admitted(gate.admit('10.0.0.9'));
    admitted(gate.admit('10.0.0.9'));
    expect(gate.admit('10.0.0.9')).toBe('too many connections from this address');
  });

  test('past `start` unauthenticated connections new ones are dropped at random, rising to all at `full`', () => {
    let draw = 0.99;
    const gate = new LoginGate(limits, () => draw);
    for (const source of ['a', 'b', 'c', 'd']) admitted(gate.admit(source));
    // At start (4): 50 % chance of refusal; a draw of 0.99 passes, 0.2 does not.
    admitted(gate.admit('e'));
    draw = 0.2;
    expect(gate.admit('f')).toBe('too many unauthenticated connections');
    // At 5 of 4..8 the chance is 62.5 %: 0.6 is refused, 0.7 passes.
    draw = 0.6;
    expect(gate.admit('f')).toBe('too many unauthenticated connections');
    draw = 0.99;
    for (const source of ['f', 'g', 'h']) admitted(gate.admit(source));
    expect(gate.startupCount).toBe(8);
    expect(gate.admit('i')).toBe('too many unauthenticated connections');
  });

  test('a closed connection gives its place back once, whatever its state', () => {
    const gate = new LoginGate(limits, () => 0.99);
    const ticket = admitted(gate.admit('x'));
    ticket.release();
    ticket.release();
    ticket.authenticated();
    expect(gate.startupCount).toBe(0);
    for (let i = 0; i < 12; i++) admitted(gate.admit(`s${i}`)).authenticated();
    expect(gate.admit('late')).toBe('too many connections');
  });
});
