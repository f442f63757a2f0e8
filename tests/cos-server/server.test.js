// Tests of the local COS-compatible server (node --test tests/cos-server/). The clients are Tencent's own SDKs —
// cos-nodejs-sdk-v5 here, cos-js-sdk-v5 in Debian's Chromium at the end — so the signatures, the STS callback and
// the Pic-Operations header are produced by code that is not ours. Reading back uses the package's
// parseUploadResult, Debian's heif-convert and ImageMagick.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseUploadResult } from '../../dist/pic-operations.js';
import { authorize, cosUrlEncode, parseAuthorization, signature, stringToSign } from './cos-auth.js';
import { startCosServer, STAGING_DIR } from './server.js';

const require = createRequire(import.meta.url);
const COS = require('cos-nodejs-sdk-v5');

const HERE = fileURLToPath(new URL('.', import.meta.url));
const PHOTO = '/usr/share/backgrounds/mate/nature/Storm.jpg';   // 1920x1280 JPEG (mate-backgrounds)
const photo = readFileSync(PHOTO);
const md5 = (b) => createHash('md5').update(b).digest('hex');
const tmp = mkdtempSync(join(tmpdir(), 'cos-server-test-'));

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Every file under `dir` (relative paths), the staging folder included, so a leftover there shows up too. */
function files(dir) {
  const out = [];
  const walk = (d, rel) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(d, e.name), r); else out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** The SDK's callback API as a promise of { err, data }. */
const call = (cos, method, params) => new Promise((ok) => cos[method](params, (err, data) => ok({ err, data })));

/** cos-js-sdk-v5 / cos-nodejs-sdk-v5 getAuthorization that fetches /sts, mapped as the SDK README does. */
const stsAuthorization = (stsUrl, tamper = (c) => c) => (options, callback) => {
  fetch(stsUrl).then((r) => r.json()).then((data) => {
    const c = data.credentials;
    callback(tamper({ TmpSecretId: c.tmpSecretId, TmpSecretKey: c.tmpSecretKey, SecurityToken: c.sessionToken,
      StartTime: data.startTime, ExpiredTime: data.expiredTime }));
  });
};

let server;
let skewMs = 0;            // the server's clock = real time + skewMs
let sdkOptions;            // what points cos-nodejs-sdk-v5 at the server

before(async () => {
  server = await startCosServer({ root: join(tmp, 'bucket'), bucket: 'examplebucket', appId: '1250000000', region: 'ap-guangzhou', now: () => Date.now() + skewMs });
  sdkOptions = { Domain: server.host, Protocol: 'http:' };
});
after(async () => { await server?.close(); rmSync(tmp, { recursive: true, force: true }); });

const Bucket = 'examplebucket-1250000000';
const Region = 'ap-guangzhou';
const stsCos = () => new COS({ ...sdkOptions, getAuthorization: stsAuthorization(server.stsUrl) });

