import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { findFreePorts, isPortFree, labPortRange } from '../../../main/lab/free-ports.js';

describe('lab ports', () => {
  it('picks distinct bindable ports below the ephemeral range, where outgoing connections never land', async () => {
    const { low, high } = labPortRange();
    expect(low).toBe(10_000);
    const ephemeralLow = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0],
    );
    expect(high).toBeLessThan(ephemeralLow);
    const ports = await findFreePorts(300);
    expect(new Set(ports).size).toBe(300);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(low);
      expect(port).toBeLessThanOrEqual(high);
    }
    expect(await isPortFree(ports[0] as number)).toBe(true);
  });

  it('sees a port someone else listens on as taken', async () => {
    const [port] = (await findFreePorts(1)) as [number];
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', () => resolve()));
    try {
      expect(await isPortFree(port)).toBe(false);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});
