/**
 * The packaging config (build/electron/electron-builder.json) checked by electron-builder's own
 * validator (it cannot package here: that downloads Electron), and the security fuses it sets.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../../main/console/console-paths.js';

const root = packageRoot();
const config = JSON.parse(readFileSync(join(root, 'build', 'electron', 'electron-builder.json'), 'utf8'));

describe('electron-builder config', () => {
  it("passes electron-builder's schema, which refuses a wrong one", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, bogus: true }, new DebugLogger(false))).rejects.toThrow(
      /unknown property 'bogus'/,
    );
  });

  it('starts the Electron main process we build and ships the preload and renderer', () => {
    expect(config.extraMetadata.main).toBe('dist/main/electron/electron-main.js');
    expect(existsSync(join(root, 'main', 'electron', 'electron-main.ts'))).toBe(true);
    expect(config.files).toEqual(expect.arrayContaining(['dist/electron/preload.cjs', 'dist/renderer/**/*']));
  });

  it('turns off running as Node and loading code from outside the asar', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    });
  });
});
