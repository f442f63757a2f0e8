// The pinned sources (scripts/sources.lock, scripts/fetch-sources.sh) as a new machine meets them: every locked
// file is still served; a lock row that cannot be had (wrong hash, a file the archive does not have) stops the
// fetch at once with a message naming package, version, file, URL and what to do, and leaves nothing half-made in
// the cache; the wasm build's manifests list exactly the locked versions. Needs the Debian archive the machine's apt
// configuration names (as the build does); run by scripts/test.sh after the build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LOCK = join(ROOT, 'scripts', 'sources.lock');

/** The lock's rows: {pkg, version, file, size, sha256, dir}. */
function lockRows(text = readFileSync(LOCK, 'utf8')) {
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
    const [pkg, version, file, size, sha256, dir] = l.split('\t');
    return { pkg, version, file, size, sha256, dir };
  });
}
const row = (r) => [r.pkg, r.version, r.file, r.size, r.sha256, r.dir].join('\t');

/** Runs scripts/fetch-sources.sh ARGS with LOCK_TEXT as its lock and an empty cache. */
function fetchWith(lockText, args) {
  const cache = mkdtempSync(join(tmpdir(), 'advcompress-cache-'));
  const lock = join(cache, 'test.lock');
  writeFileSync(lock, lockText);
  const t0 = Date.now();
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'fetch-sources.sh'), ...args], {
    env: { ...process.env, ADVCOMPRESS_CACHE: cache, ADVCOMPRESS_SOURCES_LOCK: lock },
    encoding: 'utf8', timeout: 120_000,
  });
  return { ...r, ms: Date.now() - t0, cache };
}

/** Every path under DIR (relative). */
function walk(dir, prefix = '') {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? [prefix + e.name + '/', ...walk(join(dir, e.name), prefix + e.name + '/')] : [prefix + e.name]);
}

function assertStopsCleanly(r, { pkg, version, file }) {
  assert.notEqual(r.status, 0, `exit status ${r.status}; stderr:\n${r.stderr}`);
  assert.ok(r.ms < 60_000, `took ${r.ms} ms`);
  for (const s of [pkg, version, file, 'http', 'scripts/update-sources.sh']) {
    assert.ok(r.stderr.includes(s), `the message names ${s}:\n${r.stderr}`);
  }
  const left = walk(r.cache).filter((p) => p.startsWith('src/') || p.endsWith('.part') || p.includes('.tmp'));
  assert.deepEqual(left.filter((p) => p !== 'src/' && !p.endsWith('.log')), [], 'nothing half-made is left in the cache');
  rmSync(r.cache, { recursive: true, force: true });
}

const zlib = lockRows().filter((r) => r.pkg === 'zlib');

test('a locked file whose bytes differ from the lock (wrong SHA-256) stops the fetch at once', () => {
  assert.ok(zlib.length >= 2, 'zlib is locked');
  const bad = zlib.map((r, i) => row(i === 0 ? { ...r, sha256: '0'.repeat(64) } : r)).join('\n') + '\n';
  const r = fetchWith(bad, ['zlib']);
  assertStopsCleanly(r, zlib[0]);
  assert.match(r.stderr, /cannot be had/);
});

test('a locked file the archive does not have (404) stops the fetch at once', () => {
  const gone = { ...zlib[0], file: zlib[0].file.replace(/\.dsc$/, '-does-not-exist.dsc') };
  const r = fetchWith([gone, ...zlib.slice(1)].map(row).join('\n') + '\n', ['zlib']);
  assertStopsCleanly(r, gone);
});

test('a step that fails after the download (a Debian patch series that does not apply) leaves no half-unpacked tree', () => {
  // libstb's orig tarball with libjpeg-turbo's Debian tarball: both download and verify, then libjpeg-turbo's
  // patch series fails on stb's tree
  const stbOrig = lockRows().find((r) => r.pkg === 'libstb' && /\.orig\.tar\./.test(r.file));
  const jpegDeb = lockRows().find((r) => r.pkg === 'libjpeg-turbo' && /\.debian\.tar\./.test(r.file));
  const r = fetchWith([stbOrig, { ...jpegDeb, pkg: 'libstb', version: stbOrig.version }].map(row).join('\n') + '\n', ['libstb']);
  assert.notEqual(r.status, 0, r.stderr);
  assert.match(r.stderr, /patch .* does not apply/);
  const left = walk(r.cache).filter((p) => p.startsWith('src/') && p !== 'src/' && !p.endsWith('.log'));
  assert.deepEqual(left, [], 'no tree under src/');
  rmSync(r.cache, { recursive: true, force: true });
});

