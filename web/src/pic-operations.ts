/**
 * Tencent Cloud COS / Cloud Infinite "processing upon upload": the `Pic-Operations` request header (a JSON string
 * sent with `PUT Object`) and the `<UploadResult>` XML that COS answers with.
 *
 * Sources (the semantics here are theirs; where this module is stricter than the doc, the TSDoc says so):
 * - Persistent Image Processing, CI: https://www.tencentcloud.com/document/product/1045/33695
 * - Persistent Image Processing, COS API: https://www.tencentcloud.com/document/api/436/40592
 * - Object key naming: https://www.tencentcloud.com/document/product/436/13324
 * - Bucket naming (`BucketName-APPID`): https://www.tencentcloud.com/document/product/436/13312
 * - Error response body: https://intl.cloud.tencent.com/document/api/436/7730
 * - Blind watermark (`FrameCount`, `WatermarkStatus` in the answer): https://www.tencentcloud.com/document/product/436/49729
 *
 * Nothing here talks to the network: build the header, send it with your own `fetch`/XHR, parse the answer.
 * @example
 *   const header = buildPicOperations({ is_pic_info: 1, rules: [{ fileid: 'photo.heic', rule: 'imageMogr2/format/heif' }] });
 *   const res = await fetch(signedPutUrl, { method: 'PUT', body: file, headers: { 'Pic-Operations': header } });
 *   const result = parseUploadResult(await res.text());   // throws AdvcompressError UPLOAD_FAILED on a COS <Error>
 *   console.log(result.processResults[0].size, 'bytes');
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { AdvcompressError } from './errors.js';

const DOC = 'https://www.tencentcloud.com/document/product/1045/33695';

/** Most rules one `Pic-Operations` header may carry: "up to five rules are supported" (https://www.tencentcloud.com/document/product/1045/33695). */
export const PIC_OPERATIONS_MAX_RULES = 5;
/** Longest COS object key, in bytes of UTF-8 (https://www.tencentcloud.com/document/product/436/13324). */
export const COS_OBJECT_KEY_MAX_BYTES = 850;

// ---------------------------------------------------------------------------------------------------------------
// Pic-Operations header
// ---------------------------------------------------------------------------------------------------------------

/**
 * One processing rule of `Pic-Operations`; each rule produces one output object. Field names are the JSON's own
 * (https://www.tencentcloud.com/document/product/1045/33695, "Parameters of rules").
 * @example
 *   const toHeic: PicOperationsRule = { fileid: 'heic/photo.heic', rule: 'imageMogr2/format/heif' };
 *   const elsewhere: PicOperationsRule = { bucket: 'archive-1250000000', fileid: '/photo.avif', rule: 'imageMogr2/format/avif' };
 */
export interface PicOperationsRule {
  /**
   * Bucket that receives the output, as `BucketName-APPID` (e.g. `examplebucket-1250000000`). Optional: by default the
   * output goes to the bucket of the upload. BucketName is lowercase letters, digits and `-`, not starting or ending
   * with `-`; APPID is the account's numeric id (https://www.tencentcloud.com/document/product/436/13312).
   */
  bucket?: string;
  /**
   * Required. Path and name of the output object. With the input at `/p1/test1.jpg`: a value starting with `/` is
   * absolute (`/p2/test2.jpg` → `p2/test2.jpg`); any other value is relative to the input's folder (`p2/test2.jpg` →
   * `p1/p2/test2.jpg`); it must not end with `/` ("otherwise, an empty filename will be generated"). See
   * {@link resolveFileId} and, for the characters allowed, {@link validatePicOperations}.
   */
  fileid: string;
  /**
   * Required. The processing to apply, e.g. `imageMogr2/format/heif`, or `style/<name>` for a style defined on the
   * bucket (https://www.tencentcloud.com/document/product/1045/33695).
   */
  rule: string;
}

/**
 * The value of the `Pic-Operations` header, with the JSON's own field names, so that a header copied from the COS
 * docs is valid input as it stands (https://www.tencentcloud.com/document/product/1045/33695, "Request content").
 * @example
 *   // The header of seeds 000/001 (CI's HEIF and AVIF compression pages):
 *   const ops: PicOperations = { is_pic_info: 1, rules: [{ fileid: 'exampleobject', rule: 'imageMogr2/format/heif' }] };
 */
export interface PicOperations {
  /** `1`: the answer includes `OriginalInfo.ImageInfo` (format, size, quality… of the uploaded image); `0` (default): not. */
  is_pic_info?: 0 | 1;
  /** Up to {@link PIC_OPERATIONS_MAX_RULES} (5) rules, one output object each. Absent or empty: nothing is processed. */
  rules?: PicOperationsRule[];
}

