/**
 * Bundles the preload into one CommonJS file (dist/electron/preload.cjs): a sandboxed preload can
 * require only 'electron', so the contract's call names are bundled in.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    outDir: new URL('../../dist/electron', import.meta.url).pathname,
    emptyOutDir: true,
    minify: false,
    sourcemap: false,
    target: 'node20',
    lib: {
      entry: new URL('./preload.ts', import.meta.url).pathname,
      formats: ['cjs'],
      fileName: () => 'preload.cjs',
    },
    rollupOptions: { external: ['electron'] },
  },
  logLevel: 'warn',
});
