/**
 * Builds the renderer into dist/renderer (served by Electron's app protocol and by browser mode).
 * Relative asset paths so the same build works on both origins; no inline scripts (the CSP has no
 * 'unsafe-inline').
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    target: 'chrome120',
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
  },
  logLevel: 'warn',
});