describe('request signature (https://www.tencentcloud.com/document/product/436/7778)', () => {
  test('rebuilds the HttpString of the doc\'s two worked examples (their SHA1 values match)', () => {
    const put = stringToSign({
      method: 'PUT', pathname: '/exampleobject(腾讯云)', query: [],
      headers: { date: 'Thu, 16 May 2019 06:45:51 GMT', host: 'examplebucket-1250000000.cos.ap-beijing.myqcloud.com', 'content-type': 'text/plain',
        'content-length': '13', 'content-md5': 'mQ/fVh815F3k6TAUm8m0eg==', 'x-cos-acl': 'private', 'x-cos-grant-read': 'uin="100000000011"' },
      auth: { signTime: '1557989151;1557996351', headerList: 'content-length;content-md5;content-type;date;host;x-cos-acl;x-cos-grant-read'.split(';'), paramList: [] },
    });
    assert.equal(put.stringToSign, 'sha1\n1557989151;1557996351\n8b2751e77f43a0995d6e9eb9477f4b685cca4172\n');
    const get = stringToSign({
      method: 'GET', pathname: '/exampleobject(腾讯云)',
      query: [['response-content-type', 'application/octet-stream'], ['response-cache-control', 'max-age=600']],
      headers: { date: 'Thu, 16 May 2019 06:55:53 GMT', host: 'examplebucket-1250000000.cos.ap-beijing.myqcloud.com' },
      auth: { signTime: '1557989753;1557996953', headerList: ['date', 'host'], paramList: ['response-cache-control', 'response-content-type'] },
    });
    assert.equal(get.httpString, 'get\n/exampleobject(腾讯云)\nresponse-cache-control=max-age%3D600&response-content-type=application%2Foctet-stream\ndate=Thu%2C%2016%20May%202019%2006%3A55%3A53%20GMT&host=examplebucket-1250000000.cos.ap-beijing.myqcloud.com\n');
    assert.equal(get.stringToSign, 'sha1\n1557989753;1557996953\n54ecfe22f59d3514fdc764b87a32d8133ea611e6\n');
  });

  test('UrlEncode encodes the doc\'s table of characters, and nothing of A-Z a-z 0-9 - _ . ~', () => {
    assert.equal(cosUrlEncode(' !"#$%&\'()*+,/:;<=>?@[\\]^`{|}'), '%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E%60%7B%7C%7D');
    assert.equal(cosUrlEncode('AZaz09-_.~'), 'AZaz09-_.~');
    assert.equal(cosUrlEncode('腾'), '%E8%85%BE');
  });

  test('agrees with the SDK\'s own signer (COS.getAuthorization) on the same request', () => {
    const start = 1700000000;
    const headers = { Host: 'examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com', 'Content-Length': '5', 'Pic-Operations': '{"rules":[]}', 'x-cos-meta-a': 'b c' };
    const query = [['versionId', 'x/y'], ['acl', '']];
    const ours = parseAuthorization(authorize({ secretId: 'AKIDx', secretKey: 'key', method: 'PUT', pathname: '/a b/c(d).jpg', query, headers, start, end: start + 900 }));
    const theirs = parseAuthorization(COS.getAuthorization({ SecretId: 'AKIDx', SecretKey: 'key', Method: 'PUT', Pathname: '/a b/c(d).jpg',
      Query: Object.fromEntries(query), Headers: headers, KeyTime: `${start};${start + 900}` }));
    assert.deepEqual(ours, theirs);
    assert.equal(signature('key', `${start};${start + 900}`, 'x'), signature('key', `${start};${start + 900}`, 'x'));
  });
});

