// Temporary credentials for the local COS server: what a real app's STS endpoint hands to the browser
// (https://www.tencentcloud.com/document/product/436/14048, "Generating and Using Temporary Keys"), made stateless
// here: the session token carries the credential's id and validity and is MACed with the server's `stsSecret`, and
// the temporary SecretKey is derived from the token with the same secret. So the server keeps no table, a restart
// with the same `stsSecret` keeps issued credentials valid, and the permanent SecretKey is never involved.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefix of temporary SecretIds issued here (real ones start with AKID too). */
export const TMP_ID_PREFIX = 'AKIDTMP';

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const mac = (secret, label, payload) => b64url(createHmac('sha256', secret).update(`${label}\n${payload}`).digest());

/**
 * Issues a credential valid from `startTime` to `expiredTime` (Unix seconds).
 * @returns the fields in the shape of the COS STS SDKs' answer (qcloud-cos-sts: `credentials.{tmpSecretId,
 *   tmpSecretKey, sessionToken}`, `startTime`, `expiredTime`, `expiration`), which is what cos-js-sdk-v5's README
 *   maps onto its `getAuthorization` callback (`TmpSecretId`, `TmpSecretKey`, `SecurityToken`, `StartTime`,
 *   `ExpiredTime`).
 */
export function issueCredential(stsSecret, startTime, expiredTime) {
  const tmpSecretId = `${TMP_ID_PREFIX}${randomBytes(16).toString('hex')}`;
  const payload = b64url(JSON.stringify({ v: 1, id: tmpSecretId, st: startTime, ex: expiredTime }));
  return {
    credentials: {
      tmpSecretId,
      tmpSecretKey: mac(stsSecret, 'advcompress-cos-sts-key', payload),
      sessionToken: `${payload}.${mac(stsSecret, 'advcompress-cos-sts-token', payload)}`,
    },
    startTime,
    expiredTime,
    expiration: new Date(expiredTime * 1000).toISOString(),
  };
}

/**
 * Checks a session token against the SecretId it came with.
 * @returns `{ ok: true, secretKey, startTime, expiredTime }`, or `{ ok: false, why }` when the token is not one this
 *   server issued (bad format or MAC) or belongs to another SecretId. Expiry is left to the caller.
 */
export function openToken(stsSecret, secretId, token) {
  const dot = token.indexOf('.');
  if (dot <= 0) return { ok: false, why: 'x-cos-security-token is not a token this server issued' };
  const payload = token.slice(0, dot);
  const expect = mac(stsSecret, 'advcompress-cos-sts-token', payload);
  const got = Buffer.from(token.slice(dot + 1));
  if (got.length !== expect.length || !timingSafeEqual(got, Buffer.from(expect))) return { ok: false, why: 'x-cos-security-token is not a token this server issued (or was altered)' };
  let body;
  try { body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')); } catch { return { ok: false, why: 'x-cos-security-token is malformed' }; }
  if (body.id !== secretId) return { ok: false, why: 'x-cos-security-token belongs to another SecretId' };
  return { ok: true, secretKey: mac(stsSecret, 'advcompress-cos-sts-key', payload), startTime: body.st, expiredTime: body.ex };
}
