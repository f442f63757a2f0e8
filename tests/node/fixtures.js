// The real edge-case files of scripts/fetch-fixtures.sh (tests/fixtures/README.md), for the tests that feed them to
// our decoders: `loadFixtures()` gathers them when needed and returns the parsed index, one entry per file.
//
//   import { loadFixtures, fixturesSkipReason } from './fixtures.js';
//   const all = loadFixtures();                        // runs scripts/fetch-fixtures.sh (a few seconds when warm)
//   for (const f of all.filter((f) => f.format === 'png' && f.status === 'corrupt')) { ... f.file ... }
//   all.find((f) => f.set === 'pillow' && f.path === 'Tests/images/hopper_orientation_6.jpg').features.orientation // '6'
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FETCH_SCRIPT = join(ROOT, 'scripts', 'fetch-fixtures.sh');
export const EXPECTATIONS = join(ROOT, 'tests', 'fixtures', 'expectations.tsv');

/** The columns of index.tsv, in order (tests/fixtures/README.md explains each). */
export const COLUMNS = ['set', 'path', 'format', 'bytes', 'width', 'height', 'frames', 'depth', 'channels', 'status',
  'tool', 'features', 'note'];
/** Every status the index uses. `corrupt` and `unrecognized` files must give a typed error from a decoder. */
export const STATUSES = ['decodable', 'corrupt', 'disputed', 'unsupported', 'toolarge', 'unrecognized', 'timeout'];
export const FORMATS = ['jpeg', 'png', 'gif', 'bmp', 'webp', 'heif', 'avif', 'tpg', 'unknown'];

/** Why the fixture tests are skipped (ADVCOMPRESS_SKIP_FIXTURES=1), or '' when they run. */
export function fixturesSkipReason() {
  return process.env.ADVCOMPRESS_SKIP_FIXTURES === '1'
    ? 'ADVCOMPRESS_SKIP_FIXTURES=1: the Debian fixture files (scripts/fetch-fixtures.sh) are not gathered' : '';
}

/** $CACHE/fixtures, as scripts/common.sh computes $CACHE. */
export function fixturesDir() {
  const cache = process.env.ADVCOMPRESS_CACHE
    || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'advcompress');
  return join(cache, 'fixtures');
}

let fetched = null;
/**
 * Runs scripts/fetch-fixtures.sh (idempotent: a warm cache takes seconds) and returns the path of index.tsv, the
 * last line it prints. Throws with the script's stderr when it fails. Runs once per process.
 */
export function fetchFixtures() {
  if (fetched) return fetched;
  const r = spawnSync('bash', [FETCH_SCRIPT], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    throw new Error(`scripts/fetch-fixtures.sh failed (${r.status ?? r.signal}):\n${(r.stderr || '').slice(-4000)}`);
  }
  const lines = r.stdout.trim().split('\n');
  fetched = { index: lines[lines.length - 1], log: r.stderr };
  return fetched;
}

/**
 * "icc,orientation=6,dispose=None/Background" -> { icc: true, orientation: '6', dispose: 'None/Background' }.
 * @param {string} s
 */
export function parseFeatures(s) {
  const out = {};
  for (const item of (s || '').split(',')) {
    if (!item) continue;
    const eq = item.indexOf('=');
    if (eq < 0) out[item] = true; else out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

const num = (v) => (v === '-' || v === '' || v === undefined ? null : Number(v));

/**
 * Parses index.tsv text into entries:
 * { set, path, file (absolute), format, bytes, width, height, frames, depth (numbers or null when unknown),
 *   channels, status, tool, features: {name: true | 'value'}, featureList: string, note }.
 * @param {string} text  the contents of index.tsv
 * @param {string} [dir] the fixtures directory the paths are relative to (default fixturesDir())
 */
export function parseIndex(text, dir = fixturesDir()) {
  const lines = text.split('\n').filter((l) => l.length);
  const header = lines.shift()?.split('\t');
  if (!header || header.join('\t') !== COLUMNS.join('\t')) {
    throw new Error(`index.tsv: unexpected header ${JSON.stringify(header)}`);
  }
  return lines.map((line, i) => {
    const c = line.split('\t');
    if (c.length !== COLUMNS.length) throw new Error(`index.tsv line ${i + 2}: ${c.length} columns: ${line}`);
    const [set, path, format, bytes, width, height, frames, depth, channels, status, tool, features, note] = c;
    return {
      set, path, file: join(dir, set, path), format, bytes: Number(bytes), width: num(width), height: num(height),
      frames: num(frames), depth: num(depth), channels: channels === '-' ? null : channels, status, tool,
      features: parseFeatures(features), featureList: features, note,
    };
  });
}

/**
 * The parsed index of every fixture file (see parseIndex). With fetch (default), runs scripts/fetch-fixtures.sh
 * first; without, reads the existing $CACHE/fixtures/index.tsv (throws when there is none).
 */
export function loadFixtures({ fetch = true } = {}) {
  const index = fetch ? fetchFixtures().index : join(fixturesDir(), 'index.tsv');
  if (!existsSync(index)) throw new Error(`${index} does not exist: run bash scripts/fetch-fixtures.sh`);
  return parseIndex(readFileSync(index, 'utf8'), dirname(index));
}

/**
 * Hand-checked facts of tests/fixtures/expectations.tsv:
 * [{ set, path, fact, value, verified }], e.g. fact 'matches' value 'autotests/read/avif/rotated090.png exact'.
 */
export function loadExpectations(file = EXPECTATIONS) {
  return readFileSync(file, 'utf8').split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .slice(1)
    .map((l) => {
      const [set, path, fact, value, verified] = l.split('\t');
      return { set, path, fact, value, verified };
    });
}
