import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// The console's runtime code is bundled (externalizeDeps: false), so a packaged console carries
// only built output and none of the agent's native dependencies.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: false,
      // The core's link thread is a second entry: out/main/link-thread.js, beside index.js (main/core/thread-start.ts).
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'main/shell/index.ts'), 'link-thread': resolve(import.meta.dirname, 'main/core/link-thread.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'main/preload/index.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      // Minified: Chromium parses a third of the bytes at start-up (the topology's first render counts it,
      // docs/benchmarks.md); the source maps beside it keep stack traces and DevTools readable.
      minify: true,
      sourcemap: true,
      rollupOptions: { input: resolve(import.meta.dirname, 'renderer/index.html') },
    },
  },
});
