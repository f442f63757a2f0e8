// The Content-Security-Policy headers the browser tests (and `npm run demo`) serve: what README
// "Content-Security-Policy" documents as enough for advcompress.

/** The CSP a page using advcompress needs (README "Content-Security-Policy"): wasm compilation without eval. */
export const CSP = ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'",
  "connect-src 'self'", "img-src 'self' blob: data:", "style-src 'self'", "object-src 'none'", "base-uri 'none'"].join('; ');

/** The demo also talks to a COS endpoint (the local test bucket here; *.myqcloud.com in production). */
export const DEMO_CSP = CSP.replace("connect-src 'self'", "connect-src 'self' http://127.0.0.1:4190 https://*.myqcloud.com");
