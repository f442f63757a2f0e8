// The two browser engines besides Chromium, driven the way their own projects support: Firefox ESR (Debian's
// firefox-esr) by puppeteer-core over WebDriver BiDi, and WebKitGTK (Debian's webkit2gtk-driver: WebKitWebDriver
// and MiniBrowser, in a virtual X display by xvfb-run) by selenium-webdriver over classic WebDriver. Both expose the
// same small interface to tests/engines/engines.test.js:
//   const b = await firefox();  await b.open(url);  const r = await b.call('convert', url, options);  await b.close();
// `call(name, ...args)` runs `window.t[name](...args)` of the consumer test app (tests/consumers/shared/app.js)
// and returns its JSON-able result.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import puppeteer from 'puppeteer-core';
import { Builder } from 'selenium-webdriver';

export const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = process.env.MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

/** Resolves once something accepts connections on `port` (polls for up to `ms`). */
export async function waitForPort(port, ms = 20000) {
  const t0 = Date.now();
  for (;;) {
    const ok = await new Promise((resolve) => {
      fetch(`http://127.0.0.1:${port}/`).then(() => resolve(true), () => resolve(false));
    });
    if (ok) return;
    if (Date.now() - t0 > ms) throw new Error(`nothing listens on port ${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Firefox ESR, headless, through puppeteer-core (WebDriver BiDi). */
export async function firefox() {
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return {
    name: 'firefox',
    errors,
    version: await browser.version(),
    async open(url) {
      await page.goto(url);
      await page.waitForFunction(() => window.t?.ready === true, { timeout: 30000 });
    },
    call: (name, ...args) => page.evaluate((n, a) => window.t[n](...a), name, args),
    close: () => browser.close(),
  };
}

/** WebKitGTK's MiniBrowser through WebKitWebDriver, in a virtual X display (xvfb-run). */
export async function webkit() {
  const port = await freePort();
  const driverProcess = spawn('xvfb-run', ['-a', WEBKIT_DRIVER, `--port=${port}`], { stdio: 'ignore', detached: true });
  await waitForPort(port);
  const driver = await new Builder().usingServer(`http://127.0.0.1:${port}`).withCapabilities({
    browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
  }).build();
  await driver.manage().setTimeouts({ script: 5 * 60 * 1000 });
  const caps = await driver.getCapabilities();
  return {
    name: 'webkit',
    errors: [],  // (classic WebDriver has no console events; the app's own checks report what went wrong)
    version: `${caps.get('browserName')} ${caps.get('browserVersion')}`,
    async open(url) {
      await driver.get(url);
      await driver.wait(() => driver.executeScript('return window.t !== undefined && window.t.ready === true'), 30000);
    },
    async call(name, ...args) {
      const r = await driver.executeAsyncScript(`const done = arguments[arguments.length - 1];
        Promise.resolve().then(() => window.t[arguments[0]](...arguments[1]))
          .then((v) => done({ v }), (e) => done({ thrown: String(e && e.stack || e) }));`, name, args);
      if (r.thrown) throw new Error(r.thrown);
      return r.v;
    },
    async close() {
      try { await driver.quit(); } finally {
        try { process.kill(-driverProcess.pid); } catch { /* (already gone) */ }
      }
    },
  };
}
