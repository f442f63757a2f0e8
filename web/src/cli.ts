#!/usr/bin/env node
/**
 * advcompress CLI: convert photos to HEIC, AVIF or WebP with the same wasm modules as the browser.
 * SPDX-License-Identifier: GPL-2.0-or-later (loads the HEIC module)
 *
 *   advcompress [INPUT...] [-f heic|avif|webp|auto [--accept LIST]] [-q 0-100] [--lossless] [-e 0-9] [--chroma 420|422|444]
 *               [--bit-depth 8|10|12] [--strip] [--max-width N] [--max-height N] [--rule RULE] [-o OUT]
 *               [--no-save-all] [--primary-index N] [--max-bytes N [--allow-resize]] [--target-ssimulacra2 S]
 *               [--tile-size N]
 *               [--variant baseline|simd] [-j N] [--skip-existing] [--json]
 *   advcompress DIR... -o OUTDIR [options]     (batch: every image under DIR, relative paths kept)
 *
 * With no INPUT: converts a real photograph from a Debian package to all three formats and prints a table.
 * Exit codes: 0 success, 1 a conversion failed (the error code is printed), 2 usage error.
 */
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative } from 'node:path';
import { parseRule } from './heic.js';
import { resolveOptions, type Format } from './options.js';
import { CliPool, defaultJobs, EXT, IMAGE_EXTENSIONS, runBatch, walk, type BatchFile, type WorkerResult } from './cli-batch.js';

/** Real photographs from Debian's mate-backgrounds (scripts/setup.sh installs it), tried in order. */
export const DEFAULT_PHOTOS = [
  '/usr/share/backgrounds/mate/nature/Storm.jpg',
  '/usr/share/backgrounds/mate/nature/Dune.jpg',
];

const HELP = `Usage: advcompress [INPUT...] [options]
       advcompress DIR... -o OUTDIR [options]

Converts images (JPEG, PNG/APNG, GIF, BMP, WebP, HEIC/HEIF, AVIF) to HEIC, AVIF or WebP in WebAssembly, as the
browser package does.
With no INPUT, converts a real photograph (${DEFAULT_PHOTOS[0]},
from the Debian package mate-backgrounds) to all three formats and prints a comparison table.

Options:
  -f, --format FMT      heic | avif | webp (default: heic; 'heif' = heic); auto: the smallest of the --accept
                        formats at --target-ssimulacra2 (default 80), one file (not with -q or --rule; not in batch)
      --accept LIST     with -f auto: the formats to choose from, comma separated (default heic,avif,webp)
  -q, --quality N       0-100, higher is better and bigger (default: heic/avif 50, webp 75); -1 = lossless
      --lossless        mathematically lossless (HEIC/AVIF: RGB 4:4:4, WebP lossless)
  -e, --effort N        0-9, higher is slower and smaller (default: heic 6 = x265 "slow", avif 3, webp 9 = method 6)
      --chroma S        420 | 422 | 444 chroma subsampling (default 420; 444 when lossless)
      --bit-depth N     8 | 10 | 12 coded bit depth (HEIC/AVIF; default: 8, or 10 for deeper input)
      --strip           drop EXIF, XMP and ICC (as imageMogr2 /strip)
      --no-auto-orient  keep pixels as stored instead of rotating per EXIF orientation
      --max-width N     scale down (never up) to at most N pixels wide, keeping the aspect ratio
      --max-height N    scale down (never up) to at most N pixels high
      --no-save-all     animated / multi-image input: write only the primary image (default: every frame, as a
                        multi-image HEIC/AVIF or an animated WebP)
      --primary-index N the frame that becomes the primary image (--primary-index=-1: the last; default: the
                        source's primary)
      --max-bytes N     the output is at most N bytes: the quality is lowered (from -q, default the format's)
                        to the highest that fits; exit 1 with MAX_BYTES_UNREACHABLE when even quality 0 is larger
      --allow-resize    with --max-bytes: scale the image down instead of failing when quality 0 does not fit
      --target-ssimulacra2 S
                        instead of -q: the lowest quality whose output scores at least S (SSIMULACRA2, libjxl's:
                        90 visually lossless, 80 high, 70 medium), searched per image; the table shows the score
      --tile-size N     grid tiles of N x N pixels (a multiple of 64, 64-4096), coded at once on worker threads
                        and written as one HEIF grid image; 0 = one image (default: heic 1024, avif 0)
  -r, --rule RULE       a cloud rule, as on Tencent CI or Alibaba OSS: 'imageMogr2/thumbnail/1280x/format/heif',
                        'image/format,heic/resize,l_900,h_600'; what it sets wins over the options above,
                        and where advcompress differs from the cloud a warning is printed
  -o, --output PATH     output file (one input) or directory (default: next to the input, new extension)
      --variant V       force the wasm build: baseline | simd (default: simd when supported)
  -h, --help            this text
  -V, --version         version

Batch (any INPUT a directory, or -j / --skip-existing / --json given):
  DIR...                every image under DIR (${IMAGE_EXTENSIONS.join(' ')}, any case; recursively), written
                        under -o OUTDIR (required, created if missing) at the same relative path, new extension;
                        an input is never overwritten
  -j, --jobs N          conversions at once (default: the cores, at most one per GiB of free memory)
      --skip-existing   skip a file whose output exists and is not older than it (resumes an interrupted run:
                        outputs are written complete or not at all)
      --json            one JSON line per file ({input, output, status, code, message, inputBytes, outputBytes,
                        ms, format, width, height, frameCount, warnings})
                        and a last {summary} line on stdout, instead of the table
  Progress goes to stderr (one updating line on a terminal, a line per file elsewhere); at the end a table sums
  the run (files, input bytes, output bytes, ratio) and failures are listed by error code.

Exit status: 0 success, 1 a conversion failed (its error code is printed), 2 usage error.`;

