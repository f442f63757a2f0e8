// advcompress demo page: drop photos, convert them on the device (worker pool of the package), compare before and
// after, download one or all (zip), or upload to Tencent COS with a Pic-Operations header. Plain DOM, no framework.
// SPDX-License-Identifier: GPL-2.0-or-later (uses advcompress/heic, i.e. x265)
import { convert, decode, psnr, ssimulacra2, parseRule, AdvcompressError, buildPicOperations, parseUploadResult } from 'advcompress/heic';
import { zipSync } from 'fflate';
import { upload } from './upload.js';

const $ = (s, el = document) => el.querySelector(s);
const settingsForm = $('#settings');
const resultsEl = $('#results');
const zipButton = $('#zip');
const jobs = [];  // { file, card, ctl, results: Map(format -> result), primary }

// Seed 002 ("Image compatibility"): what each output format opens in without extra software.
const COMPAT = {
  heic: 'Android 12 ✓ · iOS 15.4 ✓ · Windows 11: extension required',
  avif: 'Chrome, Firefox, Safari 16+ ✓ · Windows 11: extension required · older Android/iOS ✗',
  webp: 'Android ✓ · iOS ✓ · Windows 11 ✓ · every current browser ✓',
};
const FORMATS = ['heic', 'avif', 'webp'];
/** Outputs up to this many pixels get an SSIMULACRA2 score (the metric needs ~160 bytes of memory per pixel). */
const SCORE_MAX_PIXELS = 4_000_000;

// ----- settings, persisted in the URL so a conversion can be shared -----------------------------------------------

const FIELDS = ['format', 'quality', 'target', 'lossless', 'chroma', 'bitDepth', 'maxSize', 'maxKB', 'metadata', 'compare', 'rule'];

function readSettings() {
  const f = settingsForm.elements;
  return { format: f.format.value, quality: Number(f.quality.value), target: Number(f.target.value), lossless: f.lossless.checked,
    chroma: f.chroma.value, bitDepth: f.bitDepth.value, maxSize: f.maxSize.value, maxKB: f.maxKB.value,
    metadata: f.metadata.value,
    compare: f.compare.checked, rule: f.rule.value.trim() };
}

function saveToUrl() {
  const s = readSettings();
  const q = new URLSearchParams();
  for (const k of FIELDS) {
    const v = s[k];
    if (v === '' || v === false || (k === 'quality' && v === -1) || (k === 'target' && v === 0) || (k === 'format' && v === 'auto') ||
        (k === 'metadata' && v === 'keep') || (k === 'compare' && v === true)) continue;
    q.set(k, String(v));
  }
  if (!s.compare) q.set('compare', 'false');
  for (const k of ['bucket', 'region', 'prefix', 'sts', 'endpoint']) {
    const v = new URLSearchParams(location.search).get(k);
    if (v) q.set(k, v);
  }
  history.replaceState(null, '', `${location.pathname}${q.size ? `?${q}` : ''}`);
}

function loadFromUrl() {
  const q = new URLSearchParams(location.search);
  const f = settingsForm.elements;
  for (const k of FIELDS) {
    if (!q.has(k)) continue;
    const el = f[k];
    if (el.type === 'checkbox') el.checked = q.get(k) !== 'false';
    else el.value = q.get(k);
  }
  updateQualityLabel();
}

function updateQualityLabel() {
  const v = Number(settingsForm.elements.quality.value);
  settingsForm.elements.qualityOut.value = v < 0 ? 'default' : String(v);
  const t = Number(settingsForm.elements.target.value);
  settingsForm.elements.targetOut.value = t > 0 ? `SSIMULACRA2 ${t}` : 'off';
}

