// Static server for the browser tests: the consumer apps' production builds (/vite/ and its /assets/, /webpack/,
// /rsbuild/ and its /static/) and the test photos (/photos/, also to the Vite dev server's page on another port:
// CORS), served with the Content-Security-Policy the package documents, and with or without cross-origin isolation
// (COOP/COEP) depending on --coi. Static files by sirv (the server behind `vite preview`).
//   node tests/browser/server.js --port 4173 [--coi]
import http from 'node:http';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';
import { CSP, DEMO_CSP } from './csp.js';

const { values } = parseArgs({ options: { port: { type: 'string' }, coi: { type: 'boolean' } } });
const here = (p) => fileURLToPath(new URL(p, import.meta.url));

const headers = (res, path) => {
  res.setHeader('Content-Security-Policy', res.req?.isDemo ? DEMO_CSP : CSP);
  if (res.req?.isPhoto && !values.coi) res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Cache-Control', 'no-store');
  if (values.coi) {
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  }
};
const opts = { dev: true, etag: false, setHeaders: headers };  // (dev: read from disk each time, no caching)
const mounts = [
  // (the Vite app is built with Vite's defaults, base '/': its index.html asks for /assets/…)
  ['/vite/', sirv(here('../consumers/vite/dist'), opts)],
  ['/assets/', sirv(here('../consumers/vite/dist/assets'), opts)],
  // (the webpack app has no configuration: index.html beside src/ loads dist/main.js, as in webpack's guide)
  ['/webpack/', sirv(here('../consumers/webpack'), opts)],
  // (the Rsbuild app is built with Rsbuild's defaults: its index.html asks for /static/…)
  ['/rsbuild/', sirv(here('../consumers/rsbuild/dist'), opts)],
  ['/static/', sirv(here('../consumers/rsbuild/dist/static'), opts)],
  ['/demo/', sirv(here('../../build/demo'), opts)],
  // (the installed tarball's dist/wasm, as a CDN would serve it: `init({ wasmBase })`)
  ['/cdn/advcompress/', sirv(here('../consumers/vite/node_modules/advcompress/dist/wasm'), opts)],
  ['/photos/', sirv(process.env.ADVCOMPRESS_TEST_PHOTOS ?? here('../../build/photos'), opts)],
];

http.createServer((req, res) => {
  // (a page without a <link rel="icon"> asks for one; no app here has one to give, which is not a failure)
  if (req.url === '/favicon.ico') { res.statusCode = 204; return res.end(); }
  for (const [prefix, serve] of mounts) {
    if (req.url.startsWith(prefix)) {
      req.isDemo = prefix === '/demo/';
      req.isPhoto = prefix === '/photos/';
      req.url = req.url.slice(prefix.length - 1);
      return serve(req, res, () => { res.statusCode = 404; res.end('not found'); });
    }
  }
  res.statusCode = 404;
  res.end('not found');
}).listen(Number(values.port ?? 4173), '127.0.0.1', () => console.log(`serving on ${values.port} coi=${!!values.coi}`));