/** One conversion on `pool`, showing the elapsed time on a terminal. */
async function runOne(pool: CliPool, path: string, options: object, label: string): Promise<WorkerResult> {
  const t0 = Date.now();
  const timer = process.stderr.isTTY
    ? setInterval(() => process.stderr.write(`\r${label} ${((Date.now() - t0) / 1000).toFixed(1)} s`), 200) : undefined;
  try {
    return await pool.run(path, options);
  } finally {
    if (timer) { clearInterval(timer); process.stderr.write('\r\x1b[K'); }
  }
}

const kb = (n: number) => `${(n / 1024).toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} KB`;

function usage(msg: string): never {
  process.stderr.write(`advcompress: ${msg}\nTry 'advcompress --help'.\n`);
  process.exit(2);
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f' }, quality: { type: 'string', short: 'q' },
        lossless: { type: 'boolean' }, effort: { type: 'string', short: 'e' }, chroma: { type: 'string' },
        'bit-depth': { type: 'string' }, strip: { type: 'boolean' }, 'no-auto-orient': { type: 'boolean' },
        output: { type: 'string', short: 'o' }, variant: { type: 'string' },
        'max-width': { type: 'string' }, 'max-height': { type: 'string' }, rule: { type: 'string', short: 'r' },
        'no-save-all': { type: 'boolean' }, 'primary-index': { type: 'string' },
        'max-bytes': { type: 'string' }, 'allow-resize': { type: 'boolean' }, 'tile-size': { type: 'string' },
        'target-ssimulacra2': { type: 'string' }, accept: { type: 'string' },
        jobs: { type: 'string', short: 'j' }, 'skip-existing': { type: 'boolean' }, json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'V' },
      },
    });
  } catch (e) {
    usage((e as Error).message);
  }
  const v = args.values;
  if (v.help) { process.stdout.write(HELP + '\n'); return 0; }
  if (v.version) { process.stdout.write('advcompress 0.1.0\n'); return 0; }
  const num = (name: string, s?: string) => {
    if (s === undefined) return undefined;
    if (!/^-?\d+$/.test(s)) usage(`--${name} expects an integer, got '${s}'`);
    return Number(s);
  };
  const score = (name: string, s?: string) => {
    if (s === undefined) return undefined;
    if (!/^\d+(\.\d+)?$/.test(s)) usage(`--${name} expects a score such as 80, got '${s}'`);
    return { ssimulacra2: Number(s) };
  };
  if (v.variant !== undefined && v.variant !== 'baseline' && v.variant !== 'simd') usage(`--variant expects baseline or simd, got '${v.variant}'`);
  const options: Record<string, unknown> = {
    quality: num('quality', v.quality), lossless: v.lossless, effort: num('effort', v.effort), chroma: v.chroma,
    bitDepth: num('bit-depth', v['bit-depth']), metadata: v.strip ? 'strip' : undefined,
    autoOrient: v['no-auto-orient'] ? false : undefined,
    maxWidth: num('max-width', v['max-width']), maxHeight: num('max-height', v['max-height']), rule: v.rule,
    saveAll: v['no-save-all'] ? false : undefined, primaryIndex: num('primary-index', v['primary-index']),
    maxBytes: num('max-bytes', v['max-bytes']), allowResize: v['allow-resize'] ? true : undefined,
    tileSize: num('tile-size', v['tile-size']),
    target: score('target-ssimulacra2', v['target-ssimulacra2']),
    accept: v.accept?.split(',').map((f) => f.trim()),
  };
  for (const k of Object.keys(options)) if (options[k] === undefined) delete options[k];

  let inputs = args.positionals;
  let formats = [v.format ?? 'heic'];
  const demo = inputs.length === 0;
  if (demo) {
    const photo = DEFAULT_PHOTOS.find((p) => existsSync(p));
    if (!photo) usage(`no input given and no default photo found (${DEFAULT_PHOTOS[0]}: apt-get install mate-backgrounds)`);
    inputs = [photo];
    if (!v.format && !v.rule) formats = ['heic', 'avif', 'webp'];
  }

  // Batch: directories (walked), or the batch flags, over files.
  const dirs = inputs.filter((p) => existsSync(p) && statSync(p).isDirectory());
  if (!demo && (dirs.length || v.jobs !== undefined || v['skip-existing'] || v.json)) {
    const jobs = v.jobs === undefined ? defaultJobs() : num('jobs', v.jobs)!;
    if (jobs < 1 || jobs > 64) usage(`--jobs expects 1-64, got '${v.jobs}'`);
    if (dirs.length && !v.output) usage('converting a directory needs -o OUTDIR (outputs keep their relative paths there)');
    if (v.output && existsSync(v.output) && !statSync(v.output).isDirectory()) usage(`-o ${v.output} is a file, not a directory`);
    if (v.output) mkdirSync(v.output, { recursive: true });
    if (v.format === 'auto') usage('-f auto converts single files (a batch names its outputs before converting, for --skip-existing)');
    let format = v.format ?? 'heic';
    if (v.rule && !v.format) {  // (the outputs' names are known before converting, for --skip-existing)
      try { format = (await parseRule(v.rule)).format ?? format; } catch (e) { usage(`--rule: ${(e as Error).message}`); }
    }
    try { format = resolveOptions({ format: format as Format }, 'heic').format; } catch (e) { usage((e as Error).message); }
    const files: BatchFile[] = [];
    let others = 0, missing = 0;
    for (const p of inputs) {
      if (dirs.includes(p)) {
        const w = walk(p, v.output!, format);
        files.push(...w.files);
        others += w.others;
      } else if (existsSync(p)) {
        files.push({ input: p, output: join(v.output ?? dirname(p), basename(p, extname(p)) + EXT[format]) });
      } else {
        process.stderr.write(`advcompress: ${p}: no such file\n`);
        missing++;
      }
    }
    const fmt = v.rule && !v.format ? {} : { format };
    const records = await runBatch(files, { jobs, format, options: { ...options, ...fmt }, skipExisting: !!v['skip-existing'],
      json: !!v.json, variant: v.variant }, others);
    return missing || records.some((r) => r.status === 'failed') ? 1 : 0;
  }

  if (v.output && inputs.length * formats.length > 1 && !(existsSync(v.output) && statSync(v.output).isDirectory()))
    usage('-o must be an existing directory when converting several files');

  const pool = new CliPool(1, v.variant);
  let failures = 0;
  const rows: string[][] = [];
  for (const input of inputs) {
    if (!existsSync(input)) { process.stderr.write(`advcompress: ${input}: no such file\n`); failures++; continue; }
    const inBytes = statSync(input).size;
    // (the input's row only above an output of it: a file that failed is named with its error, not in the table)
    const inputRow = [`${extname(input).slice(1).toUpperCase() || 'input'} (input image)`, kb(inBytes), '', '', ''];
    for (const format of formats) {
      const fmt = v.rule && !v.format ? {} : { format };  // (a rule's format/ wins over the heic default)
      const r = await runOne(pool, input, { ...options, ...fmt }, `${basename(input)} -> ${v.rule ?? format}`);
      if (!r.ok) {
        process.stderr.write(`advcompress: ${input}: ${r.code}: ${r.message}\n`);
        failures++;
        continue;
      }
      for (const w of r.warnings ?? []) process.stderr.write(`advcompress: ${input}: warning: ${w}\n`);
      const ext = r.passthrough ? '.original' + (EXT[r.format!] ?? '') : EXT[r.format!];
      let out: string;
      if (v.output && existsSync(v.output) && statSync(v.output).isDirectory()) out = join(v.output, basename(input, extname(input)) + ext);
      // (a passthrough is the original's bytes: it never goes into a file named for the requested format)
      else if (v.output) out = r.passthrough ? join(dirname(v.output), basename(v.output, extname(v.output)) + ext) : v.output;
      else out = join(demo ? process.cwd() : dirname(input), basename(input, extname(input)) + ext);
      await writeFile(out, r.data!);
      if (!rows.includes(inputRow)) rows.push(inputRow);
      const saved = (1 - r.outputBytes! / inBytes) * 100;
      rows.push([r.format!.toUpperCase(), kb(r.outputBytes!), `${saved.toFixed(1)}%`, `${(r.timings!.encodeMs / 1000).toFixed(2)} s`,
        `${r.width}x${r.height}${r.frameCount! > 1 ? ` x ${r.frameCount} frames` : ''}, ${r.bitDepth}-bit, `
        + `${r.score !== undefined ? `quality ${r.quality}, SSIMULACRA2 ${r.score.toFixed(1)} (${r.encodes} encodes), `
          : r.encodes! > 1 ? `quality ${r.quality} (${r.encodes} encodes to fit --max-bytes), ` : ''}`
        + `${r.grid ? `${r.grid.columns}x${r.grid.rows} tiles of ${r.grid.tileSize} on ${r.grid.helpers + 1} threads, ` : ''}`
        + `${r.variant} -> ${relative(process.cwd(), out) || out}`]);
    }
  }
  await pool.close();
  if (rows.length) {
    const head = ['Format', 'Size', 'Compression ratio', 'Encode time', 'Output'];
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => '| ' + r.map((c, i) => c.padEnd(w[i])).join(' | ') + ' |';
    process.stdout.write([line(head), '|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|', ...rows.map(line)].join('\n') + '\n');
    if (demo) process.stdout.write('(compression ratio = size saved against the input, as in the Tencent CI examples)\n');
  }
  return failures ? 1 : 0;
}

process.exitCode = await main();