const TOP_FIELDS = ['is_pic_info', 'rules'];
const RULE_FIELDS = ['bucket', 'fileid', 'rule'];
// BucketName (a-z, 0-9, '-', not at either end) + '-' + numeric APPID; "examplebucket-1-1250000000" is valid (13312).
const BUCKET_RE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?-[0-9]+$/;
const CONTROL_NAMES: Record<number, string> = { 0x18: 'CAN', 0x19: 'EM', 0x1a: 'SUB', 0x1b: 'ESC', 0x7f: 'DEL' };

const show = (v: unknown): string => {
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);
  try { return JSON.stringify(v) ?? String(v); } catch { return String(v); }
};
const invalid = (field: string, what: string): AdvcompressError =>
  new AdvcompressError('INVALID_OPTION', `Pic-Operations ${field}: ${what}`);
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const utf8Length = (s: string): number => new TextEncoder().encode(s).length;

/** Checks the characters of an object key or fileid; returns the reason it is refused, or undefined. */
function badCharacter(s: string): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      const name = CONTROL_NAMES[c] ? ` (${CONTROL_NAMES[c]})` : '';
      const why = c >= 0x18 && c <= 0x1b ? 'COS object keys do not support it' : 'control characters are refused in object keys';
      return `control character U+${c.toString(16).toUpperCase().padStart(4, '0')}${name} at index ${i}: ${why}`;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const pair = c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (!pair) return `lone UTF-16 surrogate at index ${i}: an object key must be valid UTF-8`;
      i++;
    }
  }
  return undefined;
}

// Why the path after its optional leading "/" is refused as (part of) an object key, or undefined.
function badKeyPath(path: string): string | undefined {
  if (path.startsWith('/') || path.startsWith('\\')) return 'an object key cannot start with "/" or "\\" (https://www.tencentcloud.com/document/product/436/13324)';
  if (path.split('/').some((s) => s === '.' || s === '..')) {
    return '"." and ".." path segments are refused: the COS doc defines only absolute ("/…") and input-folder-relative names';
  }
  return badCharacter(path);
}

function checkFileId(field: string, v: unknown, fail: (field: string, what: string) => AdvcompressError = invalid): asserts v is string {
  if (typeof v !== 'string' || v.length === 0) throw fail(field, `required, the non-empty path of the output object (got ${show(v)})`);
  const at = `${field} ${show(v)}`;
  if (v.endsWith('/')) throw fail(at, `must not end with "/": COS would store an object with an empty file name (${DOC})`);
  const path = v.startsWith('/') ? v.slice(1) : v;
  const bad = badKeyPath(path);
  if (bad) throw fail(at, bad);
  const bytes = utf8Length(path);
  if (bytes > COS_OBJECT_KEY_MAX_BYTES) throw fail(field, `${bytes} bytes of UTF-8, above the ${COS_OBJECT_KEY_MAX_BYTES}-byte limit of a COS object key`);
}

/**
 * Checks a `Pic-Operations` value against the COS doc (https://www.tencentcloud.com/document/product/1045/33695):
 * - `is_pic_info`: absent, `0` or `1` (the number, not `true` or `"1"`);
 * - `rules`: absent or an array of at most {@link PIC_OPERATIONS_MAX_RULES} (5) objects;
 * - `rules[i].bucket`: absent or `BucketName-APPID` (https://www.tencentcloud.com/document/product/436/13312);
 * - `rules[i].fileid`: required, non-empty, not ending with `/`; the object key it names must be at most 850 bytes of
 *   UTF-8 and must not start with `/` or `\` (so not `//x`), and it must not contain CAN, EM, SUB or ESC (U+0018–U+001B),
 *   which COS object keys do not support (https://www.tencentcloud.com/document/product/436/13324). Stricter than COS:
 *   the other control characters (U+0000–U+001F, U+007F), lone UTF-16 surrogates (not encodable in UTF-8) and `.`/`..`
 *   path segments (whose meaning the doc does not define) are refused too. Everything else is allowed, including
 *   non-ASCII names; the characters the doc advises against (`` ` ^ " \ { } [ ] ~ % # | * < > ``) are accepted.
 * - `rules[i].rule`: required, a string with at least one non-space character;
 * - no other fields (a misspelt `fileId` or `isPicInfo` is refused rather than silently ignored).
 *
 * @param ops the header value as an object (e.g. from `JSON.parse`).
 * @throws AdvcompressError `INVALID_OPTION`, whose message names the field with its index and the value, e.g.
 *   `Pic-Operations rules[5]: at most 5 rules per request (got 6)` or
 *   `Pic-Operations rules[0].fileid "out/": must not end with "/"…`.
 * @example
 *   validatePicOperations({ is_pic_info: 1, rules: [{ fileid: 'exampleobject', rule: 'imageMogr2/format/heif' }] }); // ok
 *   validatePicOperations({ rules: [{ fileid: '', rule: 'imageMogr2/format/avif' }] });  // throws: rules[0].fileid …
 */