// "auto" as seed 002 recommends: HEIF on Apple devices, AVIF where the browser shows it, else WebP.
let avifShown;
async function autoFormat() {
  if (/iPhone|iPad|Macintosh/.test(navigator.userAgent) && navigator.maxTouchPoints > 0) return 'heic';
  avifShown ??= new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve(img.width > 0);
    img.onerror = () => resolve(false);
    img.src = 'data:image/avif;base64,AAAAIGZ0eXBhdmlmAAAAAGF2aWZtaWYxbWlhZk1BMUEAAADybWV0YQAAAAAAAAAoaGRscgAAAAAAAAAAcGljdAAAAAAAAAAAAAAAAGxpYmF2aWYAAAAADnBpdG0AAAAAAAEAAAAeaWxvYwAAAABEAAABAAEAAAABAAABGgAAACAAAAAoaWluZgAAAAAAAQAAABppbmZlAgAAAAABAABhdjAxQ29sb3IAAAAAamlwcnAAAABLaXBjbwAAABRpc3BlAAAAAAAAAAEAAAABAAAAEHBpeGkAAAAAAwgICAAAAAxhdjFDgSAAAAAAABNjb2xybmNseAABAA0ABoAAAAAXaXBtYQAAAAAAAAABAAEEAQKDBAAAAChtZGF0EgAKBzgABhAQ0GkyExZABhhhhABGae3vUnxmRdVC8oA=';  // (1 x 1, avifenc)
  });
  return (await avifShown) ? 'avif' : 'webp';
}

async function optionsFor(s, format) {
  const o = { format };
  if (s.lossless) o.lossless = true;
  else if (s.target > 0) o.target = { ssimulacra2: s.target };  // (a look instead of a quality: searched per photo)
  else if (s.quality >= 0) o.quality = s.quality;
  if (s.chroma && !(format === 'webp' && s.chroma !== '420')) o.chroma = s.chroma;
  if (s.bitDepth && format !== 'webp') o.bitDepth = Number(s.bitDepth);
  if (s.maxSize) { o.maxWidth = Number(s.maxSize); o.maxHeight = Number(s.maxSize); }
  // (a size budget: maxBytes, scaled down where even quality 0 is too big; lossless has no quality to lower)
  if (s.maxKB && !s.lossless) { o.maxBytes = Math.round(Number(s.maxKB) * 1024); o.allowResize = true; }
  if (s.metadata === 'strip') o.metadata = 'strip';
  return o;
}

async function showRuleMessage() {
  const rule = settingsForm.elements.rule.value.trim();
  const msg = $('#rule-msg');
  if (!rule) { msg.textContent = ''; msg.className = 'hint wide'; return; }
  try {
    const plan = await parseRule(rule);
    msg.className = 'hint wide ok';
    msg.textContent = `Rule understood: ${plan.format ? plan.format.toUpperCase() : 'format from the settings'}` +
      `${plan.resize.length ? `, ${plan.resize.length} resize step(s)` : ''}${plan.strip ? ', strip' : ''}.` +
      (plan.warnings.length ? ` Note: ${plan.warnings.join(' ')}` : '');
  } catch (e) {
    msg.className = 'hint wide error';
    msg.textContent = `${e.code ?? 'Error'}: ${e.message}`;
  }
}

// ----- input: picker, drop, paste ---------------------------------------------------------------------------------

function addFiles(list) {
  const files = [...list].filter((f) => f.size > 0);
  if (!files.length) return;
  $('#empty').hidden = true;
  for (const file of files) run(file);
}

$('#files').addEventListener('change', (e) => { addFiles(e.target.files); e.target.value = ''; });
const drop = $('#drop');
for (const ev of ['dragenter', 'dragover']) drop.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.add('over'); });
for (const ev of ['dragleave', 'drop']) drop.addEventListener(ev, () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => { e.preventDefault(); addFiles(e.dataTransfer.files); });
document.addEventListener('paste', (e) => {
  const files = [...(e.clipboardData?.files ?? [])];
  if (files.length) { e.preventDefault(); addFiles(files); }
});

// ----- conversion -------------------------------------------------------------------------------------------------

const kb = (n) => `${(n / 1024).toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} KB`;
const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  for (const c of children) e.append(c);
  return e;
};