describe('PUT Object with Pic-Operations, through cos-nodejs-sdk-v5 and /sts', () => {
  test('stores the photo and its HEIC, answers the documented UploadResult with real sizes', async () => {
    const cos = stsCos();
    const header = '{"is_pic_info":1,"rules":[{"fileid":"photo.heic","rule":"imageMogr2/format/heif"}]}';
    // cos.request is the SDK's generic call (same signing as putObject); RawBody keeps the XML for parseUploadResult.
    const upload = call(cos, 'request', { Method: 'PUT', Bucket, Region, Key: 'photos/Storm.jpg', Body: photo, RawBody: true,
      Headers: { 'Content-Type': 'image/jpeg', 'Pic-Operations': header } });
    let uploadDone = false;
    upload.then(() => { uploadDone = true; });
    // The HEIC encode runs in a worker thread: the server keeps answering meanwhile.
    await new Promise((r) => setTimeout(r, 300));
    const sts = await fetch(server.stsUrl);
    assert.equal(sts.status, 200);
    assert.equal(uploadDone, false, 'the HEIC encode should take longer than an STS request');

    const { err, data } = await upload;
    assert.equal(err, null, err?.message);
    assert.equal(data.statusCode, 200);
    const r = parseUploadResult(data.Body.toString('utf8'));
    assert.equal(r.originalInfo.key, 'photos/Storm.jpg');
    assert.equal(r.originalInfo.location, `${server.host}/photos/Storm.jpg`);
    assert.equal(r.originalInfo.etag, `"${md5(photo)}"`);
    const info = r.originalInfo.imageInfo;
    assert.deepEqual({ ...info, ave: undefined }, { format: 'JPEG', width: 1920, height: 1280, quality: 98, ave: undefined, orientation: 1, frameCount: 1 });
    // Ave: the average colour; ImageMagick's channel means of the same JPEG, independently.
    const im = run('identify', ['-format', '%[fx:round(255*mean.r)] %[fx:round(255*mean.g)] %[fx:round(255*mean.b)]', PHOTO]).trim().split(' ').map(Number);
    const ave = [1, 3, 5].map((i) => parseInt(info.ave.slice(i + 1, i + 3), 16));
    assert.match(info.ave, /^0x[0-9a-f]{6}$/);
    ave.forEach((v, i) => assert.ok(Math.abs(v - im[i]) <= 1, `Ave ${info.ave} vs ImageMagick mean ${im}`));

    assert.equal(r.processResults.length, 1);
    const heic = r.processResults[0];
    const stored = readFileSync(join(server.root, 'photos', 'photo.heic'));
    assert.deepEqual({ ...heic }, { key: 'photos/photo.heic', location: `${server.host}/photos/photo.heic`, format: 'heif',
      width: 1920, height: 1280, size: stored.length, quality: 50, etag: `"${md5(stored)}"`, frameCount: 1 });
    assert.ok(stored.length < photo.length / 4, `HEIC ${stored.length} bytes vs JPEG ${photo.length}`);
    // The original is stored byte for byte; the HEIC decodes with Debian's libheif, at 1920x1280.
    assert.ok(readFileSync(join(server.root, 'photos', 'Storm.jpg')).equals(photo));
    const png = join(tmp, 'photo.png');
    run('heif-convert', [join(server.root, 'photos', 'photo.heic'), png]);
    assert.equal(run('identify', ['-format', '%w %h', png]).trim(), '1920 1280');
    assert.deepEqual(readdirSync(join(server.root, STAGING_DIR)), []);
  });

  test('GET and HEAD return the stored bytes with the ETag (quoted MD5), anonymously and through the SDK', async () => {
    const url = `${server.url}/photos/Storm.jpg`;
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('etag'), `"${md5(photo)}"`);
    assert.equal(res.headers.get('content-type'), 'image/jpeg');
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(photo));
    const head = await fetch(url, { method: 'HEAD' });
    assert.equal(head.headers.get('content-length'), String(photo.length));
    assert.equal(head.headers.get('etag'), `"${md5(photo)}"`);
    assert.equal((await fetch(url, { headers: { 'If-None-Match': `"${md5(photo)}"` } })).status, 304);

    const { err, data } = await call(stsCos(), 'getObject', { Bucket, Region, Key: 'photos/photo.heic' });
    assert.equal(err, null, err?.message);
    const stored = readFileSync(join(server.root, 'photos', 'photo.heic'));
    assert.ok(data.Body.equals(stored));
    assert.equal(data.ETag, `"${md5(stored)}"`);
    assert.equal(data.headers['content-type'], 'image/heic');

    const missing = await fetch(`${server.url}/photos/nothing.jpg`);
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /<Code>NoSuchKey<\/Code>/);
  });

  test('putObject: the SDK\'s own XML parser reads the UploadResult (absolute fileid, WebP thumbnail)', async () => {
    const { err, data } = await call(stsCos(), 'putObject', { Bucket, Region, Key: 'photos/small.jpg', Body: photo,
      Headers: { 'Pic-Operations': JSON.stringify({ rules: [{ fileid: '/thumbs/small.webp', rule: 'imageMogr2/thumbnail/320x/format/webp' }] }) } });
    assert.equal(err, null, err?.message);
    assert.equal(data.ETag, `"${md5(photo)}"`);
    const o = data.UploadResult.ProcessResults.Object;
    assert.equal(data.UploadResult.OriginalInfo.ImageInfo, undefined);    // is_pic_info absent
    assert.deepEqual([o.Key, o.Format, o.Width, o.Height, o.Quality], ['thumbs/small.webp', 'webp', '320', '213', '75']);
    assert.equal(Number(o.Size), statSync(join(server.root, 'thumbs', 'small.webp')).size);
    const png = join(tmp, 'small.png');
    run('dwebp', [join(server.root, 'thumbs', 'small.webp'), '-o', png]);
    assert.equal(run('identify', ['-format', '%w %h', png]).trim(), '320 213');
  });
});

