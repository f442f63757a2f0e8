// Pic-Operations header (build, validate, parse, fileid naming) and the UploadResult answer of COS "processing upon
// upload" (parse, write), checked against the examples of the COS docs:
//   https://www.tencentcloud.com/document/product/1045/33695 (Persistent Image Processing, CI)
//   https://www.tencentcloud.com/document/api/436/40592 (Persistent Image Processing, COS API)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdvcompressError } from '../../dist/errors.js';
import {
  buildPicOperations, validatePicOperations, parsePicOperations, resolveFileId, parseUploadResult, uploadResultToXml,
  CosServiceError, PIC_OPERATIONS_MAX_RULES,
} from '../../dist/pic-operations.js';

/** Asserts that fn throws an AdvcompressError with `code` whose message matches every regexp. */
function throwsWith(fn, code, ...res) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof AdvcompressError, `not an AdvcompressError: ${e}`);
    assert.equal(e.code, code, e.message);
    for (const re of res) assert.match(e.message, re);
    return true;
  });
}

// The header as seeds 000 (HEIF) and 001 (AVIF) show it, pretty-printed, and the compact form we send.
const SEED_HEADER = `{
"is_pic_info": 1,
"rules": [{
    "fileid": "exampleobject",
    "rule": "imageMogr2/format/heif"
}]
}`;
const SEED_COMPACT = '{"is_pic_info":1,"rules":[{"fileid":"exampleobject","rule":"imageMogr2/format/heif"}]}';
const rule = (fileid = 'out.heic', extra = {}) => ({ fileid, rule: 'imageMogr2/format/heif', ...extra });

test("the seed's header round-trips: parse -> build gives the compact header, build -> parse gives the object", () => {
  const ops = parsePicOperations(SEED_HEADER);
  assert.deepEqual(ops, { is_pic_info: 1, rules: [{ fileid: 'exampleobject', rule: 'imageMogr2/format/heif' }] });
  assert.equal(buildPicOperations(ops), SEED_COMPACT);
  assert.deepEqual(parsePicOperations(SEED_COMPACT), ops);
  assert.equal(buildPicOperations(parsePicOperations(SEED_COMPACT)), SEED_COMPACT);
  // The doc's sample request header (1045/33695, "Sample"): the same bytes out as in.
  const sample = '{"is_pic_info":1,"rules":[{"fileid":"test.jpg","rule":"imageView2/format/png"}]}';
  assert.equal(buildPicOperations(parsePicOperations(sample)), sample);
});

test('fields come out in the doc order, absent ones left out, bucket kept', () => {
  assert.equal(buildPicOperations({ rules: [{ rule: 'imageMogr2/format/avif', fileid: 'a.avif', bucket: 'examplebucket-1250000000' }] }),
    '{"rules":[{"bucket":"examplebucket-1250000000","fileid":"a.avif","rule":"imageMogr2/format/avif"}]}');
  assert.equal(buildPicOperations({ is_pic_info: 1 }), '{"is_pic_info":1}');
  assert.equal(buildPicOperations({}), '{}');
  assert.equal(buildPicOperations({ is_pic_info: 0, rules: [] }), '{"is_pic_info":0,"rules":[]}');
});

test('non-ASCII fileids are sent as \\u escapes: the header is printable ASCII and parses back to the same value', () => {
  const ops = { rules: [rule('照片/文档 ☃.heic'), rule('/emoji-😀.heic')] };
  const header = buildPicOperations(ops);
  assert.match(header, /^[\x20-\x7e]+$/);
  assert.match(header, /\\u7167\\u7247/);
  assert.deepEqual(JSON.parse(header), ops);
  assert.deepEqual(parsePicOperations(header), ops);
  assert.doesNotThrow(() => new Headers({ 'Pic-Operations': header }));
});