test('a package that is not in the lock is an error, not a guess', () => {
  const r = fetchWith(zlib.map(row).join('\n') + '\n', ['libpng1.6']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /libpng1\.6 is not in .*update-sources\.sh libpng1\.6/);
});

test('--check: every file of scripts/sources.lock is served now (HEAD requests, no download)', () => {
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'fetch-sources.sh'), '--check'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`all ${lockRows().length} locked files are served`));
});

test('--check reports a locked file that is no longer served, with the clear message', () => {
  const gone = { ...zlib[1], file: zlib[1].file.replace('.orig.', '-gone.orig.') };
  const r = fetchWith([zlib[0], gone].map(row).join('\n') + '\n', ['--check']);
  assert.notEqual(r.status, 0);
  for (const s of ['zlib', gone.version, gone.file, 'HTTP 404', 'scripts/update-sources.sh zlib']) {
    assert.ok(r.stderr.includes(s), `names ${s}:\n${r.stderr}`);
  }
  rmSync(r.cache, { recursive: true, force: true });
});

test('the lock pins one version per package, every row complete', () => {
  const rows = lockRows();
  const byPkg = new Map();
  for (const r of rows) {
    assert.match(r.sha256, /^[0-9a-f]{64}$/, row(r));
    assert.match(r.size, /^[0-9]+$/, row(r));
    assert.match(r.dir, /^pool\/main\/[a-z0-9]+\/[a-z0-9.+-]+$/, row(r));
    if (r.file.endsWith('.deb')) {
      // a binary package of the source package (simde: its header package), of exactly the locked version
      const version = r.version.replace(/^[0-9]+:/, '').replace(/[.+~]/g, (c) => `\\${c}`);
      assert.match(r.file, new RegExp(`^[a-z0-9][a-z0-9.+-]*_${version}_(all|amd64)\\.deb$`), row(r));
    } else {
      assert.ok(r.file.startsWith(r.pkg + '_'), row(r));
    }
    (byPkg.get(r.pkg) ?? byPkg.set(r.pkg, new Set()).get(r.pkg)).add(r.version);
    assert.equal(rows.filter((o) => o.file === r.file).length, 1, `${r.file} once`);
  }
  for (const [pkg, versions] of byPkg) assert.equal(versions.size, 1, `${pkg}: ${[...versions]}`);
  assert.ok(rows.some((r) => r.pkg === 'simde' && /^libsimde-dev_.*_all\.deb$/.test(r.file)), 'simde (x265 Neon) is locked');
  for (const pkg of ['zlib', 'libpng1.6', 'libjpeg-turbo', 'libwebp', 'libde265', 'aom', 'x265', 'libheif', 'libstb',
    'giflib', 'netsurf', 'jpeg-xl', 'highway', 'lcms2', 'firefox-esr']) {
    assert.ok(byPkg.has(pkg), `${pkg} is locked`);
    assert.ok(rows.some((r) => r.pkg === pkg && /\.orig\.tar\.[a-z0-9]+$/.test(r.file)), `${pkg} has its orig tarball`);
  }
});

test('dist/wasm/manifest.*.tsv list exactly the locked versions', () => {
  const locked = new Map(lockRows().map((r) => [r.pkg, r.version]));
  const manifests = readdirSync(join(ROOT, 'dist', 'wasm')).filter((f) => /^manifest\..+\.tsv$/.test(f));
  assert.ok(manifests.length >= 1, 'the build wrote its manifests');
  for (const m of manifests) {
    const lines = readFileSync(join(ROOT, 'dist', 'wasm', m), 'utf8').trim().split('\n');
    assert.ok(lines.length >= 11, `${m}: every stage`);
    for (const l of lines) {
      const [stage, pkg, version] = l.split('\t');
      assert.equal(version, locked.get(pkg), `${m}: ${stage} built ${pkg} ${version}, the lock says ${locked.get(pkg)}`);
    }
  }
});