describe('refusals: COS error codes, and nothing written', () => {
  const expectRefused = async (cos, params, status, code, message) => {
    const before = files(server.root);
    const { err } = await call(cos, 'putObject', { Bucket, Region, Body: photo, ...params });
    assert.ok(err, 'the upload should be refused');
    assert.equal(err.statusCode, status, err.message);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    assert.ok(err.headers['x-cos-request-id']);
    assert.equal(err.headers['access-control-allow-origin'], '*');          // CORS headers on errors too
    assert.match(err.headers['access-control-expose-headers'], /ETag/);
    assert.deepEqual(files(server.root), before, 'nothing may be written');
    return err;
  };

  test('a wrong SecretKey (permanent or temporary) -> 403 SignatureDoesNotMatch', async () => {
    await expectRefused(new COS({ ...sdkOptions, SecretId: server.secretId, SecretKey: 'not-the-key' }), { Key: 'refused/a.jpg' }, 403, 'SignatureDoesNotMatch');
    const tampered = new COS({ ...sdkOptions, getAuthorization: stsAuthorization(server.stsUrl, (c) => ({ ...c, TmpSecretKey: `${c.TmpSecretKey}x` })) });
    const err = await expectRefused(tampered, { Key: 'refused/b.jpg' }, 403, 'SignatureDoesNotMatch');
    assert.match(err.error.StringToSign, /^sha1\n\d+;\d+\n[0-9a-f]{40}\n$/);   // shown to help debugging, as S3 does
  });

  test('the permanent key signs too (when no session token is configured)', async () => {
    const { err } = await call(new COS({ ...sdkOptions, SecretId: server.secretId, SecretKey: server.secretKey }), 'putObject',
      { Bucket, Region, Key: 'permanent.txt', Body: Buffer.from('ok') });
    assert.equal(err, null, err?.message);
  });

  test('an unknown SecretId -> 403 InvalidAccessKeyId', async () => {
    await expectRefused(new COS({ ...sdkOptions, SecretId: 'AKIDnobody', SecretKey: 'x' }), { Key: 'refused/c.jpg' }, 403, 'InvalidAccessKeyId');
  });

  test('an expired temporary credential -> 403 AccessDenied "Request has expired"', async () => {
    const data = await (await fetch(`${server.stsUrl}?durationSeconds=900`)).json();
    assert.equal(data.expiredTime - data.startTime, 900);
    const c = data.credentials;
    // getAuthorization hands the SDK the credential fetched above (a page that cached it would do the same).
    const cos = new COS({ ...sdkOptions, getAuthorization: (options, callback) => callback({ TmpSecretId: c.tmpSecretId,
      TmpSecretKey: c.tmpSecretKey, SecurityToken: c.sessionToken, StartTime: data.startTime, ExpiredTime: data.expiredTime }) });
    skewMs = 901 * 1000;        // the server's clock moves past expiredTime
    try {
      await expectRefused(cos, { Key: 'refused/d.jpg' }, 403, 'AccessDenied', /Request has expired/);
      // A request whose own signature is still valid, made with a credential that has expired: refused as well.
      const t = Math.floor((Date.now() + skewMs) / 1000);
      const res = await fetch(`${server.url}/refused/e.txt`, { method: 'PUT', body: 'x', headers: {
        Authorization: authorize({ secretId: c.tmpSecretId, secretKey: c.tmpSecretKey, method: 'PUT', pathname: '/refused/e.txt', start: t - 1, end: t + 600 }),
        'x-cos-security-token': c.sessionToken } });
      assert.equal(res.status, 403);
      assert.match(await res.text(), /<Code>AccessDenied<\/Code>\s*<Message>The temporary credential expired/);
    } finally { skewMs = 0; }
    assert.ok(!existsSync(join(server.root, 'refused')));
  });

  test('a signature that starts in the future -> 403 RequestTimeTooSkewed', async () => {
    const t = Math.floor(Date.now() / 1000) + 3600;
    const res = await fetch(`${server.url}/refused/f.txt`, { method: 'PUT', body: 'x', headers: {
      Authorization: authorize({ secretId: server.secretId, secretKey: server.secretKey, method: 'PUT', pathname: '/refused/f.txt', start: t, end: t + 600 }) } });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /<Code>RequestTimeTooSkewed<\/Code>/);
  });

  test('a temporary credential without its x-cos-security-token, or with another one -> 403 InvalidAccessKeyId', async () => {
    const a = (await (await fetch(server.stsUrl)).json()).credentials;
    const b = (await (await fetch(server.stsUrl)).json()).credentials;
    await expectRefused(new COS({ ...sdkOptions, SecretId: a.tmpSecretId, SecretKey: a.tmpSecretKey }), { Key: 'refused/g.jpg' }, 403, 'InvalidAccessKeyId', /x-cos-security-token/);
    await expectRefused(new COS({ ...sdkOptions, SecretId: a.tmpSecretId, SecretKey: a.tmpSecretKey, SecurityToken: b.sessionToken }), { Key: 'refused/h.jpg' }, 403, 'InvalidAccessKeyId', /another SecretId/);
    const forged = `${a.sessionToken.split('.')[0]}.${'A'.repeat(43)}`;
    await expectRefused(new COS({ ...sdkOptions, SecretId: a.tmpSecretId, SecretKey: a.tmpSecretKey, SecurityToken: forged }), { Key: 'refused/i.jpg' }, 403, 'InvalidAccessKeyId');
    const { err } = await call(new COS({ ...sdkOptions, SecretId: a.tmpSecretId, SecretKey: a.tmpSecretKey, SecurityToken: a.sessionToken }), 'putObject',
      { Bucket, Region, Key: 'pasted-credentials.txt', Body: Buffer.from('ok') });
    assert.equal(err, null, err?.message);   // the same credential with its token is accepted
  });

  test('an anonymous PUT -> 403 AccessDenied', async () => {
    const res = await fetch(`${server.url}/refused/j.txt`, { method: 'PUT', body: 'x' });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /<Code>AccessDenied<\/Code>/);
  });

  test('6 rules -> 400 InvalidArgument, and neither the original nor any output is stored', async () => {
    const rules = [1, 2, 3, 4, 5, 6].map((i) => ({ fileid: `out${i}.webp`, rule: 'imageMogr2/format/webp' }));
    await expectRefused(stsCos(), { Key: 'refused/six.jpg', Headers: { 'Pic-Operations': JSON.stringify({ is_pic_info: 1, rules }) } },
      400, 'InvalidArgument', /at most 5 rules/);
  });

  test('malformed Pic-Operations -> 400 InvalidArgument', async () => {
    for (const h of ['{"rules":', '{"is_pic_info":true}', '{"rules":[{"fileid":"dir/","rule":"imageMogr2/format/heif"}]}',
      '{"rules":[{"fileid":"x.heic","rule":"imageMogr2/format/heif","bucket":"other-1250000000"}]}', '{"rules":[{"fileid":"a//b.heic","rule":"imageMogr2/format/heif"}]}']) {
      await expectRefused(stsCos(), { Key: 'refused/m.jpg', Headers: { 'Pic-Operations': h } }, 400, 'InvalidArgument');
    }
  });

  test('a rule the converter refuses -> 400 InvalidArgument naming it; the valid rule and the original are not stored', async () => {
    const rules = [{ fileid: 'ok.webp', rule: 'imageMogr2/format/webp' }, { fileid: 'no.jpg', rule: 'imageMogr2/format/jpg' }];
    await expectRefused(stsCos(), { Key: 'refused/conv.jpg', Headers: { 'Pic-Operations': JSON.stringify({ rules }) } },
      400, 'InvalidArgument', /rules\[1\]\.rule "imageMogr2\/format\/jpg".*INVALID_RULE/);
    await expectRefused(stsCos(), { Key: 'refused/crop.jpg', Headers: { 'Pic-Operations': JSON.stringify({ rules: [{ fileid: 'c.heic', rule: 'imageMogr2/crop/300x300/format/heif' }] }) } },
      400, 'InvalidArgument', /INVALID_RULE/);
  });

  test('is_pic_info on something that is not an image -> 400 InvalidArgument, nothing stored', async () => {
    await expectRefused(stsCos(), { Key: 'refused/text.txt', Body: Buffer.from('not an image'), Headers: { 'Pic-Operations': '{"is_pic_info":1}' } },
      400, 'InvalidArgument', /UNSUPPORTED_FORMAT/);
  });

  test('a Content-MD5 that does not match -> 400 BadDigest', async () => {
    await expectRefused(stsCos(), { Key: 'refused/md5.jpg', Headers: { 'Content-MD5': createHash('md5').update('other').digest('base64') } }, 400, 'BadDigest');
  });

  test('an upload aborted half way leaves nothing, not even in the staging folder', async () => {
    const before = files(server.root);
    const c = (await (await fetch(server.stsUrl)).json()).credentials;
    const t = Math.floor(Date.now() / 1000);
    await new Promise((done) => {
      const req = http.request(`${server.url}/refused/aborted.jpg`, { method: 'PUT', headers: {
        'Content-Length': photo.length, 'x-cos-security-token': c.sessionToken,
        Authorization: authorize({ secretId: c.tmpSecretId, secretKey: c.tmpSecretKey, method: 'PUT', pathname: '/refused/aborted.jpg', start: t - 1, end: t + 600 }) } });
      req.on('error', () => done());
      req.on('response', () => done());
      req.write(photo.subarray(0, photo.length >> 1), () => setTimeout(() => { req.destroy(); done(); }, 100));
    });
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(files(server.root), before);
  });
});