export function validatePicOperations(ops: unknown): asserts ops is PicOperations {
  if (!isPlainObject(ops)) throw new AdvcompressError('INVALID_OPTION', `Pic-Operations: expected a JSON object such as {"rules":[…]}, got ${show(ops)}`);
  for (const k of Object.keys(ops)) {
    if (!TOP_FIELDS.includes(k)) throw invalid(k, `unknown field (the fields are ${TOP_FIELDS.join(', ')}; ${DOC})`);
  }
  const info = ops.is_pic_info;
  if (info !== undefined && info !== 0 && info !== 1) throw invalid('is_pic_info', `must be 0 or 1 (a number), got ${show(info)}`);
  const rules = ops.rules;
  if (rules === undefined) return;
  if (!Array.isArray(rules)) throw invalid('rules', `must be an array of {fileid, rule, bucket?} objects, got ${show(rules)}`);
  if (rules.length > PIC_OPERATIONS_MAX_RULES) {
    throw invalid(`rules[${PIC_OPERATIONS_MAX_RULES}]`, `at most ${PIC_OPERATIONS_MAX_RULES} rules per request (got ${rules.length}; ${DOC})`);
  }
  rules.forEach((r: unknown, i: number) => {
    const at = `rules[${i}]`;
    if (!isPlainObject(r)) throw invalid(at, `must be an object {fileid, rule, bucket?}, got ${show(r)}`);
    for (const k of Object.keys(r)) {
      if (!RULE_FIELDS.includes(k)) throw invalid(`${at}.${k}`, `unknown field (the fields of a rule are ${RULE_FIELDS.join(', ')})`);
    }
    if (r.bucket !== undefined && (typeof r.bucket !== 'string' || !BUCKET_RE.test(r.bucket))) {
      throw invalid(`${at}.bucket ${show(r.bucket)}`, 'not of the form BucketName-APPID (lowercase letters, digits and "-", not at either end, then "-" and the numeric APPID, e.g. examplebucket-1250000000); omit it to use the bucket of the upload');
    }
    checkFileId(`${at}.fileid`, r.fileid);
    if (typeof r.rule !== 'string' || r.rule.trim() === '') {
      throw invalid(`${at}.rule`, `required, the processing to apply such as "imageMogr2/format/heif" (got ${show(r.rule)})`);
    }
  });
}

/** The fields in the doc's order, nothing else. */
function canonical(ops: PicOperations): PicOperations {
  const out: PicOperations = {};
  if (ops.is_pic_info !== undefined) out.is_pic_info = ops.is_pic_info;
  if (ops.rules !== undefined) {
    out.rules = ops.rules.map((r) => (r.bucket !== undefined
      ? { bucket: r.bucket, fileid: r.fileid, rule: r.rule }
      : { fileid: r.fileid, rule: r.rule }));
  }
  return out;
}

/**
 * Validates `ops` and returns the `Pic-Operations` header value: compact JSON, fields in the doc's order
 * (`is_pic_info`, `rules`; `bucket`, `fileid`, `rule`), absent fields left out. Characters outside printable ASCII are
 * written as `\uXXXX` JSON escapes (the same JSON value), because an HTTP header value cannot carry them as such:
 * `fetch()` refuses header values with code points above U+00FF.
 *
 * @returns e.g. `{"is_pic_info":1,"rules":[{"fileid":"exampleobject","rule":"imageMogr2/format/heif"}]}`.
 * @throws AdvcompressError `INVALID_OPTION` naming the field, as {@link validatePicOperations}.
 * @see https://www.tencentcloud.com/document/product/1045/33695
 * @example
 *   const header = buildPicOperations({ is_pic_info: 1, rules: [{ fileid: 'exampleobject', rule: 'imageMogr2/format/heif' }] });
 *   await fetch(url, { method: 'PUT', body: file, headers: { 'Pic-Operations': header, Authorization: auth } });
 */
