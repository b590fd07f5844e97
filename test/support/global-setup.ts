import { ensureSystemRequirements } from './system-packages.js';

/** Runs once before the suite: make sure the real servers the tests start are installed. */
export default function setup(): void {
  ensureSystemRequirements();
}
