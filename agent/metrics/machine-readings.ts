/**
 * Raw readings of the machine the agent runs on: /proc/stat, /proc/meminfo, /proc/net/dev and
 * statfs. Each returns cumulative counters or absolute figures; the sampler turns them into rates.
 * Every reader tolerates a missing or odd file (containers, non-Linux dev machines) by returning
 * undefined rather than failing the sample.
 */
import { readFile, statfs } from 'node:fs/promises';
import type { DiskFigures } from '../common/disk-use.js';

/** Cumulative CPU jiffies of the whole machine. */
export interface CpuTimes {
  busy: number;
  total: number;
}

/** Reads the aggregate `cpu` line of /proc/stat. */
export async function readCpuTimes(path = '/proc/stat'): Promise<CpuTimes | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  const line = text?.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return undefined;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  if (values.length < 4 || values.some((v) => !Number.isFinite(v))) return undefined;
  // user nice system idle iowait irq softirq steal (guest time is already counted in user).
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.slice(0, 8).reduce((sum, v) => sum + v, 0);
  return { busy: total - idle, total };
}

/** Machine memory in bytes. */
export interface MemoryReading {
  totalBytes: number;
  usedBytes: number;
}

/** Reads MemTotal and MemAvailable from /proc/meminfo; used = total - available. */
export async function readMemory(path = '/proc/meminfo'): Promise<MemoryReading | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (!text) return undefined;
  const kib = (key: string): number | undefined => {
    const match = new RegExp(`^${key}:\\s+(\\d+)\\s*kB`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : undefined;
  };
  const total = kib('MemTotal');
  const available = kib('MemAvailable') ?? kib('MemFree');
  if (total === undefined || available === undefined) return undefined;
  return { totalBytes: total, usedBytes: Math.max(0, total - available) };
}

/** Cumulative bytes over every interface except loopback. */
export interface NetworkCounters {
  rxBytes: number;
  txBytes: number;
}

/** Reads /proc/net/dev. Loopback is left out: it is traffic the node has with itself. */
export async function readNetworkCounters(path = '/proc/net/dev'): Promise<NetworkCounters | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (!text) return undefined;
  let rxBytes = 0;
  let txBytes = 0;
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim();
    if (name === 'lo') continue;
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    rxBytes += fields[0] ?? 0;
    txBytes += fields[8] ?? 0;
  }
  return { rxBytes, txBytes };
}

/** Size, use and space left of the file system holding a path. */
export interface DiskReading extends DiskFigures {
  availableBytes: number;
}

/** statfs of the data directory: what matters is the space left for mail. */
export async function readDisk(path: string): Promise<DiskReading | undefined> {
  const stats = await statfs(path).catch(() => undefined);
  if (!stats) return undefined;
  const totalBytes = stats.blocks * stats.bsize;
  return {
    totalBytes,
    usedBytes: Math.max(0, totalBytes - stats.bfree * stats.bsize),
    availableBytes: stats.bavail * stats.bsize,
  };
}
