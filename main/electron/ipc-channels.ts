/**
 * IPC channel names, one per console call and one per pushed event, derived from the contract so
 * the preload and the main-process handlers cannot disagree. Imports nothing from Electron (the
 * preload bundle and the tests use it too).
 */
import type { ConsoleCallName, ConsoleEventName } from '../console/console-contract.js';

/** The channel a call travels on: `mailfleet:node.restartService`. */
export function callChannel(name: ConsoleCallName): string {
  return `mailfleet:${name}`;
}

/** The channel an event is pushed on: `mailfleet-event:fleet.snapshot`. */
export function eventChannel(name: ConsoleEventName): string {
  return `mailfleet-event:${name}`;
}
