// A production build of a Vite app that depends on advcompress. What the package needs from Vite is only this:
// its workers are module workers (worker.format 'es'), and the dependency is not pre-bundled in dev, which would
// move its wasm files away from the URLs its `new URL(..., import.meta.url)` point at.
import { defineConfig } from 'vite';

export default defineConfig({
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['advcompress'] },
  base: './',  // (served under /vite/ by the tests)
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
  logLevel: 'warn',
});
