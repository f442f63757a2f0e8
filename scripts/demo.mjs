// `npm run demo`: the demo page (build/demo, static files) on http://127.0.0.1:5173 and, as its "local bucket", the
// COS-compatible test server (tests/cos-server) on :4190 with its STS endpoint; the printed URL opens the page
// with the upload form filled in for that bucket. Run scripts/demo.sh (it builds first).
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';
import { startCosServer } from '../tests/cos-server/server.js';
import { DEMO_CSP } from '../tests/browser/csp.js';

const root = fileURLToPath(new URL('../build/local-bucket', import.meta.url));
const cos = await startCosServer({ port: 4190, root });
const serve = sirv(fileURLToPath(new URL('../build/demo', import.meta.url)), {
  setHeaders: (res) => res.setHeader('Content-Security-Policy', DEMO_CSP),
});
http.createServer((req, res) => serve(req, res, () => { res.statusCode = 404; res.end(); }))
  .listen(5173, '127.0.0.1', () => {
    const q = new URLSearchParams({ bucket: cos.bucket, region: cos.region, endpoint: cos.url, sts: cos.stsUrl });
    console.log(`advcompress demo: http://127.0.0.1:5173/?${q}`);
    console.log(`local bucket: ${cos.url} (files in ${root}); Ctrl+C stops both`);
  });