function makeCard(file) {
  const card = el('article', { className: 'card' });
  card.innerHTML = `
    <header><h3></h3><span class="meta"></span></header>
    <div class="progress-row"><progress max="1" value="0"></progress><span class="status" role="status"></span>
      <button type="button" class="cancel">Cancel</button></div>
    <div class="compare" hidden>
      <div class="viewport" tabindex="0" aria-label="Before and after comparison">
        <img class="before" alt="Before: the original photo"><img class="after" alt="After: the converted photo">
      </div>
      <div class="compare-controls">
        <label>Before ◂ ▸ After <input type="range" class="split" min="0" max="100" value="50"></label>
        <label><input type="checkbox" class="zoom"> Zoom 1:1</label>
      </div>
    </div>
    <table hidden><caption>Compression ratio comparison</caption>
      <thead><tr><th scope="col">Format</th><th scope="col">Image size</th><th scope="col">Compression ratio</th>
        <th scope="col">Encode time</th><th scope="col">PSNR</th>
        <th scope="col" title="libjxl's perceptual score: 90 visually lossless, 80 high, 70 medium, 50 low">SSIMULACRA2</th>
        <th scope="col">Opens on</th><th scope="col"></th></tr></thead>
      <tbody></tbody></table>`;
  $('h3', card).textContent = file.name;
  $('.meta', card).textContent = `${kb(file.size)} · ${file.type || 'unknown type'}`;
  const split = $('.split', card);
  split.addEventListener('input', () => card.style.setProperty('--split', `${split.value}%`));
  $('.zoom', card).addEventListener('change', (e) => card.classList.toggle('zoomed', e.target.checked));
  resultsEl.prepend(card);
  return card;
}

async function previewUrl(r) {
  if (r.format !== 'heic') return URL.createObjectURL(r.blob());
  // Chromium and Firefox show no HEIC: decode it with the package's own wasm, to 8-bit RGBA in a worker.
  const px = await decode(r.data, { rgba8: true });
  const rgba = new Uint8ClampedArray(px.data.buffer, px.data.byteOffset, px.data.byteLength);
  const canvas = new OffscreenCanvas(px.width, px.height);
  canvas.getContext('2d').putImageData(new ImageData(rgba, px.width, px.height), 0, 0);
  return URL.createObjectURL(await canvas.convertToBlob({ type: 'image/png' }));
}

function addRow(job, r, db, why, score) {
  const table = $('table', job.card);
  table.hidden = false;
  const saved = (1 - r.outputBytes / job.file.size) * 100;
  const a = el('a', { href: URL.createObjectURL(r.blob()), download: r.fileName, textContent: 'Download',
    className: 'download' });
  a.setAttribute('aria-label', `Download ${r.fileName}`);
  const row = el('tr', {},
    el('th', { scope: 'row', textContent: r.format.toUpperCase() + (r === job.primary ? ' ★' : '') +
      (r.frameCount > 1 ? ` (${r.frameCount} frames)` : '') }),
    el('td', { textContent: kb(r.outputBytes) + (r.encodes > 1 || r.score !== undefined ? ` (quality ${r.quality}, ${r.width}×${r.height})` : ''),
      title: r.score !== undefined ? `quality chosen for the look in ${r.encodes} full-size encode${r.encodes > 1 ? 's' : ''}`
        : r.encodes > 1 ? `${r.encodes} encodes to fit the size budget` : '' }),
    el('td', { textContent: `${saved.toFixed(1)}%` }),
    el('td', { textContent: `${(r.timings.encodeMs / 1000).toFixed(2)} s`
        + (r.grid ? ` (${r.grid.columns}×${r.grid.rows} tiles, ${r.grid.helpers + 1} workers)` : ''),
      title: r.grid ? `a grid of ${r.grid.tileSize} px tiles coded by ${r.grid.helpers + 1} workers at once` : '' }),
    el('td', { textContent: db === undefined ? 'n/a' : db === Infinity ? '∞ (identical)' : `${db.toFixed(1)} dB`,
      title: db === undefined ? `not measured: ${why}` : 'against the original, RGB' }),
    el('td', { textContent: typeof score === 'number' ? score.toFixed(1) : 'n/a',
      title: typeof score === 'number' ? 'against the original: 100 identical, 90 visually lossless, 80 high, 70 medium'
        : `not measured: ${score}` }),
    el('td', { textContent: COMPAT[r.format] ?? '' }),
    el('td', {}, a));
  const heads = ['', 'Image size', 'Compression ratio', 'Encode time', 'PSNR', 'SSIMULACRA2', 'Opens on', ''];
  [...row.children].forEach((c, i) => { if (heads[i]) c.dataset.label = heads[i]; });
  row.dataset.format = r.format;
  $('tbody', table).append(row);
}

