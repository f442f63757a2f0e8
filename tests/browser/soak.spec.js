// The soak and the hostile inputs, in the Vite consumer app (the packed tarball) in Debian's Chromium:
//  - hostile: 45 bad inputs, wrong types, garbage options and rules, each answered with its typed code, in seconds
//    (no hang), with a good photo converted on the same one-worker pool right after, while the page kept rendering;
//  - soak: ADVCOMPRESS_SOAK_N (default 100) mixed HEIC/AVIF/WebP conversions through one pool, every 10th aborted;
//    every non-aborted one correct (every 10th decoded by Debian's heif-convert/avifdec/dwebp), the per-call time
//    not growing over the run, and the browser's memory back near its starting figure once the pool is idle.
// Memory is the resident set of every Chromium process (workers live in the renderer), read from /proc by `ps`.
// scripts/soak.sh runs the long version (ADVCOMPRESS_SOAK_N=1000).
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tmp = mkdtempSync(join(tmpdir(), 'advcompress-soak-'));
const N = Number(process.env.ADVCOMPRESS_SOAK_N ?? 100);

/** MiB resident in all Chromium processes now. */
function chromiumRssMiB() {
  const out = execFileSync('ps', ['-C', 'chromium', '-o', 'rss='], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).reduce((s, x) => s + Number(x), 0) / 1024;
}

async function open(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('http://127.0.0.1:4173/vite/');
  await page.waitForFunction(() => window.t?.ready === true);
  return errors;
}

/** Decodes an output with Debian's independent decoder; returns "W H". */
function independentSize(b64, format) {
  const src = join(tmp, `s-${Math.random().toString(36).slice(2)}.${format}`);
  writeFileSync(src, Buffer.from(b64, 'base64'));
  const png = `${src}.png`;
  if (format === 'heic') execFileSync('heif-convert', [src, png], { stdio: 'pipe' });
  else if (format === 'avif') execFileSync('avifdec', [src, png], { stdio: 'pipe' });
  else execFileSync('dwebp', [src, '-o', png], { stdio: 'pipe' });
  return execFileSync('identify', ['-format', '%w %h', png], { encoding: 'utf8' });
}

test('hostile inputs: every answer typed and prompt, the pool alive after each, the page rendering', async ({ page }) => {
  const errors = await open(page);
  const r = await page.evaluate(() => window.t.hostile());
  expect(r.cases.length).toBeGreaterThanOrEqual(40);
  const table = r.cases.map((c) => `  ${c.case}: ${c.code ?? 'no error'} in ${c.ms.toFixed(0)} ms`).join('\n');
  console.log(`${r.cases.length} hostile cases in ${(r.elapsed / 1000).toFixed(1)} s, ${r.frames} animation frames\n${table}`);
  for (const c of r.cases) {
    expect(c.typed, `${c.case}: ${JSON.stringify(c)}`).toBe(true);
    expect(c.code, `${c.case}: ${c.message}`).toBe(c.expected);
    expect(c.message.length, `${c.case}: a message`).toBeGreaterThan(10);
    expect(c.ms, `${c.case}: answered without hanging`).toBeLessThan(15000);
    expect(c.after, `${c.case}: a good photo converts right after`).toEqual({ format: 'webp', width: 320 });
  }
  expect(r.frames).toBeGreaterThan(r.elapsed / 1000 * 10);  // the page kept rendering (>= 10 frames/s on average)
  expect(errors).toEqual([]);
});

test(`soak: ${N} mixed conversions through one pool with aborts; correct outputs, steady times, memory given back`, async ({ page }) => {
  test.setTimeout(Math.max(5 * 60 * 1000, N * 3000));
  const errors = await open(page);
  await page.waitForTimeout(500);
  const before = chromiumRssMiB();
  let peak = before;
  const sampler = setInterval(() => { peak = Math.max(peak, chromiumRssMiB()); }, 250);
  const idleMs = 2000;
  const r = await page.evaluate(([n, idle]) => window.t.soak(n, 10, idle), [N, idleMs]);
  clearInterval(sampler);
  // idle: the pool ended its workers; let the page collect its garbage
  const session = await page.context().newCDPSession(page);
  await session.send('HeapProfiler.collectGarbage');
  await page.waitForTimeout(1000);
  const after = chromiumRssMiB();

  const done = r.calls.filter((c) => !c.abort);
  const aborted = r.calls.filter((c) => c.abort);
  for (const c of done) {
    expect(c.error, `call ${c.i} (${c.source} -> ${c.format}): ${JSON.stringify(c.error)}`).toBeUndefined();
    expect(c.out).toBe(c.format);
    expect(c.width).toBe(c.source === 'iss634.gif' ? 245 : 480);  // (maxWidth only scales down)
  }
  for (const c of aborted) {
    // an abort 30 ms in either wins (AbortError) or comes after a fast job finished: never another error
    if (c.error) expect(c.error.name, `call ${c.i}: ${JSON.stringify(c.error)}`).toBe('AbortError');
  }
  expect(aborted.some((c) => c.error?.name === 'AbortError')).toBe(true);
  for (const s of r.samples) {
    expect(independentSize(s.data, s.format).split(' ')[0]).toBe(s.source === 'iss634.gif' ? '245' : '480');
  }
  // Per-call time, early against late: two windows of 36 calls (three full cycles of the 12 format x photo kinds, so
  // both hold the same mix; calls before 12 load and compile the modules). Left out: the aborted calls and the
  // three after each (an abort that lands mid-job ends the worker, so the next call of each format compiles its
  // module again). Printed as a ratio; only a gross slow-down fails (a leak makes every call slower; noise on 2
  // shared cores does not triple a mean of ~20 calls).
  const steady = (from) => done.filter((c) => c.i >= from && c.i < from + 36 && c.i % 10 >= 3);
  const windowMs = (from) => steady(from).reduce((t, c) => t + c.ms, 0) / steady(from).length;
  const lastFrom = Math.floor((N - 36) / 12) * 12;
  const first = windowMs(12), last = windowMs(lastFrom);
  console.log(`soak: ${r.calls.length} calls (${aborted.length} aborted) in ${(r.elapsed / 1000).toFixed(1)} s; mean ms of calls 12-47 ${first.toFixed(0)}, of calls ${lastFrom}-${lastFrom + 35} ${last.toFixed(0)} (${(last / first).toFixed(2)}x); workers at end ${r.workersAtEnd}, after idle ${r.workersAfterIdle}, recycled ${r.recycled}; Chromium RSS MiB before ${before.toFixed(0)}, peak ${peak.toFixed(0)}, after idle ${after.toFixed(0)} (${(after / before).toFixed(2)}x); ${r.frames} frames`);
  expect(last / first).toBeLessThan(3);
  expect(r.workersAfterIdle).toBe(0);
  expect(after).toBeLessThan(before * 1.1);
  expect(errors).toEqual([]);
});