test('5 rules pass; 6 are refused naming rules[5]', () => {
  assert.equal(PIC_OPERATIONS_MAX_RULES, 5);
  const five = Array.from({ length: 5 }, (_, i) => rule(`out${i}.heic`));
  assert.doesNotThrow(() => buildPicOperations({ rules: five }));
  throwsWith(() => buildPicOperations({ rules: [...five, rule('out5.heic')] }), 'INVALID_OPTION', /rules\[5\]/, /at most 5 rules/, /got 6/);
  throwsWith(() => parsePicOperations(JSON.stringify({ rules: [...five, rule('x')] })), 'INVALID_OPTION', /rules\[5\]/);
});

test('is_pic_info must be the number 0 or 1', () => {
  for (const v of [2, -1, true, '1', null, 0.5]) {
    throwsWith(() => validatePicOperations({ is_pic_info: v }), 'INVALID_OPTION', /Pic-Operations is_pic_info/, /must be 0 or 1/,
      new RegExp(JSON.stringify(v).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  }
  assert.doesNotThrow(() => validatePicOperations({ is_pic_info: 0 }));
});

test('fileid: required, not ending with "/", key rules of COS, and the message names rules[i].fileid and the value', () => {
  const bad = (fileid, ...res) => throwsWith(() => buildPicOperations({ rules: [rule('ok.heic'), { fileid, rule: 'imageMogr2/format/avif' }] }), 'INVALID_OPTION',
    /rules\[1\]\.fileid/, ...res);
  bad(undefined, /required/);
  bad('', /required/, /""/);
  bad(42, /required/, /42/);
  bad('p2/', /"p2\/"/, /must not end with "\/"/, /empty file name/);
  bad('/', /must not end with "\/"/);
  bad('//p2/x.heic', /cannot start with "\/"/);
  bad('\\x.heic', /cannot start with/);
  bad('a/../b.heic', /"\.\." path segments/);
  bad('./b.heic', /"\." and "\.\." path segments/);
  bad('a\u0018b.heic', /U\+0018 \(CAN\)/, /COS object keys do not support it/);
  bad('a\u001bb.heic', /U\+001B \(ESC\)/);
  bad('tab\there.heic', /U\+0009/);
  bad('x\ud800.heic', /lone UTF-16 surrogate/);
  bad('/' + 'x'.repeat(851), /851 bytes/, /850-byte limit/);
  bad('文'.repeat(284), /852 bytes/);   // 3 bytes each in UTF-8
  // Allowed: the doc's own examples, non-ASCII, and the characters the doc only advises against.
  for (const ok of ['exampleobject', '/p2/test2.jpg', 'p2/test2.jpg', 'test.jpg', '文档.doc', 'a b#{x}%[1]~.heic', 'x'.repeat(850), '/' + 'x'.repeat(850)]) {
    assert.doesNotThrow(() => validatePicOperations({ rules: [rule(ok)] }), ok.slice(0, 20));
  }
});

test('bucket: BucketName-APPID as the COS naming doc shows it, else refused naming rules[i].bucket', () => {
  for (const ok of ['examplebucket-1250000000', 'examplebucket-1-1250000000', 'mybucket123-1250000000', '1-newproject-1250000000']) {
    assert.doesNotThrow(() => validatePicOperations({ rules: [rule('x.heic', { bucket: ok })] }), ok);
  }
  for (const b of ['examplebucket', 'ExampleBucket-1250000000', '-bucket-1250000000', 'bucket--1250000000', 'bucket-125000000a',
    'bucket_1-1250000000', '', 1250000000]) {
    throwsWith(() => buildPicOperations({ rules: [rule('a.heic'), rule('b.heic', { bucket: b })] }), 'INVALID_OPTION',
      /rules\[1\]\.bucket/, /BucketName-APPID/, new RegExp(String(JSON.stringify(b)).replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')));
  }
});

test('rule: a required non-blank string, named rules[i].rule', () => {
  for (const r of [undefined, '', '   ', 7]) {
    throwsWith(() => validatePicOperations({ rules: [{ fileid: 'a.heic', rule: r }] }), 'INVALID_OPTION', /rules\[0\]\.rule/, /required/);
  }
  assert.doesNotThrow(() => validatePicOperations({ rules: [{ fileid: 'a.heic', rule: 'style/test' }] }));
});

test('shape errors: not an object, rules not an array, a rule not an object, unknown (misspelt) fields, not JSON', () => {
  for (const v of [null, [], 'x', 3]) throwsWith(() => validatePicOperations(v), 'INVALID_OPTION', /expected a JSON object/);
  throwsWith(() => validatePicOperations({ rules: { fileid: 'a', rule: 'b' } }), 'INVALID_OPTION', /Pic-Operations rules:/, /array/);
  throwsWith(() => validatePicOperations({ rules: [rule(), 'imageMogr2/format/heif'] }), 'INVALID_OPTION', /rules\[1\]:/, /must be an object/);
  throwsWith(() => validatePicOperations({ isPicInfo: 1 }), 'INVALID_OPTION', /isPicInfo: unknown field/, /is_pic_info, rules/);
  throwsWith(() => validatePicOperations({ rules: [{ fileId: 'a.heic', rule: 'x' }] }), 'INVALID_OPTION', /rules\[0\]\.fileId: unknown field/);
  throwsWith(() => parsePicOperations('{"is_pic_info":1,'), 'INVALID_OPTION', /not valid JSON/);
  throwsWith(() => parsePicOperations(undefined), 'INVALID_OPTION', /expected the header value as a string/);
});

test("resolveFileId: the doc's naming examples (input /p1/test1.jpg) and its sample request", () => {
  assert.equal(resolveFileId('/p1/test1.jpg', '/p2/test2.jpg'), 'p2/test2.jpg');     // 1. absolute
  assert.equal(resolveFileId('/p1/test1.jpg', 'p2/test2.jpg'), 'p1/p2/test2.jpg');   // 2. relative to p1
  assert.equal(resolveFileId('p1/test1.jpg', 'p2/test2.jpg'), 'p1/p2/test2.jpg');    // same object without the slash
  assert.equal(resolveFileId('/p1/test1.jpg', 'test2.jpg'), 'p1/test2.jpg');
  assert.equal(resolveFileId('filename.jpg', 'test.jpg'), 'test.jpg');               // PUT /filename.jpg -> <Key>test.jpg</Key>
  assert.equal(resolveFileId('/exampleobject', 'exampleobject'), 'exampleobject');   // the seeds: overwrite the input
  assert.equal(resolveFileId('a/b/c.jpg', '/c.heic'), 'c.heic');
  throwsWith(() => resolveFileId('/p1/test1.jpg', 'p2/'), 'INVALID_OPTION', /fileid "p2\/"/, /must not end with "\/"/);   // 3.
  throwsWith(() => resolveFileId('/p1/test1.jpg', ''), 'INVALID_OPTION', /fileid/, /required/);
  throwsWith(() => resolveFileId('', 'a.heic'), 'INVALID_OPTION', /inputKey ""/);
  throwsWith(() => resolveFileId('/', 'a.heic'), 'INVALID_OPTION', /inputKey "\/"/);
  throwsWith(() => resolveFileId('p1/', 'a.heic'), 'INVALID_OPTION', /inputKey/);
  throwsWith(() => resolveFileId('../etc/passwd', 'x'), 'INVALID_OPTION', /inputKey/, /"\.\." path segments/);
  throwsWith(() => resolveFileId('p1/x.jpg', '../../x'), 'INVALID_OPTION', /fileid/, /"\.\." path segments/);
  const dir = 'd'.repeat(800) + '/in.jpg';
  throwsWith(() => resolveFileId(dir, 'y'.repeat(50)), 'INVALID_OPTION', /851 bytes/, /850-byte limit/);
  assert.equal(resolveFileId(dir, 'y'.repeat(49)).length, 850);
});

// The response of the doc's "Processing During Upload" sample, copied as the doc prints it (tabs included):
// https://www.tencentcloud.com/document/product/1045/33695 (same body in https://www.tencentcloud.com/document/api/436/40592).
const DOC_RESPONSE = `<UploadResult>
		<OriginalInfo>
			<Key>filename.jpg</Key>
			<Location>examplebucket-1250000000.cos.ap-chengdu.myqcloud.com/filename.jpg</Location>
			<ETag>&quot;580cd6930444576523c25f86ce2af9b1fc2d5484&quot;</ETag>
			<ImageInfo>
				<Format>JPEG</Format>
				<Width>640</Width>
				<Height>427</Height>
				<Quality>100</Quality>
				<Ave>0xa18454</Ave>
				<Orientation>1</Orientation>
			</ImageInfo>
		</OriginalInfo>
		<ProcessResults>
			<Object>
				<Key>test.jpg</Key>
				<Location>examplebucket-1250000000.cos.ap-chengdu.myqcloud.com/test.jpg</Location>
				<Format>png</Format>
				<Width>640</Width>
				<Height>427</Height>
				<Size>463092</Size>
				<Quality>100</Quality>
				<ETag>&quot;eaa4e3d8fd498bbc63be3b71c46b9c61f23e3f0c&quot;</ETag>
			</Object>
		</ProcessResults>
</UploadResult>`;
const DOC_RESULT = {
  originalInfo: {
    key: 'filename.jpg',
    location: 'examplebucket-1250000000.cos.ap-chengdu.myqcloud.com/filename.jpg',
    etag: '"580cd6930444576523c25f86ce2af9b1fc2d5484"',
    imageInfo: { format: 'JPEG', width: 640, height: 427, quality: 100, ave: '0xa18454', orientation: 1 },
  },
  processResults: [{
    key: 'test.jpg',
    location: 'examplebucket-1250000000.cos.ap-chengdu.myqcloud.com/test.jpg',
    format: 'png', width: 640, height: 427, size: 463092, quality: 100,
    etag: '"eaa4e3d8fd498bbc63be3b71c46b9c61f23e3f0c"',
  }],
};

test("parseUploadResult: the doc's example answer, numbers as numbers, strings untouched", () => {
  const r = parseUploadResult(DOC_RESPONSE);
  assert.deepEqual(r, DOC_RESULT);
  assert.equal(typeof r.processResults[0].size, 'number');
  assert.equal(typeof r.originalInfo.imageInfo.ave, 'string');
  assert.equal(r.originalInfo.imageInfo.frameCount, undefined);
  assert.ok(!('frameCount' in r.processResults[0]) && !('watermarkStatus' in r.processResults[0]));
});

// Two rules (HEIF and AVIF), as a COS-compatible server may write it: declaration, Go-style &#34; escapes, keys that
// look like numbers, FrameCount and WatermarkStatus (https://www.tencentcloud.com/document/product/436/49729), no ETag.
const MULTI = `<?xml version='1.0' encoding='utf-8' ?>
<UploadResult>
  <OriginalInfo>
    <Key>photos/0123</Key>
    <Location>examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/photos/0123</Location>
    <ETag>&#34;9b2cf535f27731c974343645a3985328&#34;</ETag>
    <ImageInfo><Format>JPEG</Format><Width>3924</Width><Height>2550</Height><Quality>92</Quality><Ave>0x000000</Ave><Orientation>6</Orientation><FrameCount>1</FrameCount></ImageInfo>
  </OriginalInfo>
  <ProcessResults>
    <Object>
      <Key>photos/1e5</Key>
      <Location>examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/photos/1e5</Location>
      <Format>heif</Format><Width>923</Width><Height>600</Height><Size>48213</Size><Quality>85</Quality>
      <ETag>&quot;0e1f&amp;2&quot;</ETag>
    </Object>
    <Object>
      <Key> spaced name.avif </Key>
      <Location>examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/ spaced name.avif </Location>
      <Format>avif</Format><Width>923</Width><Height>600</Height><Size>0041977</Size><Quality>60</Quality>
      <FrameCount>1</FrameCount><WatermarkStatus>86</WatermarkStatus><SomethingNew>ignored</SomethingNew>
    </Object>
  </ProcessResults>
</UploadResult>
`;

test('parseUploadResult: a two-object answer keeps order, types and exact key strings', () => {
  const r = parseUploadResult(MULTI);
  assert.equal(r.originalInfo.key, 'photos/0123');
  assert.equal(r.originalInfo.etag, '"9b2cf535f27731c974343645a3985328"');
  assert.deepEqual(r.originalInfo.imageInfo, { format: 'JPEG', width: 3924, height: 2550, quality: 92, ave: '0x000000', orientation: 6, frameCount: 1 });
  assert.equal(r.processResults.length, 2);
  const [heif, avif] = r.processResults;
  assert.deepEqual(heif, { key: 'photos/1e5', location: 'examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/photos/1e5',
    format: 'heif', width: 923, height: 600, size: 48213, quality: 85, etag: '"0e1f&2"' });
  assert.deepEqual(avif, { key: ' spaced name.avif ', location: 'examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/ spaced name.avif ',
    format: 'avif', width: 923, height: 600, size: 41977, quality: 60, frameCount: 1, watermarkStatus: 86 });
  assert.equal(avif.etag, undefined);
});

test('parseUploadResult: is_pic_info 0 and no rules -> no imageInfo, processResults []', () => {
  const r = parseUploadResult('<UploadResult><OriginalInfo><Key>a.jpg</Key><Location>b-1250000000.cos.ap-beijing.myqcloud.com/a.jpg</Location><ImageInfo/></OriginalInfo><ProcessResults>\n</ProcessResults></UploadResult>');
  assert.deepEqual(r, { originalInfo: { key: 'a.jpg', location: 'b-1250000000.cos.ap-beijing.myqcloud.com/a.jpg' }, processResults: [] });
});

test('parseUploadResult: a COS <Error> document throws UPLOAD_FAILED carrying the COS Code and Message', () => {
  // Shape of https://intl.cloud.tencent.com/document/api/436/7730 ("Response body").
  const xml = `<?xml version='1.0' encoding='utf-8' ?>
<Error>
  <Code>NoSuchBucket</Code>
  <Message>The specified bucket does not exist.</Message>
  <Resource>examplebucket-1250000000.cos.ap-chengdu.myqcloud.com/filename.jpg</Resource>
  <RequestId>NWFjMzQ0MDZfOTBmYTUwXzZkZV8z****</RequestId>
  <TraceId>OGVmYzZiMmQzYjA2OWNhODk0NTRkMTBiOWVmMDAxODc0OWRkZjk0ZDM1NmI1M2E2MTRlY2MzZDhmNmI5MWI1OTBjYzE2MjAxN2M1MzJiOTdkZjMxMDVlYTZjN2FiMmI0NTk3NWFiNjAyMzdhM2RlMmVhZGFmOTc0MDNhOTg0ZDQ=</TraceId>
</Error>`;
  throwsWith(() => parseUploadResult(xml), 'UPLOAD_FAILED', /NoSuchBucket/, /The specified bucket does not exist\./, /NWFjMzQ0MDZfOTBmYTUwXzZkZV8z\*\*\*\*/);
  try { parseUploadResult(xml); } catch (e) {
    assert.ok(e instanceof CosServiceError);
    assert.equal(e.cosCode, 'NoSuchBucket');
    assert.equal(e.cosMessage, 'The specified bucket does not exist.');
    assert.equal(e.resource, 'examplebucket-1250000000.cos.ap-chengdu.myqcloud.com/filename.jpg');
    assert.equal(e.requestId, 'NWFjMzQ0MDZfOTBmYTUwXzZkZV8z****');
    assert.match(e.traceId, /^OGVm/);
  }
  throwsWith(() => parseUploadResult('<Error><Code>AccessDenied</Code><Message>Access Denied.</Message></Error>'), 'UPLOAD_FAILED',
    /^COS error AccessDenied: Access Denied\.$/);
});

test('parseUploadResult: bodies that are not an UploadResult, or lack what it needs, throw UPLOAD_FAILED saying why', () => {
  throwsWith(() => parseUploadResult(''), 'UPLOAD_FAILED', /empty response body/);
  throwsWith(() => parseUploadResult('<html><body><h1>502 Bad Gateway</h1></body></html>'), 'UPLOAD_FAILED', /<html> document/, /502 Bad Gateway/);
  throwsWith(() => parseUploadResult('{"code":"x"}'), 'UPLOAD_FAILED', /not well-formed XML/);
  throwsWith(() => parseUploadResult(DOC_RESPONSE.slice(0, 400)), 'UPLOAD_FAILED', /not well-formed XML/);
  throwsWith(() => parseUploadResult(DOC_RESPONSE.replace('<Width>640</Width>\n\t\t\t\t<Height>427</Height>\n\t\t\t\t<Size>', '<Height>427</Height>\n\t\t\t\t<Size>')),
    'UPLOAD_FAILED', /ProcessResults\/Object\[0\]\/Width is missing/);
  throwsWith(() => parseUploadResult(DOC_RESPONSE.replace('<Size>463092</Size>', '<Size>463 KB</Size>')), 'UPLOAD_FAILED',
    /Object\[0\]\/Size is "463 KB", not an integer/);
  throwsWith(() => parseUploadResult(DOC_RESPONSE.replace('<Ave>0xa18454</Ave>', '')), 'UPLOAD_FAILED', /ImageInfo\/Ave is missing/);
  throwsWith(() => parseUploadResult('<UploadResult></UploadResult>'), 'UPLOAD_FAILED', /UploadResult is empty/);
  throwsWith(() => parseUploadResult('<UploadResult><ProcessResults/></UploadResult>'), 'UPLOAD_FAILED', /OriginalInfo is missing/);
  throwsWith(() => parseUploadResult(DOC_RESPONSE.replace('<Key>filename.jpg</Key>', '<Key>a</Key><Key>b</Key>')), 'UPLOAD_FAILED',
    /OriginalInfo\/Key appears 2 times/);
  throwsWith(() => parseUploadResult(42), 'INVALID_OPTION', /expected the response body as a string/);
});

test('uploadResultToXml -> parseUploadResult round-trips, in the doc form (&quot; ETags, doc element order)', () => {
  const xml = uploadResultToXml(DOC_RESULT);
  assert.deepEqual(parseUploadResult(xml), DOC_RESULT);
  assert.match(xml, /<ETag>&quot;580cd6930444576523c25f86ce2af9b1fc2d5484&quot;<\/ETag>/);
  const names = [...xml.matchAll(/<([A-Za-z]+)>/g)].map((m) => m[1]);
  const docNames = [...DOC_RESPONSE.matchAll(/<([A-Za-z]+)>/g)].map((m) => m[1]);
  const order = (list) => list.filter((n) => n !== 'ETag');   // the doc puts OriginalInfo's ETag before ImageInfo too
  assert.deepEqual(order(names), order(docNames));
  for (const r of [parseUploadResult(MULTI), { originalInfo: { key: 'a<&>"\'.jpg', location: 'h/a' }, processResults: [] }]) {
    assert.deepEqual(parseUploadResult(uploadResultToXml(r)), r);
  }
  assert.equal(uploadResultToXml(parseUploadResult(uploadResultToXml(DOC_RESULT))), xml);
});

test('uploadResultToXml refuses what it cannot write, naming the field', () => {
  const one = (patch) => ({ ...DOC_RESULT, processResults: [{ ...DOC_RESULT.processResults[0], ...patch }] });
  throwsWith(() => uploadResultToXml(one({ width: 640.5 })), 'INVALID_OPTION', /processResults\[0\]\.width must be an integer, got 640\.5/);
  throwsWith(() => uploadResultToXml(one({ size: '463092' })), 'INVALID_OPTION', /processResults\[0\]\.size/);
  throwsWith(() => uploadResultToXml(one({ key: undefined })), 'INVALID_OPTION', /processResults\[0\]\.key must be a non-empty string/);
  throwsWith(() => uploadResultToXml({ processResults: [] }), 'INVALID_OPTION', /originalInfo is required/);
  throwsWith(() => uploadResultToXml({ originalInfo: { key: 'a\u0001', location: 'l' }, processResults: [] }), 'INVALID_OPTION',
    /originalInfo\.key contains U\+0001/);
});
