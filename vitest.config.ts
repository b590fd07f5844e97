import { defineConfig } from 'vitest/config';

/**
 * Tests start real servers (slapd, Dovecot, Rspamd, agents) on free loopback ports; they need room and
 * time on 2 cores. The lab tests run whole fleets of agent processes (39 for the reference lab), so
 * they run after everything else, one file at a time, instead of competing with the other suites for
 * the two cores and for free ports.
 */
const shared = {
  globalSetup: ['test/support/global-setup.ts'],
  testTimeout: 60_000,
  hookTimeout: 120_000,
  pool: 'forks' as const,
};

/** Suites outside test/main/lab that also start a whole lab fleet. */
const labFleetSuites = [
  'test/renderer/dashboard-view.test.ts',
  'test/renderer/operations-views.test.ts',
  'test/renderer/directory-view.test.ts',
  'test/renderer/moves-view.test.ts',
  'test/renderer/failover-view.test.ts',
  'test/renderer/switch-to-spare-view.test.ts',
  'test/renderer/department-views.test.ts',
  // npm install in a copy of the project, then a small lab and the console's start path.
  'test/main/install/fresh-install.test.ts',
];

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          ...shared,
          name: 'components',
          include: ['test/**/*.test.ts'],
          exclude: ['test/main/lab/**', ...labFleetSuites],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'lab',
          include: ['test/main/lab/**/*.test.ts', ...labFleetSuites],
          maxWorkers: 1,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