async function run(file) {
  const card = makeCard(file);
  const ctl = new AbortController();
  const job = { file, card, ctl, results: new Map(), primary: undefined };
  jobs.push(job);
  const bar = $('progress', card), status = $('.status', card), cancel = $('.cancel', card);
  cancel.addEventListener('click', () => ctl.abort());
  const s = readSettings();
  const first = s.rule ? undefined : s.format === 'auto' ? await autoFormat() : s.format;
  const formats = s.rule ? [undefined] : [first, ...(s.compare ? FORMATS.filter((f) => f !== first) : [])];
  try {
    for (const [i, format] of formats.entries()) {
      status.textContent = `${format ? format.toUpperCase() : 'rule'}: starting…`;
      const options = s.rule ? s.rule : await optionsFor(s, format);
      const r = await convert(file, options, {
        signal: ctl.signal,
        onProgress: ({ stage, fraction, tiles }) => {
          bar.value = (i + fraction) / formats.length;
          status.textContent = `${(format ?? 'rule').toUpperCase()}: ${stage}`
            + (tiles ? ` tile ${tiles.done} of ${tiles.total}…` : '…');
        },
      });
      job.results.set(r.format, r);
      if (i === 0) {
        job.primary = r;
        for (const w of r.warnings) card.append(el('p', { className: 'hint', textContent: `Note: ${w}` }));
      }
      let db, why, score;
      try { db = await psnr(file, r.data, {}, { signal: ctl.signal }); } catch (e) {
        if (e.name === 'AbortError') throw e;
        why = e.message;
      }
      // (the metric holds ~160 bytes per pixel while it runs: a 12 MP photo would take 1.9 GB of a worker's memory)
      if (r.score !== undefined) score = r.score;  // (the target search measured it)
      else if (r.width * r.height > SCORE_MAX_PIXELS) score = `above ${SCORE_MAX_PIXELS / 1e6} MP the score would need too much memory`;
      else {
        status.textContent = `${r.format.toUpperCase()}: scoring (SSIMULACRA2)…`;
        try { score = await ssimulacra2(file, r.data, {}, { signal: ctl.signal }); } catch (e) {
          if (e.name === 'AbortError') throw e;
          score = e.message;
        }
      }
      addRow(job, r, db, why, score);
      if (i === 0) {
        const cmp = $('.compare', card);
        $('.before', card).src = URL.createObjectURL(file);
        $('.after', card).src = await previewUrl(r);
        cmp.hidden = false;
      }
    }
    bar.value = 1;
    status.textContent = 'Done';
    zipButton.disabled = false;
  } catch (e) {
    card.classList.add('failed');
    status.textContent = e.name === 'AbortError' ? 'Cancelled'
      : `${e instanceof AdvcompressError ? e.code : e.name}: ${e.message}`;
  } finally {
    cancel.disabled = true;
  }
}

// ----- download all ---------------------------------------------------------------------------------------------

zipButton.addEventListener('click', () => {
  const entries = {};
  for (const job of jobs) {
    for (const r of job.results.values()) {
      let name = r.fileName, n = 1;
      while (entries[name]) name = r.fileName.replace(/(\.[^.]+)$/, `-${++n}$1`);
      entries[name] = [r.data, { level: 0 }];  // (already compressed: store)
    }
  }
  const zip = zipSync(entries);
  const a = el('a', { href: URL.createObjectURL(new Blob([zip], { type: 'application/zip' })), download: 'advcompress.zip' });
  document.body.append(a);
  a.click();
  a.remove();
});

