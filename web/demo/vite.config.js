// The demo page as plain static files (`vite build` -> build/demo): no server-side code, works on any static
// host, with or without cross-origin isolation. It imports the package itself ('advcompress/heic', resolved to
// this repository's dist/ by the package's own exports), so `scripts/build.sh` must have run. Nothing here is for the
// package (it needs no bundler option): only where the page lives and where the build goes.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: { target: 'es2022', outDir: fileURLToPath(new URL('../../build/demo', import.meta.url)), emptyOutDir: true },
  logLevel: 'warn',
});
