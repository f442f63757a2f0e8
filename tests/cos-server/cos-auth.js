// COS XML "Request Signature" (q-sign-algorithm=sha1), server side: parse the Authorization value, rebuild the
// HttpString from the request as the doc says, and recompute the signature.
// Doc: https://www.tencentcloud.com/document/product/436/7778 (steps 1–8, "Using a Signature", "Using a Temporary
// Credential"). The doc's two worked examples are checked in server.test.js (SHA1(HttpString) values).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The fields of an Authorization value, in the doc's order (step 8). */
export const AUTH_FIELDS = ['q-sign-algorithm', 'q-ak', 'q-sign-time', 'q-key-time', 'q-header-list', 'q-url-param-list', 'q-signature'];

/**
 * UrlEncode as the doc defines it: UTF-8, and every printable ASCII character other than letters, digits and
 * `-_.~` percent-encoded (the doc's table lists space ! " # $ % & ' ( ) * + , / : ; < = > ? @ [ \ ] ^ ` { | }), hex in
 * upper case. encodeURIComponent leaves `! ' ( ) *` alone, so those are added here.
 */
export function cosUrlEncode(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const hmacSha1 = (key, msg) => createHmac('sha1', key).update(msg, 'utf8').digest('hex');
const sha1 = (msg) => createHash('sha1').update(msg, 'utf8').digest('hex');

/**
 * Parses `q-sign-algorithm=sha1&q-ak=…&…&q-signature=…` (from the Authorization header, or the same fields taken
 * from the query string). Returns the fields, or a string saying what is wrong.
 */
export function parseAuthorization(value) {
  if (typeof value !== 'string' || value === '') return 'no signature';
  const f = {};
  for (const part of value.split('&')) {
    const eq = part.indexOf('=');
    const k = (eq < 0 ? part : part.slice(0, eq)).trim();
    if (k) f[k] = eq < 0 ? '' : part.slice(eq + 1);
  }
  return checkFields(f);
}

/** Validates the seven fields (whatever their source). */
export function checkFields(f) {
  for (const k of AUTH_FIELDS) if (f[k] === undefined) return `the signature has no ${k}`;
  if (f['q-sign-algorithm'].toLowerCase() !== 'sha1') return `q-sign-algorithm ${JSON.stringify(f['q-sign-algorithm'])}: only sha1 is defined`;
  if (!f['q-ak']) return 'q-ak is empty';
  for (const k of ['q-sign-time', 'q-key-time']) {
    if (!/^\d{1,12};\d{1,12}$/.test(f[k])) return `${k} ${JSON.stringify(f[k])} is not <start>;<end> in Unix seconds`;
    const [a, b] = f[k].split(';').map(Number);
    if (a > b) return `${k} ${f[k]} ends before it starts`;
  }
  if (!/^[0-9a-fA-F]{40}$/.test(f['q-signature'])) return 'q-signature is not 40 hex digits (HMAC-SHA1)';
  return {
    algorithm: 'sha1',
    ak: f['q-ak'],
    signTime: f['q-sign-time'],
    keyTime: f['q-key-time'],
    headerList: f['q-header-list'] === '' ? [] : f['q-header-list'].split(';'),
    paramList: f['q-url-param-list'] === '' ? [] : f['q-url-param-list'].split(';'),
    signature: f['q-signature'].toLowerCase(),
  };
}

/** `[start, end]` of a `start;end` time field, in seconds. */
export const timeRange = (t) => t.split(';').map(Number);

/**
 * Step 3/4: `key1=value1&key2=value2` over the names in `list` (already UrlEncoded and lower-cased, as sent in
 * q-header-list / q-url-param-list), sorted; values taken from `values` (a Map of UrlEncoded-lower-cased name →
 * raw value; a name absent from the request counts as an empty value, as the doc does for `?acl`).
 */
function pairs(list, values) {
  return [...list].sort().map((k) => `${k}=${cosUrlEncode(values.get(k) ?? '')}`).join('&');
}

/**
 * Steps 3–6 for a received request: HttpString and StringToSign.
 * @param method HTTP method (any case).
 * @param pathname the request path, percent-decoded (the doc's UriPathname: `/exampleobject(腾讯云)`).
 * @param query array of [name, value] pairs, percent-decoded.
 * @param headers object of lower-case header name → value (Node's `req.headers`).
 * @param auth the parsed Authorization (its headerList / paramList say what was signed).
 */
export function stringToSign({ method, pathname, query, headers, auth }) {
  const params = new Map();
  for (const [k, v] of query) params.set(cosUrlEncode(k).toLowerCase(), v);
  const hdrs = new Map();
  for (const [k, v] of Object.entries(headers)) hdrs.set(cosUrlEncode(k).toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v));
  const httpString = `${method.toLowerCase()}\n${pathname}\n${pairs(auth.paramList, params)}\n${pairs(auth.headerList, hdrs)}\n`;
  return { httpString, stringToSign: `sha1\n${auth.signTime}\n${sha1(httpString)}\n` };
}

/** Steps 2 and 7: the signature of `stringToSign` with `secretKey` over `keyTime`. */
export function signature(secretKey, keyTime, toSign) {
  return hmacSha1(hmacSha1(secretKey, keyTime), toSign);
}

/** Constant-time comparison of two lower-case hex signatures. */
export function sameSignature(a, b) {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Client side, for tests and tools: a complete Authorization value (the doc's step 8) for a request, signing the
 * given headers and query parameters. The official SDKs do the same (`COS.getAuthorization`).
 */
export function authorize({ secretId, secretKey, method, pathname, query = [], headers = {}, start, end }) {
  const keyTime = `${start};${end}`;
  const headerNames = Object.keys(headers).map((k) => cosUrlEncode(k).toLowerCase()).sort();
  const paramNames = query.map(([k]) => cosUrlEncode(k).toLowerCase()).sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const auth = { signTime: keyTime, keyTime, headerList: headerNames, paramList: paramNames };
  const { stringToSign: s } = stringToSign({ method, pathname, query, headers: lower, auth });
  return [
    'q-sign-algorithm=sha1', `q-ak=${secretId}`, `q-sign-time=${keyTime}`, `q-key-time=${keyTime}`,
    `q-header-list=${headerNames.join(';')}`, `q-url-param-list=${paramNames.join(';')}`,
    `q-signature=${signature(secretKey, keyTime, s)}`,
  ].join('&');
}
