// Upload of a converted file to Tencent COS with the official browser SDK (cos-js-sdk-v5, loaded only when the
// visitor uploads), temporary credentials only (from an STS URL, or pasted for a test), an optional Pic-Operations
// header, progress, and retries of network/5xx failures. The SDK parses COS's XML answer into an object; we
// turn it back into the documented UploadResult and type it with the package's parseUploadResult.
// SPDX-License-Identifier: MIT

const esc = (s) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
function toXml(name, v) {
  if (Array.isArray(v)) return v.map((x) => toXml(name, x)).join('');
  if (v && typeof v === 'object')
    return `<${name}>${Object.entries(v).map(([k, x]) => toXml(k, x)).join('')}</${name}>`;
  return `<${name}>${esc(String(v ?? ''))}</${name}>`;
}

/** Temporary credentials for the SDK's getAuthorization: from `sts` (GET, JSON as COS STS answers) or pasted. */
async function credentialsFrom(sts, pasted) {
  if (pasted) {
    if (!pasted.tmpSecretId || !pasted.tmpSecretKey || !pasted.sessionToken)
      throw Object.assign(new Error('paste all three: TmpSecretId, TmpSecretKey and SessionToken'), { code: 'INVALID_OPTION' });
    const now = Math.floor(Date.now() / 1000);
    return { TmpSecretId: pasted.tmpSecretId, TmpSecretKey: pasted.tmpSecretKey, SecurityToken: pasted.sessionToken,
      StartTime: now - 30, ExpiredTime: now + 900 };
  }
  if (!sts) throw Object.assign(new Error('give an STS URL or paste temporary credentials'), { code: 'INVALID_OPTION' });
  const res = await fetch(sts);
  if (!res.ok) throw Object.assign(new Error(`STS ${sts} answered ${res.status}`), { code: 'UPLOAD_FAILED' });
  const j = await res.json();
  const c = j.credentials ?? j.Credentials ?? j;
  return { TmpSecretId: c.tmpSecretId ?? c.TmpSecretId, TmpSecretKey: c.tmpSecretKey ?? c.TmpSecretKey,
    SecurityToken: c.sessionToken ?? c.SessionToken ?? c.Token ?? c.SecurityToken,
    StartTime: j.startTime ?? j.StartTime, ExpiredTime: j.expiredTime ?? j.ExpiredTime };
}

/**
 * Uploads `body` to `bucket`/`key` and returns the typed UploadResult.
 * @param {{bucket: string, region: string, key: string, body: Blob, picOperations?: string, sts?: string,
 *   endpoint?: string, credentials?: {tmpSecretId: string, tmpSecretKey: string, sessionToken: string},
 *   onProgress?: (fraction: number) => void, retries?: number}} o
 * @param {(xml: string) => object} parseUploadResult the package's parser
 */
export async function upload(o, parseUploadResult) {
  const { default: COS } = await import('cos-js-sdk-v5');
  const options = {
    getAuthorization: (_opts, done) => {
      credentialsFrom(o.sts, o.credentials).then(done, (e) => done({ error: e }));
    },
  };
  if (o.endpoint) {  // a COS-compatible server (e.g. `npm run demo`'s local bucket): protocol + host[:port]
    const u = new URL(o.endpoint);
    options.Protocol = u.protocol;
    options.Domain = u.host + u.pathname.replace(/\/$/, '');
  }
  const cos = new COS(options);
  const headers = o.picOperations ? { 'Pic-Operations': o.picOperations } : undefined;
  const attempts = 1 + (o.retries ?? 2);
  for (let attempt = 1; ; attempt++) {
    try {
      const data = await new Promise((resolve, reject) => cos.putObject({
        Bucket: o.bucket, Region: o.region, Key: o.key, Body: o.body, Headers: headers,
        onProgress: (p) => o.onProgress?.(p.total ? p.loaded / p.total : 0),
      }, (err, d) => (err ? reject(err) : resolve(d))));
      const result = data.UploadResult ?? { OriginalInfo: { Key: o.key, Location: data.Location } };
      return parseUploadResult(toXml('UploadResult', result));
    } catch (err) {
      const status = err.statusCode ?? 0;
      const transient = status === 0 || status >= 500;
      if (!transient || attempt >= attempts || err.code === 'INVALID_OPTION' || err.code === 'UPLOAD_FAILED') {
        const cosCode = err.code ?? err.error?.Code;
        throw Object.assign(new Error(err.message ?? err.error?.Message ?? String(err)),
          { code: cosCode ?? 'UPLOAD_FAILED', statusCode: status });
      }
      await new Promise((r) => setTimeout(r, 500 * 2 ** (attempt - 1)));
    }
  }
}
