// The CLI's batch job over directories (the local counterpart of the cloud's "processing existing data" workflow),
// run as a user would: a tree of real fixture files (scripts/fetch-fixtures.sh) converted with -j 2, killed half-way,
// resumed with --skip-existing without redoing finished files, a corrupt file failing alone, outputs decoded by
// Debian's dwebp, the summary matching the files on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixturesSkipReason, loadFixtures } from './fixtures.js';
import { PHOTO } from './helpers.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const skip = fixturesSkipReason() || false;  // (an empty string would skip too)
const EXT = { jpeg: '.jpg', png: '.png', gif: '.gif', bmp: '.bmp', webp: '.webp' };

/** Every file under `dir`, relative, sorted. */
function tree(dir) {
  return readdirSync(dir, { recursive: true }).filter((f) => statSync(join(dir, f)).isFile()).sort();
}

/** A tree of at least 200 real images of five formats (the tools decode them) in per-set folders, a truncated JPEG
 * and a text file. */
function makeTree() {
  const root = mkdtempSync(join(tmpdir(), 'advcompress-batch-'));
  const src = join(root, 'photos');
  const picked = loadFixtures().filter((f) => f.status === 'decodable' && EXT[f.format] && f.frames <= 1 &&
    f.bytes < 300_000 && f.width * f.height <= 2_000_000).slice(0, 220);
  picked.forEach((f, i) => {
    const d = join(src, f.set, String(i % 3));
    mkdirSync(d, { recursive: true });
    copyFileSync(f.file, join(d, `${i}-${basename(f.path).replace(/\.[^.]*$/, '')}${EXT[f.format]}`));
  });
  // (a real photo cut short, as an interrupted copy leaves it)
  writeFileSync(join(src, 'zz-corrupt.jpg'), readFileSync(PHOTO).subarray(0, 1000));
  writeFileSync(join(src, 'notes.txt'), 'not an image');
  return { root, src, out: join(root, 'out'), count: picked.length + 1 };
}

const lines = (s) => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

test('batch: a tree of 200+ real files with -j 2, killed half-way, resumes without redoing finished files', { skip, timeout: 600_000 }, async () => {
  const { src, out, count } = makeTree();
  assert.ok(count >= 201, `only ${count} files`);
  const inputsBefore = tree(src).map((f) => [f, statSync(join(src, f)).mtimeMs]);
  const args = [CLI, src, '-o', out, '-f', 'webp', '--max-width', '96', '-j', '2', '--json'];

  // First run: killed (SIGKILL, no chance to tidy up) once 80 files are converted.
  const first = [];
  await new Promise((resolve) => {
    const p = spawn('node', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let buf = '';
    p.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        first.push(JSON.parse(buf.slice(0, i)));
        buf = buf.slice(i + 1);
        if (first.filter((r) => r.status === 'converted').length === 80) p.kill('SIGKILL');
      }
    });
    p.on('exit', resolve);
  });
  const done = first.filter((r) => r.status === 'converted');
  assert.ok(done.length >= 80 && done.length < count - 20, `killed after ${done.length} of ${count}`);

  // Second run resumes: what the first finished is skipped, not converted again; everything else is converted once.
  const r = spawnSync('node', [...args, '--skip-existing'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 1, r.stderr);  // (some files failed, listed)
  const recs = lines(r.stdout);
  const summary = recs.pop().summary;
  assert.equal(recs.length, count);
  assert.equal(new Set(recs.map((x) => x.input)).size, count);
  const status = new Map(recs.map((x) => [x.input, x]));
  for (const d of done) assert.equal(status.get(d.input).status, 'skipped', `${d.input} was converted again`);
  // Real collections hold files our decoders refuse (BMP variants, damaged APNGs, JPEGs the tools read only with
  // warnings): each fails alone, with a typed code, and the corrupt JPEG is among them.
  const failed = recs.filter((x) => x.status === 'failed');
  const CODES = ['UNSUPPORTED_FORMAT', 'CORRUPT_INPUT', 'INPUT_TOO_LARGE', 'DIMENSIONS_TOO_LARGE', 'TOO_MANY_FRAMES', 'OUTPUT_TOO_LARGE'];
  for (const x of failed) assert.ok(CODES.includes(x.code), `${x.input}: ${x.code}: ${x.message}`);
  assert.ok(failed.some((x) => basename(x.input) === 'zz-corrupt.jpg' && x.code === 'CORRUPT_INPUT'));
  assert.ok(failed.length < count / 10, `${failed.length} of ${count} failed`);
  for (const x of failed) assert.ok(r.stderr.includes(`${x.input}: ${x.code}: `), `${x.input} is not listed`);

  // The summary matches the files on disk: one output per good input at its relative path, nothing partial.
  const outputs = tree(out);
  assert.equal(summary.converted + summary.skipped + summary.failed, count);
  assert.equal(summary.failed, failed.length);
  const byCode = {};
  for (const x of failed) byCode[x.code] = (byCode[x.code] ?? 0) + 1;
  assert.deepEqual(summary.failuresByCode, byCode);
  assert.equal(summary.otherFiles, 1);  // notes.txt
  assert.equal(outputs.length, count - failed.length);
  assert.equal(outputs.filter((f) => f.endsWith('.partial')).length, 0);
  for (const x of recs.filter((y) => y.status !== 'failed')) {
    const rel = relative(src, x.input).replace(/\.[^.]*$/, '.webp');
    assert.equal(x.output, join(out, rel));
  }
  const converted = recs.filter((x) => x.status === 'converted');
  assert.equal(summary.outputBytes, converted.reduce((n, x) => n + statSync(x.output).size, 0));
  assert.equal(summary.inputBytes, converted.reduce((n, x) => n + statSync(x.input).size, 0));

  // The outputs are real WebP files, at most 96 px wide, as Debian's dwebp reads them (stills: dwebp refuses
  // animations, which the fixtures' APNGs become).
  const stills = converted.filter((x) => x.frameCount === 1);
  assert.ok(stills.length > converted.length / 2);
  for (const x of stills.filter((_, i) => i % 20 === 0)) {
    execFileSync('dwebp', [x.output, '-o', `${x.output}.png`], { stdio: 'pipe' });
    const [w, h] = execFileSync('identify', ['-format', '%w %h', `${x.output}.png`], { encoding: 'utf8' }).split(' ').map(Number);
    assert.deepEqual([w, h], [x.width, x.height]);
    assert.ok(w <= 96);
  }
  // No input was touched.
  assert.deepEqual(tree(src).map((f) => [f, statSync(join(src, f)).mtimeMs]), inputsBefore);

  // A third run with nothing left to do converts nothing and prints the table.
  const again = spawnSync('node', [CLI, src, '-o', out, '-f', 'webp', '--max-width', '96', '--skip-existing'], { encoding: 'utf8' });
  assert.equal(again.status, 1);  // (the failures fail again)
  assert.match(again.stdout, /\| Input images +\| 0 /);
  assert.match(again.stdout, new RegExp(`0 converted, ${count - failed.length} skipped \\(already converted\\), ${failed.length} failed \\(`));
});

test('batch: usage errors exit 2 (a directory without -o, -j 0, -o naming a file)', { skip }, () => {
  const src = mkdtempSync(join(tmpdir(), 'advcompress-batch-usage-'));
  const file = join(src, 'f.txt');
  writeFileSync(file, 'x');
  for (const args of [[src], [src, '-o', join(src, 'o'), '-j', '0'], [src, '-o', file], [src, '-o', join(src, 'o'), '-f', 'jpg']]) {
    const r = spawnSync('node', [CLI, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^advcompress: /);
  }
});
