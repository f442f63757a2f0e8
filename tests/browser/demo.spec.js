// The demo page (web/demo, built by `vite build` into build/demo) as a visitor uses it, in Debian's Chromium:
// drop three real photos, convert to HEIC (and compare with AVIF/WebP), see the previews and the ratio table,
// download the zip (its HEIC entries decode with heif-convert), upload to the local COS-compatible server with a
// Pic-Operations header and see the parsed result, fail cleanly with a wrong credential, cancel a running
// conversion, and work with the keyboard alone. Screenshots at desktop and phone widths land in build/screenshots.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { startCosServer } from '../cos-server/server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PHOTOS = join(ROOT, 'build/photos');
const SHOTS = join(ROOT, 'build/screenshots');
mkdirSync(SHOTS, { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), 'advcompress-demo-'));
const DEMO = 'http://127.0.0.1:4173/demo/';
const THREE = ['Storm-1280.jpg', 'Dune-1280.jpg', 'LadyBird-1280.jpg'];

function watch(page) {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

// Drops files on the drop zone as a drag and drop from the desktop would (a DataTransfer with Files).
async function dropFiles(page, names) {
  const files = names.map((n) => ({ name: n, b64: readFileSync(join(PHOTOS, n)).toString('base64') }));
  await page.evaluate(async (list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bin = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bin], f.name, { type: 'image/jpeg' }));
    }
    const drop = document.querySelector('#drop');
    drop.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }));
    drop.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, files);
}

// (exactly 'Done': the per-format stages read 'HEIC: done…', which a substring match would take for the end)
const waitDone = (page, n) => expect(page.locator('.card .status', { hasText: /^Done$/ })).toHaveCount(n, { timeout: 240_000 });

