// Runs advcompress's Node (in-thread) API in a worker thread, so that a 10-second HEIC encode does not stop the
// server from answering other requests (preflights, /sts, GETs). One job at a time (the server queues them).
//
// Job: { bytes: Uint8Array, isPicInfo: boolean, rules: string[] }
// Answer: { ok: { imageInfo?, results: [...] } } or { error: { code, message, rule? } } where `code` is the
//   AdvcompressError code and `rule` the index of the rule that failed (absent for the original's image info).
import { parentPort } from 'node:worker_threads';
import { convert, decode, parseRule, probe } from '../../dist/heic.js';

// Average colour of the decoded pixels, as 0xRRGGBB (COS's `Ave`, "image average hue"; e.g. 0xa18454).
async function averageColour(bytes) {
  const img = await decode(bytes, { autoOrient: false });
  const { data, channels, width, height } = img;
  const shift = data instanceof Uint16Array ? 8 : 0;
  const sum = [0, 0, 0];
  const n = width * height;
  for (let i = 0; i < n; i++) {
    const o = i * channels;
    sum[0] += data[o] >> shift;
    sum[1] += data[o + 1] >> shift;
    sum[2] += data[o + 2] >> shift;
  }
  return `0x${sum.map((s) => Math.round(s / n).toString(16).padStart(2, '0')).join('')}`;
}

const fail = (e, rule) => ({ error: { code: e?.code ?? 'INTERNAL', message: e?.message ?? String(e), ...(rule !== undefined ? { rule } : {}) } });

async function run({ bytes, isPicInfo, rules }) {
  // 1. Every rule must parse before anything is converted (a refused rule refuses the whole upload).
  for (let i = 0; i < rules.length; i++) {
    try { await parseRule(rules[i]); } catch (e) { return fail(e, i); }
  }
  // 2. The original: probe (format, size, orientation, JPEG quality) and, for is_pic_info, the average colour.
  let info;
  if (isPicInfo || rules.length) {
    try {
      info = await probe(bytes);
    } catch (e) {
      // probe() reads JPEG/PNG headers only (HEIF/AVIF headers come with issue 3): our own HEIC/AVIF outputs are
      // read by decoding their primary image.
      try {
        const d = await decode(bytes);
        const avif = String.fromCharCode(...bytes.subarray(8, 12)) === 'avif';
        info = { format: avif ? 'avif' : 'heif', width: d.width, height: d.height, orientation: 1, frameCount: 1 };
      } catch {
        if (isPicInfo) return fail(e);
      }
    }
  }
  let imageInfo;
  if (isPicInfo) {
    let ave;
    try { ave = await averageColour(bytes); } catch (e) { return fail(e); }
    imageInfo = {
      format: info.format.toUpperCase(),               // the doc's example says JPEG, PNG
      width: info.width,
      height: info.height,
      quality: info.quality ?? 100,                     // the doc's example gives 100 for a lossless source
      ave,
      orientation: info.orientation,
      frameCount: info.frameCount,
    };
  }
  // 3. Each rule, in order.
  const results = [];
  for (let i = 0; i < rules.length; i++) {
    let r;
    try { r = await convert(bytes, rules[i]); } catch (e) { return fail(e, i); }
    const format = r.format;
    const quality = r.quality;  // what the encoder used (rule steps resolved against the source, or the default)
    results.push({
      data: r.data, width: r.width, height: r.height, format, passthrough: r.passthrough,
      frameCount: r.frameCount, quality, warnings: r.warnings, mimeType: r.mimeType,
    });
  }
  return { ok: { imageInfo, results } };
}

parentPort.on('message', async (job) => {
  let answer;
  try { answer = await run(job); } catch (e) { answer = fail(e); }
  parentPort.postMessage(answer);   // copied, not transferred: a result may be a view of the input (passthrough)
});