describe('addressing, CORS, pre-signed URLs', () => {
  test('path style (/<bucket>/<key>) and virtual-host style (Host: <bucket>.cos.<region>.…) reach the same bucket', async () => {
    // Both SDKs have dropped path style (ForcePathStyle throws), so this request is signed by cos-auth.js.
    const t = Math.floor(Date.now() / 1000);
    const res = await fetch(`${server.url}/${Bucket}/styles/path.txt`, { method: 'PUT', body: 'path', headers: {
      Authorization: authorize({ secretId: server.secretId, secretKey: server.secretKey, method: 'PUT', pathname: `/${Bucket}/styles/path.txt`,
        headers: { host: server.host }, start: t - 1, end: t + 600 }) } });
    assert.equal(res.status, 200, await res.text());
    assert.equal(readFileSync(join(server.root, 'styles', 'path.txt'), 'utf8'), 'path');
    let r;
    // The SDK's Ip option sends to 127.0.0.1 with the virtual-host Host header (and signs that host).
    const vhost = new COS({ Domain: `{Bucket}.cos.{Region}.localhost:${server.port}`, Protocol: 'http:', Ip: server.host, getAuthorization: stsAuthorization(server.stsUrl) });
    r = await call(vhost, 'putObject', { Bucket, Region, Key: 'styles/vhost.txt', Body: Buffer.from('vhost') });
    assert.equal(r.err, null, r.err?.message);
    assert.equal(readFileSync(join(server.root, 'styles', 'vhost.txt'), 'utf8'), 'vhost');
    r = await call(vhost, 'getObject', { Bucket, Region, Key: 'styles/path.txt' });
    assert.equal(r.data.Body.toString(), 'path');
    r = await call(new COS({ Domain: `{Bucket}.cos.{Region}.localhost:${server.port}`, Protocol: 'http:', Ip: server.host, getAuthorization: stsAuthorization(server.stsUrl) }),
      'putObject', { Bucket: 'otherbucket-1250000000', Region, Key: 'x.txt', Body: Buffer.from('x') });
    assert.equal(r.err.code, 'NoSuchBucket');
  });

  test('OPTIONS preflight: allows the upload headers and exposes ETag; refuses other headers with AccessForbidden', async () => {
    const res = await fetch(`${server.url}/photos/x.jpg`, { method: 'OPTIONS', headers: {
      Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'PUT',
      'Access-Control-Request-Headers': 'authorization,content-type,content-md5,pic-operations,x-cos-security-token,x-cos-meta-md5' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:5173');
    assert.deepEqual(res.headers.get('access-control-allow-methods').split(', ').sort(), ['DELETE', 'GET', 'HEAD', 'POST', 'PUT']);
    assert.deepEqual(res.headers.get('access-control-allow-headers').split(', ').sort(),
      ['authorization', 'content-md5', 'content-type', 'pic-operations', 'x-cos-meta-md5', 'x-cos-security-token']);
    for (const h of ['ETag', 'x-cos-request-id']) assert.ok(res.headers.get('access-control-expose-headers').split(', ').includes(h));
    const refused = await fetch(`${server.url}/photos/x.jpg`, { method: 'OPTIONS', headers: {
      Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'x-evil' } });
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /<Code>AccessForbidden<\/Code>/);
  });

  test('a private bucket: anonymous GET is AccessDenied, a pre-signed URL (q-* query parameters) works', async () => {
    const priv = await startCosServer({ root: join(tmp, 'private'), publicRead: false });
    try {
      const cos = new COS({ Domain: priv.host, Protocol: 'http:', getAuthorization: stsAuthorization(priv.stsUrl) });
      assert.equal((await call(cos, 'putObject', { Bucket: priv.bucket, Region: priv.region, Key: 'p.txt', Body: Buffer.from('secret') })).err, null);
      assert.equal((await fetch(`${priv.url}/p.txt`)).status, 403);
      const { data } = await call(cos, 'getObjectUrl', { Bucket: priv.bucket, Region: priv.region, Key: 'p.txt', Sign: true });
      assert.match(data.Url, /q-signature=.*x-cos-security-token=/);
      const res = await fetch(data.Url);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'secret');
    } finally { await priv.close(); }
  });

  test('configured temporary credentials (sessionToken option) need that token', async () => {
    const s = await startCosServer({ root: join(tmp, 'pasted'), secretId: 'AKIDpasted', secretKey: 'pasted-key', sessionToken: 'pasted-token' });
    try {
      const put = (o) => call(new COS({ Domain: s.host, Protocol: 'http:', SecretId: 'AKIDpasted', SecretKey: 'pasted-key', ...o }), 'putObject',
        { Bucket: s.bucket, Region: s.region, Key: 'a.txt', Body: Buffer.from('a') });
      assert.equal((await put({})).err.code, 'InvalidAccessKeyId');
      assert.equal((await put({ SecurityToken: 'other' })).err.code, 'InvalidAccessKeyId');
      assert.equal((await put({ SecurityToken: 'pasted-token' })).err, null);
    } finally { await s.close(); }
  });
});

describe('CLI', () => {
  test('prints its URL and the test credentials, and serves', async () => {
    const child = spawn(process.execPath, [join(HERE, 'server.js'), '--port', '0', '--root', join(tmp, 'cli'), '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const out = await new Promise((ok, ko) => {
        let text = '';
        child.stdout.on('data', (d) => { text += d; if (/SecretKey: \S+/.test(text)) ok(text); });
        child.on('exit', (code) => ko(new Error(`exited ${code}: ${text}`)));
      });
      const url = /listening at (http:\/\/\S+)/.exec(out)[1];
      assert.match(out, /SecretId: {2}AKID\S+/);
      assert.match(out, /Domain: '127\.0\.0\.1:\d+', Protocol: 'http:'/);
      const sts = await (await fetch(`${url}/sts`)).json();
      assert.ok(sts.credentials.tmpSecretId && sts.credentials.tmpSecretKey && sts.credentials.sessionToken);
      assert.equal(sts.expiredTime - sts.startTime, 1800);
    } finally { child.kill('SIGTERM'); }
  });
});