test('drop three photos, convert to HEIC with a comparison, preview, ratio table, zip of decodable files', async ({ page }) => {
  const errors = watch(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${DEMO}?format=heic&quality=50`);
  await expect(page.locator('select[name=format]')).toHaveValue('heic');  // settings come from the URL
  await dropFiles(page, THREE);
  await waitDone(page, 3);
  const cards = page.locator('.card');
  await expect(cards).toHaveCount(3);
  for (let i = 0; i < 3; i++) {
    const card = cards.nth(i);
    // Before/after: both images loaded (the HEIC shown through the package's own wasm decoder).
    await expect.poll(() => card.locator('img.after').evaluate((img) => img.naturalWidth)).toBe(1280);
    const rows = card.locator('tbody tr');
    await expect(rows).toHaveCount(3);
    const text = await rows.allInnerTexts();
    // (PSNR in dB, then SSIMULACRA2: a real photo at quality 50 scores between 50 and 95)
    expect(text[0]).toMatch(/^HEIC ★\s+[\d,.]+ KB\s+\d+\.\d%\s+\d+\.\d\d s( \(\d+×\d+ tiles, \d+ workers\))?\s+\d+\.\d dB\s+(5|6|7|8|9)\d\.\d\s/);
    expect(text.join('\n')).toMatch(/AVIF/);
    expect(text.join('\n')).toMatch(/WEBP\s+[\d,.]+ KB\s+\d+\.\d%\s+\d+\.\d\d s\s+\d+\.\d dB\s+\d+\.\d\s/);  // both for every format
  }
  await page.screenshot({ path: join(SHOTS, 'demo-desktop.png'), fullPage: true });
  // Download all as a zip; its HEIC entries decode in Debian's heif-convert at the photos' size.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download all (zip)' }).click()]);
  const zipPath = join(tmp, 'all.zip');
  await download.saveAs(zipPath);
  const entries = unzipSync(new Uint8Array(readFileSync(zipPath)));
  const names = Object.keys(entries).sort();
  expect(names).toEqual(['Dune-1280.avif', 'Dune-1280.heic', 'Dune-1280.webp', 'LadyBird-1280.avif', 'LadyBird-1280.heic',
    'LadyBird-1280.webp', 'Storm-1280.avif', 'Storm-1280.heic', 'Storm-1280.webp']);
  for (const n of names.filter((x) => x.endsWith('.heic'))) {
    const p = join(tmp, n);
    writeFileSync(p, entries[n]);
    execFileSync('heif-convert', [p, `${p}.png`], { stdio: 'pipe' });
    expect(execFileSync('identify', ['-format', '%w', `${p}.png`], { encoding: 'utf8' })).toBe('1280');
  }
  expect(errors).toEqual([]);
});

test('pasting an image (Ctrl+V of a copied file) converts it too', async ({ page }) => {
  const errors = watch(page);
  await page.goto(`${DEMO}?format=webp&compare=false`);
  const b64 = readFileSync(join(PHOTOS, THREE[1])).toString('base64');
  await page.evaluate((data) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], 'pasted.jpg', { type: 'image/jpeg' }));
    document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, b64);
  await waitDone(page, 1);
  await expect(page.locator('.card h3')).toHaveText('pasted.jpg');
  await expect(page.locator('.card tbody tr').first()).toContainText('WEBP');
  expect(errors).toEqual([]);
});

test('an animated GIF becomes an animated WebP: every frame kept (webpmux counts them)', async ({ page }) => {
  test.skip(!existsSync(join(PHOTOS, 'iss634.gif')), 'the fixture cache has no iss634.gif (scripts/fetch-fixtures.sh)');
  const errors = watch(page);
  await page.goto(`${DEMO}?format=webp&compare=false`);
  await dropFiles(page, ['iss634.gif']);
  await waitDone(page, 1);
  const row = page.locator('.card tbody tr').first();
  await expect(row).toContainText(/WEBP( ★)? \(42 frames\)/);
  await page.screenshot({ path: join(SHOTS, 'demo-animated.png'), fullPage: true });
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: /Download/ }).click()]);
  const out = join(tmp, 'iss634.webp');
  await download.saveAs(out);
  expect(execFileSync('webpmux', ['-info', out], { encoding: 'utf8' })).toMatch(/Number of frames: 42/);
  expect(errors).toEqual([]);
});

test('a target look: each format gets the quality whose output scores SSIMULACRA2 80, shown in the table', async ({ page }) => {
  const errors = watch(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${DEMO}?format=avif`);
  await page.getByLabel(/Looks like/).fill('80');
  await expect(page.locator('output[name=targetOut]')).toHaveText('SSIMULACRA2 80');
  expect(new URL(page.url()).searchParams.get('target')).toBe('80');  // shareable like the other settings
  await dropFiles(page, [THREE[0]]);
  await waitDone(page, 1);
  const rows = await page.locator('.card tbody tr').allInnerTexts();
  expect(rows).toHaveLength(3);
  for (const row of rows) {
    // (size with the quality chosen, …, PSNR, then the score: 80 reached, within 2 points)
    expect(row).toMatch(/KB \(quality \d+, 1280×853\)[\s\S]*dB\s+8[01]\.\d\s/);
  }
  await page.screenshot({ path: join(SHOTS, 'demo-target.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('a max file size holds: the quality is lowered until the download fits, and the table says so', async ({ page }) => {
  const errors = watch(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${DEMO}?format=avif&compare=false`);
  await page.getByLabel(/Max file size/).fill('40');  // (Dune's AVIF at the default quality: ~55 KB)
  await page.getByLabel(/Max file size/).blur();
  expect(new URL(page.url()).searchParams.get('maxKB')).toBe('40');  // shareable like the other settings
  await dropFiles(page, [THREE[1]]);
  await waitDone(page, 1);
  const row = page.locator('.card tbody tr').first();
  await expect(row.locator('td').first()).toContainText(/KB \(quality \d+, 1280×800\)/);
  await page.screenshot({ path: join(SHOTS, 'demo-max-size.png'), fullPage: true });
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: /Download/ }).click()]);
  const out = join(tmp, 'budget.avif');
  await download.saveAs(out);
  expect(readFileSync(out).length).toBeLessThanOrEqual(40 * 1024);
  execFileSync('avifdec', [out, `${out}.png`], { stdio: 'pipe' });
  expect(execFileSync('identify', ['-format', '%w %h', `${out}.png`], { encoding: 'utf8' })).toBe('1280 800');
  expect(errors).toEqual([]);
});

test('phone width: the page reflows to one column and stays usable', async ({ page }) => {
  const errors = watch(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${DEMO}?format=webp&compare=false`);
  await dropFiles(page, [THREE[0]]);
  await waitDone(page, 1);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);  // nothing wider than the phone
  await page.screenshot({ path: join(SHOTS, 'demo-phone.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('the same static build works cross-origin isolated (COOP/COEP) too', async ({ page }) => {
  const errors = watch(page);
  await page.goto(`${DEMO.replace(':4173', ':4174')}?format=heic&compare=false`);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await dropFiles(page, [THREE[2]]);
  await waitDone(page, 1);
  await expect(page.locator('.card tbody tr')).toHaveCount(1);
  expect(errors).toEqual([]);
});

test('a cloud rule in the rule box is explained, applied, and a bad one is reported', async ({ page }) => {
  const errors = watch(page);
  await page.goto(DEMO);
  const rule = page.getByLabel(/or a cloud rule/);
  await rule.fill('image/format,heic/resize,l_900,h_600');
  await rule.press('Enter');
  await rule.blur();
  await expect(page.locator('#rule-msg')).toContainText('Rule understood: HEIC, 1 resize step(s)');
  await dropFiles(page, [THREE[0]]);
  await waitDone(page, 1);
  await expect(page.locator('.card tbody tr')).toHaveCount(1);
  await expect.poll(() => page.locator('.card img.after').evaluate((img) => [img.naturalWidth, img.naturalHeight])).toEqual([900, 600]);
  await rule.fill('imageMogr2/rotate/90');
  await rule.blur();
  await expect(page.locator('#rule-msg')).toContainText("INVALID_RULE: imageMogr2 operation not supported by advcompress");
  expect(new URL(page.url()).searchParams.get('rule')).toBe('imageMogr2/rotate/90');  // shareable
  expect(errors).toEqual([]);
});

test('cancel stops a running conversion and the next photo still converts', async ({ page }) => {
  const errors = watch(page);
  await page.goto(`${DEMO}?format=heic&compare=false`);
  await dropFiles(page, ['Elephants-12MP.jpg']);
  const card = page.locator('.card').first();
  await expect(card.locator('.status')).toContainText(/encoding|decoding/, { timeout: 30_000 });
  await card.getByRole('button', { name: 'Cancel' }).click();
  await expect(card.locator('.status')).toHaveText('Cancelled', { timeout: 5_000 });
  await dropFiles(page, [THREE[1]]);
  await waitDone(page, 1);
  expect(errors).toEqual([]);
});

test('keyboard only: every control has a label and Tab reaches them in reading order', async ({ page }) => {
  await page.goto(DEMO);
  const order = [];
  for (let i = 0; i < 16; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => {
      const a = document.activeElement;
      const label = a.labels?.[0]?.textContent.trim().split('\n')[0] ?? a.getAttribute('aria-label') ?? a.textContent.trim();
      return `${a.tagName.toLowerCase()}:${label}`;
    }));
  }
  expect(order[0]).toMatch(/^input:Choose photos/);
  expect(order[1]).toMatch(/^select:Format/);
  expect(order[2]).toMatch(/^input:Quality/);
  expect(order.some((x) => /^input:Lossless/.test(x))).toBe(true);
  expect(order.some((x) => /^input:.*or a cloud rule/.test(x))).toBe(true);
  // Change the format with the keyboard alone; the URL follows.
  await page.locator('select[name=format]').focus();
  await page.keyboard.press('ArrowDown');
  await expect.poll(() => new URL(page.url()).searchParams.get('format')).toBe('heic');
  // Every form control has an accessible name.
  const unnamed = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button')]
    .filter((e) => !(e.labels?.length || e.getAttribute('aria-label') || e.textContent.trim())).map((e) => e.outerHTML));
  expect(unnamed).toEqual([]);
});

// The local COS-compatible bucket (tests/cos-server) on :4190, the endpoint the demo's CSP allows.
test.describe('upload to COS', () => {
  let cos;
  test.beforeAll(async () => { cos = await startCosServer({ port: 4190, root: mkdtempSync(join(tmpdir(), 'advcompress-bucket-')) }); });
  test.afterAll(async () => { await cos?.close(); });
  const listBucket = () => (existsSync(cos.root) ? readdirSync(cos.root, { recursive: true }).filter((f) => !f.startsWith('.')).sort() : []);

  async function convertOne(page, q) {
    await page.goto(`${DEMO}?format=heic&compare=false&${q}`);
    await dropFiles(page, [THREE[0]]);
    await waitDone(page, 1);
  }

  test('with is_pic_info and a rule: the HEIC lands in the bucket and the parsed UploadResult is shown', async ({ page }) => {
    const errors = watch(page);
    const q = new URLSearchParams({ bucket: cos.bucket, region: cos.region, endpoint: cos.url, sts: cos.stsUrl });
    await convertOne(page, q.toString());
    await expect(page.getByLabel('Bucket (BucketName-APPID)')).toHaveValue(cos.bucket);
    await page.getByLabel('Key prefix').fill('uploads/');
    await page.getByLabel(/Rules, one per line/).fill('thumb.webp imageMogr2/thumbnail/320x/format/webp');
    await page.getByRole('button', { name: 'Upload results' }).click();
    await expect(page.locator('#upload-msg')).toHaveText('Uploaded 1 file(s).', { timeout: 120_000 });
    const table = page.locator('table.upload-result');
    await expect(table).toContainText('original: uploads/Storm-1280.heic');
    await expect(table).toContainText('1280×853');
    await expect(table).toContainText('uploads/thumb.webp');
    await expect(table).toContainText('320×213');
    await page.screenshot({ path: join(SHOTS, 'demo-upload.png'), fullPage: true });
    const stored = listBucket();
    expect(stored).toEqual(['uploads', join('uploads', 'Storm-1280.heic'), join('uploads', 'thumb.webp')]);
    execFileSync('heif-convert', [join(cos.root, 'uploads/Storm-1280.heic'), join(tmp, 'stored.png')], { stdio: 'pipe' });
    expect(errors).toEqual([]);
  });

  test('a wrong credential gives a clear error and nothing is written', async ({ page }) => {
    const before = listBucket();
    const q = new URLSearchParams({ bucket: cos.bucket, region: cos.region, endpoint: cos.url });
    await convertOne(page, q.toString());
    await page.locator('summary').click();
    await page.getByLabel('TmpSecretId').fill('AKIDnotarealkey');
    await page.getByLabel('TmpSecretKey').fill('nope');
    await page.getByLabel('SessionToken').fill('nope');
    await page.getByRole('button', { name: 'Upload results' }).click();
    await expect(page.locator('#upload-msg')).toContainText(/Upload of Storm-1280\.heic failed: (InvalidAccessKeyId|AccessDenied|SignatureDoesNotMatch)/, { timeout: 60_000 });
    expect(listBucket()).toEqual(before);
  });
});
