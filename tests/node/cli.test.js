// The CLI as a user runs it: conversion, the no-argument demo table, typed errors and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { PHOTO, decodeIndependently, dims, photoBytes } from './helpers.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const cli = (args, cwd) => spawnSync('node', [CLI, ...args], { encoding: 'utf8', cwd });
const dir = mkdtempSync(join(tmpdir(), 'advcompress-cli-'));

test('no argument: converts the Debian photo to HEIC, AVIF and WebP and prints the comparison table', () => {
  const r = cli([], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\| Format\s+\| Size\s+\| Compression ratio/);
  for (const f of ['HEIC', 'AVIF', 'WEBP']) assert.match(r.stdout, new RegExp(`\\| ${f}\\s+\\| [\\d,.]+ KB\\s+\\| \\d+\\.\\d%`));
  for (const ext of ['heic', 'avif', 'webp']) assert.ok(existsSync(join(dir, `Storm.${ext}`)));
});

test('-f avif -q 60 -o out.avif writes a decodable AVIF of the right size', () => {
  const out = join(dir, 'x.avif');
  const r = cli([PHOTO, '-f', 'avif', '-q', '60', '-e', '2', '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  const png = decodeIndependently(new Uint8Array(readFileSync(out)), 'avif');
  assert.deepEqual(dims(png), { width: 1920, height: 1280 });
});

test('bad input: exit 1 with the typed error code; usage error: exit 2', () => {
  const bad = join(dir, 'bad.jpg');
  writeFileSync(bad, photoBytes().subarray(0, 5000));
  const r = cli([bad, '-f', 'webp']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /CORRUPT_INPUT/);
  assert.equal(r.stdout, '', 'a file that failed is not in the table');
  const t = join(dir, 'notes.txt');
  writeFileSync(t, 'not an image');
  assert.match(cli([t]).stderr, /UNSUPPORTED_FORMAT/);
  const empty = join(dir, 'empty.jpg');
  writeFileSync(empty, new Uint8Array(0));
  const e = cli([empty, '-f', 'webp']);
  assert.equal(e.status, 1);
  assert.match(e.stderr, /CORRUPT_INPUT: empty input/);
  const big = join(dir, 'big.jpg');
  writeFileSync(big, new Uint8Array(40 * 1024 * 1024));
  const b = cli([big, '-f', 'webp']);
  assert.equal(b.status, 1);
  assert.match(b.stderr, /INPUT_TOO_LARGE/);
  assert.equal(cli(['--quality', 'high', PHOTO]).status, 2);
  assert.equal(cli(['--frobnicate']).status, 2);
  const q = cli([PHOTO, '-q', '150', '-f', 'webp', '-o', join(dir, 'q.webp')]);
  assert.equal(q.status, 1);
  assert.match(q.stderr, /INVALID_OPTION: Expected integer between 0 and 100 for quality but received 150/);
});

test('--help documents every flag', () => {
  const r = cli(['--help']);
  assert.equal(r.status, 0);
  for (const f of ['--format', '--quality', '--lossless', '--effort', '--chroma', '--bit-depth', '--strip', '--no-auto-orient', '--output', '--variant', '--version', '--no-save-all', '--primary-index', '--max-width', '--rule', '--max-bytes', '--allow-resize', '--tile-size', '--jobs', '--skip-existing', '--json'])
    assert.ok(r.stdout.includes(f), f);
});

test('--rule applies a cloud rule (seed 003: 3924 x 2550 -> 923 x 600 HEIC); --max-width scales down', () => {
  const src = join(dir, 'seed003.jpg');
  spawnSync('convert', ['/usr/share/backgrounds/mate/abstract/Elephants_5640x3172.jpg', '-resize', '3924x2550!', src]);
  const r = cli([src, '--rule', 'image/format,heic/resize,l_900,h_600', '-e', '2']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /923x600/);
  assert.deepEqual(dims(decodeIndependently(new Uint8Array(readFileSync(join(dir, 'seed003.heic'))), 'heic')),
    { width: 923, height: 600 });
  const out = join(dir, 'small.webp');
  const m = cli([PHOTO, '-f', 'webp', '--max-width', '640', '-o', out]);
  assert.equal(m.status, 0, m.stderr);
  assert.deepEqual(dims(decodeIndependently(new Uint8Array(readFileSync(out)), 'webp')), { width: 640, height: 427 });
  const q = cli([PHOTO, '--rule', 'imageMogr2/quality/70/format/webp', '-o', join(dir, 'q.webp')]);
  assert.equal(q.status, 0, q.stderr);
  assert.match(q.stderr, /warning: quality:/);
  const bad = cli([PHOTO, '--rule', 'imageMogr2/rotate/90']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /INVALID_RULE.*position 11 \('rotate'\)/);
});

test('--rule with ignore-error/1 over the output limit keeps the original, under its own extension', () => {
  const out = join(dir, 'big.heic');
  const r = cli([PHOTO, '--rule', 'imageMogr2/thumbnail/!1000p/format/heif/ignore-error/1', '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /warning: ignore-error\/1: OUTPUT_TOO_LARGE/);
  assert.ok(!existsSync(out), 'JPEG bytes must not be written to a .heic name');
  assert.ok(readFileSync(join(dir, 'big.original.jpg')).equals(readFileSync(PHOTO)));
});

test('an animated GIF: every frame by default (the table says how many), --no-save-all / --primary-index one', async () => {
  const { fixturesDir, fixturesSkipReason } = await import('./fixtures.js');
  if (fixturesSkipReason()) return;
  const gif = join(fixturesDir(), 'pillow/Tests/images/dispose_prev.gif');  // 100 x 100, 5 frames
  const out = join(dir, 'anim.webp');
  let r = cli([gif, '-f', 'webp', '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /100x100 x 5 frames/);
  assert.match(spawnSync('webpmux', ['-info', out], { encoding: 'utf8' }).stdout, /Number of frames: 5/);
  r = cli([gif, '-f', 'heic', '--no-save-all', '--primary-index=-1', '-o', join(dir, 'last.heic')]);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /frames/);
  assert.equal(spawnSync('heif-info', [join(dir, 'last.heic')], { encoding: 'utf8' }).stdout.match(/^image:/gm).length, 1);
  assert.match(cli([gif, '--primary-index', 'x']).stderr, /--primary-index expects an integer/);
});