// cos-js-sdk-v5 (the browser SDK the demo uses) in Debian's Chromium, from a page on another origin: preflights,
// exposed ETag, getAuthorization from /sts, Pic-Operations. Skipped when Chromium or Playwright is missing.
describe('cos-js-sdk-v5 in Chromium', async () => {
  const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
  let chromium;
  try { ({ chromium } = await import('playwright-core')); } catch { /* skipped below */ }
  const skip = !chromium ? 'playwright-core is not installed' : !existsSync(chromiumPath) ? `no Chromium at ${chromiumPath}` : false;

  test('putObject with Pic-Operations from a cross-origin page, endpoint and virtual-host styles', { skip }, async () => {
    const sdk = readFileSync(require.resolve('cos-js-sdk-v5/dist/cos-js-sdk-v5.min.js'));
    const page = http.createServer((req, res) => {
      if (req.url === '/cos.js') return res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' }).end(sdk);
      if (req.url === '/photo.jpg') return res.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(photo);
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><meta charset="utf-8"><title>cos</title><script src="/cos.js"></script>');
    });
    await new Promise((ok) => page.listen(0, '127.0.0.1', ok));
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    try {
      const tab = await browser.newPage();
      const errors = [];
      tab.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      await tab.goto(`http://127.0.0.1:${page.address().port}/`);
      const upload = (domain, key, raw = false) => tab.evaluate(async ({ domain, stsUrl, Bucket, Region, key, raw }) => {
        const cos = new COS({
          Domain: domain, Protocol: 'http:',
          getAuthorization(options, callback) {
            fetch(stsUrl).then((r) => r.json()).then((data) => callback({
              TmpSecretId: data.credentials.tmpSecretId, TmpSecretKey: data.credentials.tmpSecretKey,
              SecurityToken: data.credentials.sessionToken, StartTime: data.startTime, ExpiredTime: data.expiredTime }));
          },
        });
        const Body = await (await fetch('/photo.jpg')).blob();
        const Headers = { 'Pic-Operations': JSON.stringify({ is_pic_info: 1, rules: [{ fileid: 'thumb.webp', rule: 'imageMogr2/thumbnail/320x/format/webp' }] }) };
        return new Promise((resolve) => {
          const done = (err, data) => resolve(err ? { error: err.code || err.message } : {
            etag: data.ETag ?? data.headers?.etag, statusCode: data.statusCode, result: data.UploadResult, body: data.Body });
          // putObject: upload progress, and the SDK's own parse of the answer (data.UploadResult);
          // request with RawBody: the answer's XML as it came, for advcompress's parseUploadResult.
          if (raw) cos.request({ Method: 'PUT', Bucket, Region, Key: key, Body, Headers, RawBody: true }, done);
          else cos.putObject({ Bucket, Region, Key: key, Body, Headers }, done);
        });
      }, { domain, stsUrl: server.stsUrl, Bucket, Region, key, raw });

      for (const [domain, dir] of [[server.host, 'browser'], [`{Bucket}.cos.{Region}.localhost:${server.port}`, 'browser-vhost']]) {
        const r = await upload(domain, `${dir}/Storm.jpg`);
        assert.equal(r.error, undefined, `${domain}: ${r.error}`);
        assert.equal(r.statusCode, 200);
        assert.equal(r.etag, `"${md5(photo)}"`);                     // readable only because ETag is exposed
        assert.equal(r.result.OriginalInfo.ImageInfo.Width, '1920');
        assert.equal(r.result.ProcessResults.Object.Key, `${dir}/thumb.webp`);
        assert.ok(readFileSync(join(server.root, dir, 'Storm.jpg')).equals(photo));
        assert.ok(existsSync(join(server.root, dir, 'thumb.webp')));
      }
      const raw = await upload(server.host, 'browser-raw/Storm.jpg', true);
      assert.equal(raw.error, undefined, raw.error);
      const parsed = parseUploadResult(raw.body);
      assert.equal(parsed.originalInfo.imageInfo.width, 1920);
      assert.deepEqual([parsed.processResults[0].key, parsed.processResults[0].width, parsed.processResults[0].height], ['browser-raw/thumb.webp', 320, 213]);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      page.close();
    }
  });
});

