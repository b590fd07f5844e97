/** A description of the machine a bench ran on, printed with every result. */
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';

export interface MachineDescription {
  cpu: string;
  cores: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  load1: number;
  kernel: string;
  node: string;
}

export function describeMachine(): MachineDescription {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 1024 ** 3) * 10) / 10,
    load1: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    kernel: release(),
    node: process.version,
  };
}

export function machineLine(m: MachineDescription): string {
  return `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB (${m.freeMemoryGiB} free), load ${m.load1}, Linux ${m.kernel}, Node ${m.node}`;
}
