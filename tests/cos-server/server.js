#!/usr/bin/env node
// A local Tencent COS-compatible server for one bucket: PUT/GET/HEAD/DELETE Object with the COS request signature,
// temporary credentials (x-cos-security-token) from a built-in STS endpoint, CORS, and "processing upon upload"
// (the Pic-Operations header) done by advcompress itself. See README.md next to this file.
//
//   node tests/cos-server/server.js --port 4190 --root /tmp/bucket
//   import { startCosServer } from './tests/cos-server/server.js';
import http from 'node:http';
import { Worker } from 'node:worker_threads';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parsePicOperations, resolveFileId, uploadResultToXml } from '../../dist/pic-operations.js';
import { AUTH_FIELDS, checkFields, parseAuthorization, sameSignature, signature, stringToSign, timeRange } from './cos-auth.js';
import { issueCredential, openToken, TMP_ID_PREFIX } from './sts.js';

/** Folder under `root` where uploads are staged before the rename that publishes them; not a valid key prefix. */
export const STAGING_DIR = '.cos-server-tmp';
/** Longest object key, in bytes of UTF-8 (https://www.tencentcloud.com/document/product/436/13324). */
const MAX_KEY_BYTES = 850;
/** How far in the future a signature's start time may be before it is RequestTimeTooSkewed. */
const SKEW_SECONDS = 60;
/** Longest temporary credential: 2 hours for a root account (https://www.tencentcloud.com/document/product/436/40947). */
const MAX_STS_SECONDS = 7200;
// BucketName (a-z, 0-9, '-', not at either end) + '-' + APPID (https://www.tencentcloud.com/document/product/436/13312).
const BUCKET_NAME_RE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const FULL_BUCKET_RE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?-[0-9]+$/;

/** Methods a CORS preflight may ask for. */
export const CORS_METHODS = ['PUT', 'POST', 'GET', 'HEAD', 'DELETE'];
/** Request headers a preflight may ask for (names, lower case), plus any `x-cos-*` and `x-ci-*`. */
export const CORS_HEADERS = ['authorization', 'content-type', 'content-md5', 'content-length', 'content-disposition',
  'content-encoding', 'content-language', 'cache-control', 'expires', 'pic-operations', 'range', 'if-match',
  'if-none-match', 'if-modified-since', 'if-unmodified-since', 'x-cos-security-token'];
/** Response headers a page may read. */
export const CORS_EXPOSE = ['ETag', 'Content-Length', 'Date', 'x-cos-request-id', 'x-cos-trace-id'];
const corsHeaderAllowed = (h) => CORS_HEADERS.includes(h) || h.startsWith('x-cos-') || h.startsWith('x-ci-');

const MIME = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', bmp: 'image/bmp', webp: 'image/webp',
  heic: 'image/heic', heif: 'image/heif', avif: 'image/avif', svg: 'image/svg+xml', tpg: 'image/tpg',
  json: 'application/json', xml: 'application/xml', txt: 'text/plain; charset=utf-8', html: 'text/html; charset=utf-8',
  css: 'text/css', js: 'text/javascript', pdf: 'application/pdf', zip: 'application/zip', mp4: 'video/mp4',
};
const mimeOf = (key) => MIME[/\.([a-z0-9]+)$/i.exec(key)?.[1]?.toLowerCase()] ?? 'application/octet-stream';

/** A refusal, answered as the COS XML error body (https://www.tencentcloud.com/document/api/436/7730). */
export class CosError extends Error {
  constructor(status, code, message, extra = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }
}
const ABORTED = Symbol('aborted');

const xmlEscape = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
  .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const md5hex = (buf) => createHash('md5').update(buf).digest('hex');

function decodeComponent(s, what) {
  try { return decodeURIComponent(s); } catch {
    throw new CosError(400, 'InvalidURI', `Could not parse the ${what}: ${JSON.stringify(s.slice(0, 200))} is not valid percent-encoded UTF-8`);
  }
}