// ----- upload -------------------------------------------------------------------------------------------------------

$('#upload').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = e.target.elements;
  const msg = $('#upload-msg');
  const out = $('#upload-results');
  const ready = jobs.filter((j) => j.primary);
  if (!ready.length) { msg.textContent = 'Convert a photo first.'; return; }
  let header;
  try {
    const rules = f.rules.value.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
      const sp = l.search(/\s/);
      if (sp < 0) throw new AdvcompressError('INVALID_OPTION', `rule line "${l}": expected "fileid rule"`);
      return { fileid: l.slice(0, sp), rule: l.slice(sp).trim() };
    });
    if (rules.length || f.isPicInfo.checked) header = buildPicOperations({ is_pic_info: f.isPicInfo.checked ? 1 : 0, rules });
  } catch (err) {
    msg.className = 'wide error';
    msg.textContent = `${err.code ?? 'Error'}: ${err.message}`;
    return;
  }
  msg.className = 'wide';
  out.replaceChildren();
  for (const job of ready) {
    const r = job.primary;
    const key = `${f.prefix.value}${r.fileName}`;
    msg.textContent = `Uploading ${key}…`;
    try {
      const result = await upload({
        bucket: f.bucket.value.trim(), region: f.region.value.trim(), key, body: r.blob(), picOperations: header,
        sts: f.sts.value.trim(), endpoint: f.endpoint.value.trim(),
        credentials: f.tmpSecretId.value ? { tmpSecretId: f.tmpSecretId.value.trim(), tmpSecretKey: f.tmpSecretKey.value.trim(),
          sessionToken: f.sessionToken.value.trim() } : undefined,
        onProgress: (p) => { msg.textContent = `Uploading ${key}: ${Math.round(p * 100)}%`; },
      }, parseUploadResult);
      out.append(resultTable(key, result));
    } catch (err) {
      msg.className = 'wide error';
      msg.textContent = `Upload of ${key} failed: ${err.code ?? err.name}: ${err.message}`;
      return;
    }
  }
  msg.textContent = `Uploaded ${ready.length} file(s).`;
});

function resultTable(key, r) {
  const t = el('table', { className: 'upload-result' });
  t.append(el('caption', { textContent: `UploadResult for ${key}` }));
  const head = el('tr', {}, ...['Object', 'Format', 'Size (px)', 'Bytes', 'Location'].map((h) => el('th', { scope: 'col', textContent: h })));
  t.append(el('thead', {}, head));
  const body = el('tbody');
  const o = r.originalInfo;
  const info = o.imageInfo;
  body.append(el('tr', {}, el('th', { scope: 'row', textContent: `original: ${o.key}` }),
    el('td', { textContent: info?.format ?? '—' }), el('td', { textContent: info ? `${info.width}×${info.height}` : '—' }),
    el('td', { textContent: '—' }), el('td', { textContent: o.location })));
  for (const p of r.processResults) {
    body.append(el('tr', {}, el('th', { scope: 'row', textContent: p.key }), el('td', { textContent: p.format }),
      el('td', { textContent: `${p.width}×${p.height}` }), el('td', { textContent: p.size.toLocaleString('en-US') }),
      el('td', { textContent: p.location })));
  }
  t.append(body);
  return t;
}

// ----- wiring -----------------------------------------------------------------------------------------------------

loadFromUrl();
// The upload form can be prefilled from the URL (`npm run demo` links to its local bucket this way); never with
// secrets: credentials come from the STS endpoint or are pasted.
{
  const q = new URLSearchParams(location.search);
  const u = $('#upload').elements;
  for (const k of ['bucket', 'region', 'prefix', 'sts', 'endpoint']) if (q.has(k)) u[k].value = q.get(k);
}
settingsForm.addEventListener('input', () => { updateQualityLabel(); saveToUrl(); });
settingsForm.elements.rule.addEventListener('change', showRuleMessage);
settingsForm.addEventListener('submit', (e) => e.preventDefault());
showRuleMessage();
window.advcompressDemo = { jobs };  // (for the tests and the curious)
