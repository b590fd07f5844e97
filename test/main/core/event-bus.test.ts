import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../main/core/event-bus.js';

describe('EventBus', () => {
  it('removes all of one owner listeners at once and keeps the others', () => {
    const bus = new EventBus<{ tick: number; tock: string }>();
    const view = {};
    const other = {};
    const seen: string[] = [];
    bus.on('tick', view, (n) => seen.push(`view ${n}`));
    bus.on('tock', view, (s) => seen.push(`view ${s}`));
    bus.on('tick', other, (n) => seen.push(`other ${n}`));
    bus.emit('tick', 1);
    bus.removeOwner(view);
    bus.emit('tick', 2);
    bus.emit('tock', 'x');
    expect(seen).toEqual(['view 1', 'other 1', 'other 2']);
  });

  it('keeps calling listeners after one throws', () => {
    const bus = new EventBus<{ tick: number }>();
    const errors: string[] = [];
    bus.onListenerError = (error) => errors.push((error as Error).message);
    const seen: number[] = [];
    bus.on('tick', {}, () => {
      throw new Error('broken view');
    });
    bus.on('tick', {}, (n) => seen.push(n));
    bus.emit('tick', 7);
    expect(seen).toEqual([7]);
    expect(errors).toEqual(['broken view']);
  });
});