/** Why `key` cannot be an object of this server, or undefined. */
function keyProblem(key) {
  if (key === '') return 'the object key is empty';
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return `the object key is ${Buffer.byteLength(key, 'utf8')} bytes of UTF-8, above COS's ${MAX_KEY_BYTES}`;
  const m = /[\u0000-\u001f\u007f]/.exec(key);
  if (m) return `the object key contains the control character U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  const segs = key.split('/');
  if (segs.some((s) => s === '')) return 'the local server stores objects as files, so a key cannot have an empty path segment (leading, trailing or doubled "/")';
  if (segs.some((s) => s === '.' || s === '..')) return 'a key cannot have "." or ".." path segments';
  if (segs[0] === STAGING_DIR) return `keys under ${STAGING_DIR}/ are reserved by the local server`;
  return undefined;
}

/**
 * Starts the server.
 * @param {object} [options]
 * @param {number} [options.port=0] TCP port (0: any free port).
 * @param {string} [options.host='127.0.0.1'] interface to listen on.
 * @param {string} [options.root] folder that holds the bucket's objects (one file per key); default a new temp folder.
 * @param {string} [options.bucket='advcompress'] BucketName, or BucketName-APPID.
 * @param {string} [options.appId='1250000000'] APPID (when `bucket` has none).
 * @param {string} [options.region='ap-guangzhou']
 * @param {string} [options.secretId] permanent SecretId (default: random, see the result).
 * @param {string} [options.secretKey] permanent SecretKey (default: random). Never sent by the server.
 * @param {string} [options.sessionToken] makes secretId/secretKey a temporary credential: requests must then carry
 *   this x-cos-security-token (as with keys pasted from a real STS answer).
 * @param {string} [options.stsSecret] key of the temporary credentials /sts issues (default: random per start).
 * @param {number} [options.stsDurationSeconds=1800] lifetime of an /sts credential (1–7200).
 * @param {string} [options.stsPath='/sts']
 * @param {boolean} [options.publicRead=true] anonymous GET/HEAD allowed (the bucket ACL "public read, private write").
 * @param {number} [options.maxObjectBytes=67108864] largest PUT body.
 * @param {'*'|string[]} [options.allowedOrigins='*'] CORS origins.
 * @param {() => number} [options.now=Date.now] the server's clock, in ms (tests move it).
 * @param {(line: string) => void} [options.log] one line per request.
 * @returns {Promise<{url: string, host: string, port: number, root: string, bucket: string, region: string,
 *   appId: string, secretId: string, secretKey: string, sessionToken?: string, stsUrl: string,
 *   close: () => Promise<void>}>}
 */
export async function startCosServer(options = {}) {
  let bucketName = options.bucket ?? 'advcompress';
  let appId = options.appId === undefined ? undefined : String(options.appId);
  if (appId === undefined) {
    const m = /^(.*)-(\d+)$/.exec(bucketName);
    if (m) [, bucketName, appId] = m; else appId = '1250000000';
  }
  if (!BUCKET_NAME_RE.test(bucketName) || !/^\d+$/.test(appId)) throw new Error(`bucket ${JSON.stringify(bucketName)} / appId ${JSON.stringify(appId)}: BucketName is lowercase letters, digits and "-", APPID digits`);
  const bucket = `${bucketName}-${appId}`;
  const region = options.region ?? 'ap-guangzhou';
  const secretId = options.secretId ?? `AKIDLOCAL${randomBytes(12).toString('hex')}`;
  const secretKey = options.secretKey ?? randomBytes(16).toString('hex');
  if (secretId.startsWith(TMP_ID_PREFIX)) throw new Error(`secretId must not start with ${TMP_ID_PREFIX} (the prefix of temporary SecretIds)`);
  const sessionToken = options.sessionToken;
  const stsSecret = options.stsSecret ?? randomBytes(32).toString('hex');
  const stsDuration = options.stsDurationSeconds ?? 1800;
  if (!Number.isInteger(stsDuration) || stsDuration < 1 || stsDuration > MAX_STS_SECONDS) throw new Error(`stsDurationSeconds must be 1–${MAX_STS_SECONDS}`);
  const stsPath = options.stsPath ?? '/sts';
  const publicRead = options.publicRead ?? true;
  const maxObjectBytes = options.maxObjectBytes ?? 64 * 1024 * 1024;
  const allowedOrigins = options.allowedOrigins ?? '*';
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const root = resolve(options.root ?? mkdtempSync(join(tmpdir(), 'cos-bucket-')));
  mkdirSync(root, { recursive: true });
  rmSync(join(root, STAGING_DIR), { recursive: true, force: true });   // leftovers of a killed server
  mkdirSync(join(root, STAGING_DIR));
  const etags = new Map();   // key -> { size, mtimeMs, etag }

  // ------------------------------------------------------------------------------------------------------------
  // Image processing in a worker thread, one job at a time.
  // ------------------------------------------------------------------------------------------------------------
  let worker;
  let queue = Promise.resolve();
  function imageJob(job) {
    const run = () => new Promise((resolveJob, rejectJob) => {
      if (!worker) worker = new Worker(new URL('./image-worker.js', import.meta.url));
      const w = worker;
      const done = () => { w.off('message', onMessage); w.off('error', onError); w.off('exit', onExit); w.unref(); };
      const onMessage = (m) => { done(); resolveJob(m); };
      const onError = (e) => { done(); if (worker === w) worker = undefined; rejectJob(e); };
      const onExit = (code) => { done(); if (worker === w) worker = undefined; rejectJob(new Error(`the image worker exited (${code})`)); };
      w.on('message', onMessage); w.on('error', onError); w.on('exit', onExit);
      w.ref();
      w.postMessage(job);
    });
    const p = queue.then(run);
    queue = p.catch(() => {});
    return p;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Signature and credentials
  // ------------------------------------------------------------------------------------------------------------
  const nowSeconds = () => Math.floor(now() / 1000);

  /** The SecretKey that signs for `ak` with `token`, or a CosError. */
  function secretKeyFor(ak, token, t) {
    if (ak === secretId) {
      if (sessionToken !== undefined) {
        if (!token) throw new CosError(403, 'InvalidAccessKeyId', 'The Access Key Id you provided does not exist in our records: it is a temporary SecretId, and the request has no x-cos-security-token.');
        if (token !== sessionToken) throw new CosError(403, 'InvalidAccessKeyId', 'The x-cos-security-token does not belong to this SecretId.');
      } else if (token) {
        throw new CosError(403, 'InvalidAccessKeyId', 'The request carries an x-cos-security-token, but its SecretId is a permanent one.');
      }
      return secretKey;
    }
    if (ak.startsWith(TMP_ID_PREFIX)) {
      if (!token) throw new CosError(403, 'InvalidAccessKeyId', 'The Access Key Id you provided does not exist in our records: it is a temporary SecretId, and the request has no x-cos-security-token.');
      const opened = openToken(stsSecret, ak, token);
      if (!opened.ok) throw new CosError(403, 'InvalidAccessKeyId', `The Access Key Id you provided does not exist in our records: ${opened.why}.`);
      if (opened.expiredTime <= t) throw new CosError(403, 'AccessDenied', `The temporary credential expired at ${new Date(opened.expiredTime * 1000).toISOString()}.`);
      return opened.secretKey;
    }
    throw new CosError(403, 'InvalidAccessKeyId', 'The Access Key Id you provided does not exist in our records.');
  }

  /**
   * Verifies the request's signature (Authorization header, or the q-* query parameters of a pre-signed URL).
   * @returns the SecretId used, or undefined for an anonymous request when `required` is false.
   */
  function authenticate(req, pathname, query, required) {
    const header = req.headers.authorization;
    const q = new Map(query);
    const inQuery = !header && AUTH_FIELDS.some((k) => q.has(k));
    if (!header && !inQuery) {
      if (required) throw new CosError(403, 'AccessDenied', 'Access Denied.');
      return undefined;
    }
    const auth = header ? parseAuthorization(header) : checkFields(Object.fromEntries(AUTH_FIELDS.map((k) => [k, q.get(k)])));
    if (typeof auth === 'string') throw new CosError(403, 'AccessDenied', `The Authorization is malformed: ${auth} (https://www.tencentcloud.com/document/product/436/7778).`);
    const t = nowSeconds();
    const [signStart, signEnd] = timeRange(auth.signTime);
    const [keyStart, keyEnd] = timeRange(auth.keyTime);
    if (signStart > t + SKEW_SECONDS || keyStart > t + SKEW_SECONDS) {
      throw new CosError(403, 'RequestTimeTooSkewed', `The difference between the request time and the server's time is too large: the signature starts at ${Math.min(signStart, keyStart)}, the server's time is ${t}.`, { ServerTime: new Date(t * 1000).toISOString() });
    }
    if (signEnd < t || keyEnd < t) {
      throw new CosError(403, 'AccessDenied', 'Request has expired', { Expires: new Date(Math.min(signEnd, keyEnd) * 1000).toISOString(), ServerTime: new Date(t * 1000).toISOString() });
    }
    const token = (header ? undefined : q.get('x-cos-security-token')) ?? req.headers['x-cos-security-token'];
    const key = secretKeyFor(auth.ak, token, t);
    const s = stringToSign({ method: req.method, pathname, query, headers: req.headers, auth });
    if (!sameSignature(signature(key, auth.keyTime, s.stringToSign), auth.signature)) {
      throw new CosError(403, 'SignatureDoesNotMatch', 'The Signature you specified is invalid: the request signature we calculated does not match the signature you provided. Check your key and signing method.', { StringToSign: s.stringToSign, FormatString: s.httpString });
    }
    return auth.ak;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Storage: one file per key under root; writes staged in STAGING_DIR and published by rename.
  // ------------------------------------------------------------------------------------------------------------
  const fileOf = (key) => join(root, ...key.split('/'));

  async function conflict(keys) {
    for (const a of keys) for (const b of keys) if (b.startsWith(`${a}/`)) return `"${a}" would be both an object and a folder`;
    for (const key of keys) {
      const segs = key.split('/');
      let p = root;
      for (let i = 0; i < segs.length; i++) {
        p = join(p, segs[i]);
        let st;
        try { st = await stat(p); } catch { break; }
        if (i < segs.length - 1 && !st.isDirectory()) return `"${segs.slice(0, i + 1).join('/')}" is an object, so it cannot be a folder of "${key}"`;
        if (i === segs.length - 1 && st.isDirectory()) return `"${key}" is a folder of other objects in the local file system`;
      }
    }
    return undefined;
  }

  /** Writes every file or none: all are staged first, then renamed into place in order (later ones win). */
  async function commit(files) {
    const staged = [];
    try {
      for (const f of files) {
        const tmp = join(root, STAGING_DIR, `${randomBytes(12).toString('hex')}.part`);
        staged.push(tmp);
        await writeFile(tmp, f.data, { flag: 'wx' });
      }
      for (let i = 0; i < files.length; i++) {
        const dest = fileOf(files[i].key);
        await mkdir(dirname(dest), { recursive: true });
        await rename(staged[i], dest);
        const st = await stat(dest);
        etags.set(files[i].key, { size: st.size, mtimeMs: st.mtimeMs, etag: files[i].etag });
      }
    } finally {
      await Promise.all(staged.map((p) => rm(p, { force: true })));
    }
  }

  async function etagOf(key, st) {
    const c = etags.get(key);
    if (c && c.size === st.size && c.mtimeMs === st.mtimeMs) return c.etag;
    const etag = `"${md5hex(await readFile(fileOf(key)))}"`;
    etags.set(key, { size: st.size, mtimeMs: st.mtimeMs, etag });
    return etag;
  }

  // ------------------------------------------------------------------------------------------------------------
  // HTTP
  // ------------------------------------------------------------------------------------------------------------
  const originAllowed = (origin) => allowedOrigins === '*' || allowedOrigins.includes(origin);

  function setCors(req, res) {
    const origin = req.headers.origin;
    if (origin === undefined) res.setHeader('Access-Control-Allow-Origin', '*');
    else if (originAllowed(origin)) res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Expose-Headers', CORS_EXPOSE.join(', '));
  }

  function sendError(req, res, ctx, e) {
    if (res.headersSent) { res.destroy(); return; }
    ctx.code = e.code;
    const extra = Object.entries(e.extra).map(([k, v]) => `\n  <${k}>${xmlEscape(v)}</${k}>`).join('');
    const body = `<?xml version='1.0' encoding='utf-8' ?>\n<Error>\n  <Code>${xmlEscape(e.code)}</Code>\n  <Message>${xmlEscape(e.message)}</Message>\n  <Resource>${xmlEscape(`${req.headers.host ?? ''}${ctx.rawPath ?? ''}`)}</Resource>\n  <RequestId>${xmlEscape(ctx.requestId)}</RequestId>\n  <TraceId>${xmlEscape(ctx.traceId)}</TraceId>${extra}\n</Error>\n`;
    res.statusCode = e.status;
    res.setHeader('Content-Type', 'application/xml');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.setHeader('x-cos-trace-id', ctx.traceId);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /** Which object a request is about: virtual-host, path-style, or a bare endpoint (custom-domain style). */
  function locate(hostHeader, pathname) {
    const host = (hostHeader ?? '').toLowerCase().replace(/:\d+$/, '');
    const first = host.split('.')[0];
    if (host.includes('.') && first === bucket) return { style: 'virtual-host', key: pathname.slice(1), prefix: '' };
    if (host.includes('.') && FULL_BUCKET_RE.test(first) && host.includes('.cos.')) {
      throw new CosError(404, 'NoSuchBucket', `The specified bucket does not exist: this server serves ${bucket} only.`);
    }
    const seg = pathname.slice(1).split('/')[0];
    if (seg === bucket) return { style: 'path', key: pathname.slice(bucket.length + 2), prefix: `${bucket}/` };
    return { style: 'endpoint', key: pathname.slice(1), prefix: '' };
  }

  function readBody(req) {
    return new Promise((resolveBody, rejectBody) => {
      const chunks = [];
      let size = 0;
      let settled = false;
      const settle = (f, v) => { if (!settled) { settled = true; f(v); } };
      req.on('data', (c) => {
        size += c.length;
        if (size > maxObjectBytes) {
          settle(rejectBody, new CosError(400, 'EntityTooLarge', `Your proposed upload exceeds the maximum allowed object size of this local server (${maxObjectBytes} bytes).`));
          req.destroy();
        } else chunks.push(c);
      });
      req.on('end', () => settle(resolveBody, Buffer.concat(chunks)));
      req.on('error', () => settle(rejectBody, ABORTED));
      req.on('close', () => { if (!req.complete) settle(rejectBody, ABORTED); });
    });
  }

  async function putObject(req, res, ctx, target, pathname, query) {
    if (target.key === '') throw new CosError(501, 'NotImplemented', 'PUT Bucket is not implemented by the local server (it serves one existing bucket).');
    for (const [k] of query) {
      if (!AUTH_FIELDS.includes(k) && k !== 'x-cos-security-token') {
        throw new CosError(501, 'NotImplemented', `PUT with ?${k} is not implemented by the local server: only PUT Object (no multipart upload, ACL, tagging, append…).`);
      }
    }
    authenticate(req, pathname, query, true);
    const key = target.key;
    const bad = keyProblem(key);
    if (bad) throw new CosError(400, Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES ? 'KeyTooLong' : 'InvalidArgument', `Object key ${JSON.stringify(key)}: ${bad}.`);

    // Pic-Operations: validated with advcompress's own helpers before any byte of the body is read.
    const header = req.headers['pic-operations'];
    let ops;
    const outputs = [];
    if (header !== undefined) {
      try { ops = parsePicOperations(header); } catch (e) { throw new CosError(400, 'InvalidArgument', e.message); }
      for (const [i, r] of (ops.rules ?? []).entries()) {
        if (r.bucket !== undefined && r.bucket !== bucket) {
          throw new CosError(400, 'InvalidArgument', `Pic-Operations rules[${i}].bucket ${JSON.stringify(r.bucket)}: this local server serves ${bucket} only.`);
        }
        let out;
        try { out = resolveFileId(key, r.fileid); } catch (e) { throw new CosError(400, 'InvalidArgument', `Pic-Operations rules[${i}].${e.message}`); }
        const why = keyProblem(out);
        if (why) throw new CosError(400, 'InvalidArgument', `Pic-Operations rules[${i}].fileid ${JSON.stringify(r.fileid)} gives the key ${JSON.stringify(out)}: ${why}.`);
        outputs.push({ key: out, rule: r.rule });
      }
    }

    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxObjectBytes) {
      throw new CosError(400, 'EntityTooLarge', `Your proposed upload (${declared} bytes) exceeds the maximum allowed object size of this local server (${maxObjectBytes} bytes).`);
    }
    const md5Header = req.headers['content-md5'];
    if (md5Header !== undefined && Buffer.from(md5Header, 'base64').length !== 16) {
      throw new CosError(400, 'InvalidDigest', `The Content-MD5 you specified (${JSON.stringify(md5Header)}) is not the base64 of 16 bytes.`);
    }
    const body = await readBody(req);
    if (md5Header !== undefined && createHash('md5').update(body).digest('base64') !== md5Header) {
      throw new CosError(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }

    const files = [{ key, data: body, etag: `"${md5hex(body)}"` }];
    let processed;
    if (ops) {
      let answer;
      try {
        answer = await imageJob({ bytes: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), isPicInfo: ops.is_pic_info === 1, rules: outputs.map((o) => o.rule) });
      } catch (e) {
        throw new CosError(500, 'InternalError', `Image processing failed: ${e.message}`);
      }
      if (answer.error) {
        const { code, message, rule } = answer.error;
        const where = rule === undefined ? 'is_pic_info: the uploaded object\'s image information' : `Pic-Operations rules[${rule}].rule ${JSON.stringify(outputs[rule].rule)}`;
        const status = ['OUT_OF_MEMORY', 'ENCODER_ERROR', 'INTERNAL'].includes(code) ? 500 : 400;
        throw new CosError(status, status === 500 ? 'InternalError' : 'InvalidArgument', `${where}: advcompress refused it (${code}): ${message}`);
      }
      processed = answer.ok;
      processed.results.forEach((r, i) => {
        const data = Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength);
        files.push({ key: outputs[i].key, data, etag: `"${md5hex(data)}"`, result: r });
        if (r.warnings.length) log(`  rules[${i}] warnings: ${r.warnings.join(' | ')}`);
      });
    }

    const clash = await conflict([...new Set(files.map((f) => f.key))]);
    if (clash) throw new CosError(400, 'InvalidArgument', `The local server stores objects as files and cannot store this upload: ${clash}.`);
    await commit(files);

    // The ETag of what is finally at `key` (an output may have overwritten the original).
    const finalEtag = files.filter((f) => f.key === key).at(-1).etag;
    res.setHeader('ETag', finalEtag);
    if (!ops) {
      res.statusCode = 200;
      res.setHeader('Content-Length', 0);
      res.end();
      return;
    }
    const location = (k) => `${req.headers.host}/${target.prefix}${k}`;
    const xml = uploadResultToXml({
      originalInfo: { key, location: location(key), etag: finalEtag, ...(processed.imageInfo ? { imageInfo: processed.imageInfo } : {}) },
      processResults: files.slice(1).map((f) => ({
        key: f.key,
        location: location(f.key),
        format: f.result.format === 'heic' ? 'heif' : f.result.format,
        width: f.result.width,
        height: f.result.height,
        size: f.data.byteLength,
        quality: f.result.quality,
        etag: f.etag,
        frameCount: f.result.frameCount,
      })),
    });
    const out = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}\n`;
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/xml');
    res.setHeader('Content-Length', Buffer.byteLength(out));
    res.end(out);
  }

  async function getObject(req, res, ctx, target, pathname, query) {
    const head = req.method === 'HEAD';
    for (const [k] of query) {
      if (!AUTH_FIELDS.includes(k) && k !== 'x-cos-security-token' && !k.startsWith('response-')) {
        throw new CosError(501, 'NotImplemented', `${req.method} with ?${k} is not implemented by the local server (no processing on download, no ACL/tagging/versions reads).`);
      }
    }
    if (target.key === '') {
      authenticate(req, pathname, query, true);
      if (!head) throw new CosError(501, 'NotImplemented', 'GET Bucket (List Objects) is not implemented by the local server.');
      res.statusCode = 200;
      res.setHeader('Content-Length', 0);
      res.end();
      return;
    }
    authenticate(req, pathname, query, !publicRead);
    const key = target.key;
    const noSuchKey = () => new CosError(404, 'NoSuchKey', 'The specified key does not exist.');
    if (keyProblem(key)) throw noSuchKey();
    let st;
    try { st = await stat(fileOf(key)); } catch { throw noSuchKey(); }
    if (!st.isFile()) throw noSuchKey();
    const etag = await etagOf(key, st);
    res.setHeader('ETag', etag);
    res.setHeader('Last-Modified', st.mtime.toUTCString());
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');   // so a cross-origin-isolated page can show it
    const q = new Map(query);
    res.setHeader('Content-Type', q.get('response-content-type') ?? mimeOf(key));
    for (const [param, name] of [['response-content-disposition', 'Content-Disposition'], ['response-cache-control', 'Cache-Control'],
      ['response-content-language', 'Content-Language'], ['response-content-encoding', 'Content-Encoding'], ['response-expires', 'Expires']]) {
      if (q.has(param)) res.setHeader(name, q.get(param));
    }
    const inm = req.headers['if-none-match'];
    if (inm !== undefined && inm.split(',').map((s) => s.trim()).some((t) => t === etag || t === '*')) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.statusCode = 200;
    res.setHeader('Content-Length', st.size);
    if (head) { res.end(); return; }
    res.end(await readFile(fileOf(key)));
  }

  async function deleteObject(req, res, ctx, target, pathname, query) {
    if (target.key === '' || query.length && query.some(([k]) => !AUTH_FIELDS.includes(k) && k !== 'x-cos-security-token')) {
      throw new CosError(501, 'NotImplemented', 'Only DELETE Object is implemented by the local server.');
    }
    authenticate(req, pathname, query, true);
    const key = target.key;
    if (!keyProblem(key)) {
      try {
        const st = await stat(fileOf(key));
        if (st.isFile()) await unlink(fileOf(key));
      } catch { /* COS answers 204 for a missing key too */ }
      etags.delete(key);
    }
    res.statusCode = 204;
    res.end();
  }

  function preflight(req, res) {
    const origin = req.headers.origin;
    const method = (req.headers['access-control-request-method'] ?? '').toUpperCase();
    const asked = (req.headers['access-control-request-headers'] ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
    const why = origin === undefined ? 'the preflight has no Origin header'
      : !originAllowed(origin) ? `the origin ${origin} is not allowed`
        : !CORS_METHODS.includes(method) ? `the method ${JSON.stringify(method)} is not allowed (allowed: ${CORS_METHODS.join(', ')})`
          : asked.filter((h) => !corsHeaderAllowed(h)).map((h) => `the header ${JSON.stringify(h)} is not allowed`)[0];
    if (why) {
      // "For failed cross-origin requests, COS will return AccessForbidden" (https://www.tencentcloud.com/document/product/436/40105).
      throw new CosError(403, 'AccessForbidden', `CORSResponse: This CORS request is not allowed: ${why}.`);
    }
    res.statusCode = 200;
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Methods', CORS_METHODS.join(', '));
    res.setHeader('Access-Control-Allow-Headers', asked.length ? asked.join(', ') : CORS_HEADERS.join(', '));
    res.setHeader('Access-Control-Max-Age', '600');
    res.setHeader('Vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
    res.setHeader('Content-Length', 0);
    res.end();
  }

  function sts(req, res, ctx, query) {
    const q = new Map(query);
    let d = stsDuration;
    if (q.has('durationSeconds')) {
      d = Number(q.get('durationSeconds'));
      if (!Number.isInteger(d) || d < 1 || d > MAX_STS_SECONDS) {
        const body = JSON.stringify({ error: { code: 'InvalidParameter', message: `durationSeconds must be an integer 1–${MAX_STS_SECONDS}` }, requestId: ctx.requestId });
        res.writeHead(400, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(body);
        ctx.code = 'InvalidParameter';
        return;
      }
    }
    const start = nowSeconds();
    const body = JSON.stringify({ ...issueCredential(stsSecret, start, start + d), requestId: ctx.requestId, bucket, region });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) }).end(body);
  }

  async function handle(req, res) {
    const ctx = {
      requestId: Buffer.from(`${now().toString(16)}_${randomBytes(6).toString('hex')}`).toString('base64'),
      traceId: randomBytes(16).toString('base64url'),
      started: Date.now(),
    };
    res.setHeader('x-cos-request-id', ctx.requestId);
    res.setHeader('Server', 'tencent-cos');
    res.setHeader('Date', new Date(now()).toUTCString());
    setCors(req, res);
    const shown = req.url.replace(/([?&](?:q-signature|x-cos-security-token)=)[^&]*/g, '$1…');   // no secrets in logs
    res.on('finish', () => log(`${req.method} ${req.headers.host ?? ''}${shown} -> ${res.statusCode}${ctx.code ? ` ${ctx.code}` : ''} (${Date.now() - ctx.started} ms)`));
    try {
      const url = req.url.startsWith('/') ? req.url : new URL(req.url).pathname + new URL(req.url).search;
      const qi = url.indexOf('?');
      ctx.rawPath = qi < 0 ? url : url.slice(0, qi);
      const rawQuery = qi < 0 ? '' : url.slice(qi + 1);
      const pathname = decodeComponent(ctx.rawPath, 'request path');
      const query = rawQuery.split('&').filter(Boolean).map((p) => {
        const eq = p.indexOf('=');
        return eq < 0 ? [decodeComponent(p, 'query string'), ''] : [decodeComponent(p.slice(0, eq), 'query string'), decodeComponent(p.slice(eq + 1), 'query string')];
      });
      if (req.method === 'OPTIONS') return preflight(req, res);
      if (pathname === stsPath && (req.method === 'GET' || req.method === 'POST')) return sts(req, res, ctx, query);
      const target = locate(req.headers.host, pathname);
      if (req.method === 'PUT') return await putObject(req, res, ctx, target, pathname, query);
      if (req.method === 'GET' || req.method === 'HEAD') return await getObject(req, res, ctx, target, pathname, query);
      if (req.method === 'DELETE') return await deleteObject(req, res, ctx, target, pathname, query);
      throw new CosError(req.method === 'POST' ? 501 : 405, req.method === 'POST' ? 'NotImplemented' : 'MethodNotAllowed',
        req.method === 'POST' ? 'POST (form upload, multipart upload, batch delete…) is not implemented by the local server.' : `The method ${req.method} is not allowed.`);
    } catch (e) {
      if (e === ABORTED) { ctx.code = 'ClientAborted'; res.destroy(); return; }   // nothing was written
      if (e instanceof CosError) return sendError(req, res, ctx, e);
      log(`  internal error: ${e?.stack ?? e}`);
      return sendError(req, res, ctx, new CosError(500, 'InternalError', `Internal error of the local server: ${e?.message ?? e}`));
    }
  }

  const server = http.createServer((req, res) => { handle(req, res).catch(() => res.destroy()); });
  await new Promise((ok, ko) => { server.once('error', ko); server.listen(options.port ?? 0, options.host ?? '127.0.0.1', ok); });
  const address = server.address();
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${hostPart}:${address.port}`;
  return {
    url,
    host: `${hostPart}:${address.port}`,
    port: address.port,
    root,
    bucket,
    appId,
    region,
    secretId,
    secretKey,
    sessionToken,
    stsUrl: `${url}${stsPath}`,
    async close() {
      await new Promise((ok) => { server.close(() => ok()); server.closeAllConnections(); });
      if (worker) { const w = worker; worker = undefined; await w.terminate(); }
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------------------------
const USAGE = `Usage: node tests/cos-server/server.js [--port 4190] [--host 127.0.0.1] [--root DIR]
       [--bucket advcompress] [--app-id 1250000000] [--region ap-guangzhou]
       [--secret-id ID] [--secret-key KEY] [--session-token TOKEN] [--sts-secret S] [--sts-duration 1800]
       [--private] [--max-object-bytes N] [--origin URL ...] [--quiet]`;

async function main() {
  let args;
  try {
    ({ values: args } = parseArgs({
      options: {
        port: { type: 'string', default: '4190' }, host: { type: 'string', default: '127.0.0.1' }, root: { type: 'string' },
        bucket: { type: 'string' }, 'app-id': { type: 'string' }, region: { type: 'string' },
        'secret-id': { type: 'string' }, 'secret-key': { type: 'string' }, 'session-token': { type: 'string' },
        'sts-secret': { type: 'string' }, 'sts-duration': { type: 'string' }, private: { type: 'boolean' },
        'max-object-bytes': { type: 'string' }, origin: { type: 'string', multiple: true }, quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) { console.error(`${e.message}\n${USAGE}`); process.exit(2); }
  if (args.help) { console.log(USAGE); return; }
  const s = await startCosServer({
    port: Number(args.port), host: args.host, root: args.root, bucket: args.bucket, appId: args['app-id'], region: args.region,
    secretId: args['secret-id'], secretKey: args['secret-key'], sessionToken: args['session-token'], stsSecret: args['sts-secret'],
    stsDurationSeconds: args['sts-duration'] === undefined ? undefined : Number(args['sts-duration']),
    publicRead: !args.private, maxObjectBytes: args['max-object-bytes'] === undefined ? undefined : Number(args['max-object-bytes']),
    allowedOrigins: args.origin ?? '*',
    log: args.quiet ? undefined : (line) => console.log(line),
  });
  console.log(`COS-compatible server listening at ${s.url}
  bucket:      ${s.bucket}   (region ${s.region})
  root:        ${s.root}
  STS:         ${s.stsUrl}   (temporary credentials, ${args['sts-duration'] ?? 1800} s)
  test credentials (permanent; for tests only, never put them in a page):
    SecretId:  ${s.secretId}
    SecretKey: ${s.secretKey}${s.sessionToken ? `\n    SessionToken: ${s.sessionToken}` : ''}
  cos-js-sdk-v5:  new COS({ Domain: '${s.host}', Protocol: 'http:', getAuthorization })
                  cos.putObject({ Bucket: '${s.bucket}', Region: '${s.region}', Key, Body, Headers: { 'Pic-Operations': … } })`);
  const stop = async () => { await s.close(); process.exit(0); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e) => { console.error(e?.message ?? e); process.exit(1); });
}