export function buildPicOperations(ops: PicOperations): string {
  validatePicOperations(ops);
  return JSON.stringify(canonical(ops)).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Parses a received `Pic-Operations` header (server side, e.g. a local COS-compatible test server): JSON, then
 * {@link validatePicOperations}. Whitespace and `\uXXXX` escapes are accepted, so the pretty-printed headers of the COS
 * docs parse as well as the output of {@link buildPicOperations}.
 *
 * @returns a fresh object with only the doc's fields; `buildPicOperations(parsePicOperations(h))` is `h` for a header
 *   that {@link buildPicOperations} produced.
 * @throws AdvcompressError `INVALID_OPTION` when the value is not JSON or does not validate.
 * @see https://www.tencentcloud.com/document/product/1045/33695
 * @example
 *   const ops = parsePicOperations(req.headers['pic-operations']);
 *   for (const r of ops.rules ?? []) console.log(resolveFileId(objectKey, r.fileid), r.rule);
 */
export function parsePicOperations(header: string): PicOperations {
  if (typeof header !== 'string') throw new AdvcompressError('INVALID_OPTION', `Pic-Operations: expected the header value as a string, got ${show(header)}`);
  let value: unknown;
  try {
    value = JSON.parse(header);
  } catch (e) {
    throw new AdvcompressError('INVALID_OPTION', `Pic-Operations is not valid JSON (${(e as Error).message}): ${show(header)}`);
  }
  validatePicOperations(value);
  return canonical(value);
}

/**
 * The object key at which a rule's output lands, per the naming rules of `fileid`
 * (https://www.tencentcloud.com/document/product/1045/33695): a `fileid` starting with `/` is absolute from the bucket
 * root; any other is relative to the folder of the uploaded object. Checks `fileid` as {@link validatePicOperations}
 * does, `inputKey` by the same character and segment rules, and that the resulting key fits in 850 bytes of UTF-8;
 * so the result never starts with `/` and has no `.` or `..` segment (safe to map under a folder, as a local test
 * server does).
 *
 * @param inputKey the key of the uploaded object, with or without a leading `/` (`/p1/test1.jpg` and `p1/test1.jpg`
 *   are the same object).
 * @param fileid the rule's `fileid`.
 * @returns the object key without a leading `/`, as COS writes it in `<Key>`.
 * @throws AdvcompressError `INVALID_OPTION` naming `inputKey` or `fileid` and the value.
 * @example
 *   // The doc's examples, input /p1/test1.jpg:
 *   resolveFileId('/p1/test1.jpg', '/p2/test2.jpg'); // 'p2/test2.jpg'
 *   resolveFileId('/p1/test1.jpg', 'p2/test2.jpg');  // 'p1/p2/test2.jpg'
 *   resolveFileId('filename.jpg', 'test.jpg');       // 'test.jpg'
 */
export function resolveFileId(inputKey: string, fileid: string): string {
  const key = typeof inputKey === 'string' ? inputKey.replace(/^\//, '') : '';
  if (key === '' || key.endsWith('/')) {
    throw new AdvcompressError('INVALID_OPTION', `inputKey ${show(inputKey)}: expected the key of the uploaded object, such as "p1/test1.jpg"`);
  }
  const badInput = badKeyPath(key);
  if (badInput) throw new AdvcompressError('INVALID_OPTION', `inputKey ${show(inputKey)}: ${badInput}`);
  checkFileId('fileid', fileid, (field, what) => new AdvcompressError('INVALID_OPTION', `${field}: ${what}`));
  const slash = key.lastIndexOf('/');
  const out = fileid.startsWith('/') ? fileid.slice(1) : slash >= 0 ? `${key.slice(0, slash + 1)}${fileid}` : fileid;
  const bytes = utf8Length(out);
  if (bytes > COS_OBJECT_KEY_MAX_BYTES) {
    throw new AdvcompressError('INVALID_OPTION', `fileid ${show(fileid)} relative to ${show(inputKey)} gives a key of ${bytes} bytes of UTF-8, above the ${COS_OBJECT_KEY_MAX_BYTES}-byte limit of a COS object key`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// UploadResult answer
// ---------------------------------------------------------------------------------------------------------------

/**
 * `UploadResult/OriginalInfo/ImageInfo`: the uploaded image as COS read it; present when `is_pic_info` was 1
 * (https://www.tencentcloud.com/document/product/1045/33695, "Response content").
 */
export interface ImageInfo {
  /** `Format`: the image format as COS names it, e.g. `JPEG`, `PNG`. */
  format: string;
  /** `Width`, in pixels. */
  width: number;
  /** `Height`, in pixels. */
  height: number;
  /** `Quality`: image quality, an integer (100 for lossless formats in the doc's example). */
  quality: number;
  /** `Ave`: "image average hue", as `0xRRGGBB` (e.g. `0xa18454`); kept as the string COS sends. */
  ave: string;
  /**
   * `Orientation`: the doc calls it the "image rotation angle" (Int); its examples show 1 and 0, which read as the EXIF
   * Orientation value (0: none) rather than degrees. Passed through unchanged.
   */
  orientation: number;
  /** `FrameCount`: number of frames (1 for a still image); shown in some doc answers, absent in others. */
  frameCount?: number;
}

/** `UploadResult/OriginalInfo`: the uploaded object. */
export interface OriginalInfo {
  /**
   * `Key`: the object's key as COS sends it ("name of the input image"; the doc's examples are at the bucket root,
   * where name and key are the same). Never trimmed or converted.
   */
  key: string;
  /** `Location`: where the object is, `<BucketName-APPID>.cos.<Region>.myqcloud.com/<Key>` (no scheme). */
  location: string;
  /**
   * `ETag` of the uploaded object, quotes included as COS sends them (e.g. `"580cd6930444576523c25f86ce2af9b1fc2d5484"`);
   * when an output overwrote the input (same key), the ETag of that output. Absent from some doc examples.
   */
  etag?: string;
  /** Present when the request had `is_pic_info: 1`. */
  imageInfo?: ImageInfo;
}

/** `UploadResult/ProcessResults/Object`: one output object, one per rule. */
export interface ProcessedObject {
  /** `Key`: the output object's key (see {@link resolveFileId}); never trimmed or converted (`0123` stays a string). */
  key: string;
  /** `Location`: `<BucketName-APPID>.cos.<Region>.myqcloud.com/<Key>` (no scheme). */
  location: string;
  /** `Format`: output format as COS names it (lowercase in the doc's example, e.g. `png`). */
  format: string;
  /** `Width`, in pixels. */
  width: number;
  /** `Height`, in pixels. */
  height: number;
  /** `Size`: the output object's size, in bytes. */
  size: number;
  /** `Quality`: the output's quality, an integer. */
  quality: number;
  /** `ETag` of the output, quotes included; absent from some doc examples. */
  etag?: string;
  /** `FrameCount`: number of frames, when COS reports it. */
  frameCount?: number;
  /**
   * `WatermarkStatus`, only in answers to blind-watermark extraction with type 2: confidence 0–100; above 75 a
   * watermark is present, 60–75 suspected, below 60 none (https://www.tencentcloud.com/document/product/436/49729).
   */
  watermarkStatus?: number;
}

/**
 * The body COS answers a `PUT Object` carrying `Pic-Operations` with (`Content-Type: application/xml`), as a typed
 * object: numbers as numbers, absent optional elements `undefined`
 * (https://www.tencentcloud.com/document/product/1045/33695, "Response content").
 * @example
 *   // The doc's sample answer, parsed:
 *   const r: UploadResult = {
 *     originalInfo: { key: 'filename.jpg', location: 'examplebucket-1250000000.cos.ap-chengdu.myqcloud.com/filename.jpg',
 *       etag: '"580cd6930444576523c25f86ce2af9b1fc2d5484"',
 *       imageInfo: { format: 'JPEG', width: 640, height: 427, quality: 100, ave: '0xa18454', orientation: 1 } },
 *     processResults: [{ key: 'test.jpg', location: 'examplebucket-1250000000.cos.ap-chengdu.myqcloud.com/test.jpg',
 *       format: 'png', width: 640, height: 427, size: 463092, quality: 100, etag: '"eaa4e3d8fd498bbc63be3b71c46b9c61f23e3f0c"' }],
 *   };
 */
export interface UploadResult {
  /** `OriginalInfo`: the uploaded object. */
  originalInfo: OriginalInfo;
  /** `ProcessResults/Object`, in document order (the order of the rules); empty when there were no rules. */
  processResults: ProcessedObject[];
}

/**
 * A COS `<Error>` answer (https://intl.cloud.tencent.com/document/api/436/7730), thrown by {@link parseUploadResult}:
 * an {@link AdvcompressError} with code `UPLOAD_FAILED` whose message contains the COS code and message, and which
 * carries the COS fields.
 * @example
 *   try { parseUploadResult(body); } catch (e) {
 *     if (e instanceof CosServiceError && e.cosCode === 'AccessDenied') showLogin();
 *     else throw e;
 *   }
 */
export class CosServiceError extends AdvcompressError {
  /** `Code`, e.g. `NoSuchBucket`, `AccessDenied`, `InvalidArgument`. */
  readonly cosCode: string;
  /** `Message`, COS's description of the error. */
  readonly cosMessage: string;
  /** `Resource`: the bucket or object URL the request was about. */
  readonly resource?: string;
  /** `RequestId`, to quote to Tencent support. */
  readonly requestId?: string;
  /** `TraceId`. */
  readonly traceId?: string;

  constructor(fields: { code: string; message: string; resource?: string; requestId?: string; traceId?: string }) {
    const id = fields.requestId ? ` (RequestId ${fields.requestId})` : '';
    super('UPLOAD_FAILED', `COS error ${fields.code || '(no Code)'}: ${fields.message || '(no Message)'}${id}`);
    this.name = 'CosServiceError';
    this.cosCode = fields.code;
    this.cosMessage = fields.message;
    this.resource = fields.resource;
    this.requestId = fields.requestId;
    this.traceId = fields.traceId;
  }
}

type XmlNode = Record<string, unknown>;

const malformed = (what: string): AdvcompressError =>
  new AdvcompressError('UPLOAD_FAILED', `malformed COS UploadResult: ${what}`);

function child(node: XmlNode, path: string, name: string): XmlNode | undefined {
  const v = node[name];
  if (v === undefined || (typeof v === 'string' && v.trim() === '')) return undefined;   // absent, or <ImageInfo/>
  if (Array.isArray(v)) throw malformed(`${path}/${name} appears ${v.length} times`);
  if (!isPlainObject(v)) throw malformed(`${path}/${name} should contain elements, found text ${show(v)}`);
  return v;
}

// Leaf text. Keys and locations exactly as sent; other values trimmed. Empty optional elements (<ETag/>) are absent.
function text(node: XmlNode, path: string, name: string, required: true, raw?: boolean): string;
function text(node: XmlNode, path: string, name: string, required: false, raw?: boolean): string | undefined;
function text(node: XmlNode, path: string, name: string, required: boolean, raw = false): string | undefined {
  const v = node[name];
  if (Array.isArray(v)) throw malformed(`${path}/${name} appears ${v.length} times`);
  if (v !== undefined && typeof v !== 'string') throw malformed(`${path}/${name} should be text, found elements`);
  const s = v === undefined ? undefined : raw ? v : v.trim();
  if (s === undefined || s === '') {
    if (required) throw malformed(`${path}/${name} is missing`);
    return undefined;
  }
  return s;
}

function int(node: XmlNode, path: string, name: string, required: true): number;
function int(node: XmlNode, path: string, name: string, required: false): number | undefined;
function int(node: XmlNode, path: string, name: string, required: boolean): number | undefined {
  const s = text(node, path, name, required as false);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!/^-?[0-9]+$/.test(s) || !Number.isSafeInteger(n)) throw malformed(`${path}/${name} is ${show(s)}, not an integer`);
  return n;
}

function imageInfoOf(node: XmlNode, path: string): ImageInfo {
  const r: ImageInfo = {
    format: text(node, path, 'Format', true),
    width: int(node, path, 'Width', true),
    height: int(node, path, 'Height', true),
    quality: int(node, path, 'Quality', true),
    ave: text(node, path, 'Ave', true),
    orientation: int(node, path, 'Orientation', true),
  };
  const frames = int(node, path, 'FrameCount', false);
  if (frames !== undefined) r.frameCount = frames;
  return r;
}

function processedOf(node: XmlNode, path: string): ProcessedObject {
  const r: ProcessedObject = {
    key: text(node, path, 'Key', true, true),
    location: text(node, path, 'Location', true, true),
    format: text(node, path, 'Format', true),
    width: int(node, path, 'Width', true),
    height: int(node, path, 'Height', true),
    size: int(node, path, 'Size', true),
    quality: int(node, path, 'Quality', true),
  };
  const etag = text(node, path, 'ETag', false, true);
  if (etag !== undefined) r.etag = etag;
  const frames = int(node, path, 'FrameCount', false);
  if (frames !== undefined) r.frameCount = frames;
  const wm = int(node, path, 'WatermarkStatus', false);
  if (wm !== undefined) r.watermarkStatus = wm;
  return r;
}

function snippet(s: string): string {
  const t = s.trim().replace(/\s+/g, ' ');
  return JSON.stringify(t.length > 100 ? `${t.slice(0, 97)}...` : t);
}

/**
 * Parses the body of COS's answer to an upload with `Pic-Operations` (`<UploadResult>`, see
 * https://www.tencentcloud.com/document/product/1045/33695, "Response content") into an {@link UploadResult}.
 *
 * Integer elements (`Width`, `Height`, `Quality`, `Orientation`, `Size`, `FrameCount`, `WatermarkStatus`) become
 * numbers; every other element stays the exact string sent (entities decoded, so `&quot;…&quot;` and Go's `&#34;…&#34;`
 * both give the quoted ETag): `Ave` `0xa18454`, a key `0123` or `1e5` are never turned into numbers. Unknown elements
 * are ignored. Required: `OriginalInfo` with `Key` and `Location`; in an `ImageInfo`, `Format`, `Width`, `Height`,
 * `Quality`, `Ave`, `Orientation`; in each `Object`, `Key`, `Location`, `Format`, `Width`, `Height`, `Size`, `Quality`
 * (the elements present in every answer the COS docs show); the rest is optional.
 *
 * @param xml the response body (`await res.text()`).
 * @throws {@link CosServiceError} (an AdvcompressError `UPLOAD_FAILED`) when the body is a COS `<Error>` document;
 *   its message is `COS error <Code>: <Message> (RequestId …)`.
 * @throws AdvcompressError `UPLOAD_FAILED` when the body is empty, not well-formed XML, another document (an HTML
 *   error page…), or an UploadResult lacking a required element or with a non-integer number.
 * @example
 *   const res = await fetch(url, { method: 'PUT', body: file, headers: { 'Pic-Operations': header } });
 *   const r = parseUploadResult(await res.text());
 *   const [heic] = r.processResults;
 *   console.log(`${heic.key}: ${heic.width}×${heic.height} px, ${heic.size} bytes`);
 */
export function parseUploadResult(xml: string): UploadResult {
  if (typeof xml !== 'string') throw new AdvcompressError('INVALID_OPTION', `parseUploadResult: expected the response body as a string, got ${show(xml)}`);
  if (xml.trim() === '') throw new AdvcompressError('UPLOAD_FAILED', 'empty response body, not a COS UploadResult (COS answers with one when Pic-Operations has is_pic_info 1 or rules)');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new AdvcompressError('UPLOAD_FAILED', `response body is not well-formed XML (line ${line}${col ? `, column ${col}` : ''}: ${msg}): ${snippet(xml)}`);
  }
  const parser = new XMLParser({
    ignoreAttributes: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    parseTagValue: false,   // strings stay strings; the integer fields are converted above, by name
    trimValues: false,      // a key may begin or end with spaces
    htmlEntities: true,     // fast-xml-parser 5 decodes numeric references (&#34;, as Go's encoder writes) only then
    isArray: (_name: string, jpath: unknown) => jpath === 'UploadResult.ProcessResults.Object',
  });
  const doc = parser.parse(xml) as XmlNode;
  const error = doc.Error;
  if (error !== undefined) {
    const e: XmlNode = isPlainObject(error) ? error : {};
    const f = (n: string) => (typeof e[n] === 'string' ? (e[n] as string).trim() : undefined);
    throw new CosServiceError({ code: f('Code') ?? '', message: f('Message') ?? '', resource: f('Resource'), requestId: f('RequestId'), traceId: f('TraceId') });
  }
  const root = doc.UploadResult;
  if (root === undefined) {
    const name = Object.keys(doc).find((k) => k !== '#text');
    throw new AdvcompressError('UPLOAD_FAILED', `response body is ${name ? `a <${name}> document` : 'not XML'}, not a COS <UploadResult>: ${snippet(xml)}`);
  }
  if (!isPlainObject(root)) throw malformed('UploadResult is empty');
  const original = child(root, 'UploadResult', 'OriginalInfo');
  if (!original) throw malformed('UploadResult/OriginalInfo is missing');
  const path = 'UploadResult/OriginalInfo';
  const originalInfo: OriginalInfo = { key: text(original, path, 'Key', true, true), location: text(original, path, 'Location', true, true) };
  const etag = text(original, path, 'ETag', false, true);
  if (etag !== undefined) originalInfo.etag = etag;
  const info = child(original, path, 'ImageInfo');
  if (info) originalInfo.imageInfo = imageInfoOf(info, `${path}/ImageInfo`);
  const results = child(root, 'UploadResult', 'ProcessResults');
  const objects = (results?.Object ?? []) as unknown[];
  const processResults = objects.map((o, i) => {
    const at = `UploadResult/ProcessResults/Object[${i}]`;
    if (!isPlainObject(o)) throw malformed(`${at} should contain elements, found ${show(o)}`);
    return processedOf(o, at);
  });
  return { originalInfo, processResults };
}

// ---------------------------------------------------------------------------------------------------------------
// UploadResult writer (for a local COS-compatible server)
// ---------------------------------------------------------------------------------------------------------------

// XML 1.0 Char: TAB, LF, CR and U+0020 and above (surrogates only in pairs, which JS strings carry as such).
const XML_BAD_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

/**
 * Writes an {@link UploadResult} as the XML body COS sends (https://www.tencentcloud.com/document/product/1045/33695):
 * the doc's element names and order, indented like the doc's example, text escaped (`"` as `&quot;`, so an ETag reads
 * `&quot;…&quot;` as in the doc). Optional fields that are `undefined` are left out, and so is `<ProcessResults>` when
 * there are no results. `parseUploadResult(uploadResultToXml(r))` deep-equals `r`.
 *
 * @throws AdvcompressError `INVALID_OPTION` naming the field when a required field is missing, a number is not a
 *   safe integer, or a string holds a character XML 1.0 cannot carry.
 * @example
 *   res.writeHead(200, { 'Content-Type': 'application/xml' }).end(uploadResultToXml({
 *     originalInfo: { key: 'photo.jpg', location: `${host}/photo.jpg`, etag: '"9b2cf535f27731c974343645a3985328"' },
 *     processResults: [{ key: 'photo.heic', location: `${host}/photo.heic`, format: 'heif', width: 1920, height: 1280,
 *       size: 285311, quality: 85 }],
 *   }));
 */
export function uploadResultToXml(result: UploadResult): string {
  const bad = (field: string, what: string) => new AdvcompressError('INVALID_OPTION', `uploadResultToXml: ${field} ${what}`);
  const lines: string[] = ['<UploadResult>'];
  const str = (depth: number, name: string, v: unknown, field: string, required: boolean) => {
    if (v === undefined && !required) return;
    if (typeof v !== 'string' || v === '') throw bad(field, `must be a non-empty string, got ${show(v)}`);
    const m = XML_BAD_CHAR.exec(v);
    if (m) throw bad(field, `contains U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}, which XML 1.0 cannot carry`);
    const esc = v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    lines.push(`${'  '.repeat(depth)}<${name}>${esc}</${name}>`);
  };
  const num = (depth: number, name: string, v: unknown, field: string, required: boolean) => {
    if (v === undefined && !required) return;
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw bad(field, `must be an integer, got ${show(v)}`);
    lines.push(`${'  '.repeat(depth)}<${name}>${v}</${name}>`);
  };
  if (!isPlainObject(result)) throw bad('result', `must be an UploadResult object, got ${show(result)}`);
  const o = result.originalInfo as OriginalInfo;
  if (!isPlainObject(o)) throw bad('originalInfo', `is required, got ${show(o)}`);
  lines.push('  <OriginalInfo>');
  str(2, 'Key', o.key, 'originalInfo.key', true);
  str(2, 'Location', o.location, 'originalInfo.location', true);
  str(2, 'ETag', o.etag, 'originalInfo.etag', false);
  if (o.imageInfo !== undefined) {
    const i = o.imageInfo;
    if (!isPlainObject(i)) throw bad('originalInfo.imageInfo', `must be an object, got ${show(i)}`);
    lines.push('    <ImageInfo>');
    str(3, 'Format', i.format, 'originalInfo.imageInfo.format', true);
    num(3, 'Width', i.width, 'originalInfo.imageInfo.width', true);
    num(3, 'Height', i.height, 'originalInfo.imageInfo.height', true);
    num(3, 'Quality', i.quality, 'originalInfo.imageInfo.quality', true);
    str(3, 'Ave', i.ave, 'originalInfo.imageInfo.ave', true);
    num(3, 'Orientation', i.orientation, 'originalInfo.imageInfo.orientation', true);
    num(3, 'FrameCount', i.frameCount, 'originalInfo.imageInfo.frameCount', false);
    lines.push('    </ImageInfo>');
  }
  lines.push('  </OriginalInfo>');
  const list = result.processResults ?? [];
  if (!Array.isArray(list)) throw bad('processResults', `must be an array, got ${show(list)}`);
  if (list.length > 0) {
    lines.push('  <ProcessResults>');
    list.forEach((p: ProcessedObject, k: number) => {
      const at = `processResults[${k}]`;
      if (!isPlainObject(p)) throw bad(at, `must be an object, got ${show(p)}`);
      lines.push('    <Object>');
      str(3, 'Key', p.key, `${at}.key`, true);
      str(3, 'Location', p.location, `${at}.location`, true);
      str(3, 'Format', p.format, `${at}.format`, true);
      num(3, 'Width', p.width, `${at}.width`, true);
      num(3, 'Height', p.height, `${at}.height`, true);
      num(3, 'Size', p.size, `${at}.size`, true);
      num(3, 'Quality', p.quality, `${at}.quality`, true);
      str(3, 'ETag', p.etag, `${at}.etag`, false);
      num(3, 'FrameCount', p.frameCount, `${at}.frameCount`, false);
      num(3, 'WatermarkStatus', p.watermarkStatus, `${at}.watermarkStatus`, false);
      lines.push('    </Object>');
    });
    lines.push('  </ProcessResults>');
  }
  lines.push('</UploadResult>');
  return lines.join('\n');
}
