/**
 * The CLI's runner: a pool of conversion threads (cli-worker.ts) and the batch job over directories, the local
 * counterpart of the cloud's "processing existing data" workflow (a job over a bucket's existing images): walk,
 * convert in parallel, skip what is done, report progress and a summary.
 * SPDX-License-Identifier: GPL-2.0-or-later (its threads load the HEIC module)
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism, freemem } from 'node:os';
import { readdirSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';

/** What a conversion thread answers (cli-worker.ts): the ConvertResult's plain fields, or the error's code. */
export interface WorkerResult {
  ok: boolean; code?: string; message?: string; data?: Uint8Array; width?: number; height?: number;
  bitDepth?: number; format?: string; inputBytes?: number; outputBytes?: number; warnings?: string[]; frameCount?: number;
  passthrough?: boolean; quality?: number; encodes?: number; score?: number;
  grid?: { tileSize: number; columns: number; rows: number; helpers: number };
  timings?: { decodeMs: number; encodeMs: number }; variant?: string;
}

/** Output file extension per format (an input format's only for a passthrough original). */
export const EXT: Record<string, string> = { heic: '.heic', avif: '.avif', webp: '.webp', jpeg: '.jpg', png: '.png',
  gif: '.gif', bmp: '.bmp', heif: '.heif' };

/** File extensions a directory walk takes as images (any letter case); other files are counted, not converted. */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.jpe', '.jfif', '.png', '.apng', '.gif', '.bmp', '.webp', '.heic',
  '.heif', '.hif', '.avif'];

/**
 * The default number of conversions at once: the cores (`os.availableParallelism()`), at most one per GiB of free
 * memory (`os.freemem()`; a 12 MP HEIC grid peaks near 300 MiB, a 48 MP photo at several times that), at least 1.
 */
export function defaultJobs(): number {
  return Math.max(1, Math.min(availableParallelism(), Math.floor(freemem() / 2 ** 30)));
}

/** Conversion threads, each kept for the next job (its wasm modules stay loaded). */
export class CliPool {
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  /**
   * @param size most threads at once (each runs one conversion).
   * @param variant forced wasm build, or undefined (SIMD when supported).
   * @param tileThreads grid-tile threads per conversion (`setTileThreads`), undefined for the default (the cores).
   */
  constructor(readonly size: number, private readonly variant?: string, private readonly tileThreads?: number) {}

  /** Converts the file at `path` with `options` (EncodeOptions as plain values). Never rejects: errors come back as
   * `{ok: false, code, message}`; a thread that dies fails its job with OUT_OF_MEMORY and is replaced. */
  run(path: string, options: object): Promise<WorkerResult> {
    const w = this.idle.pop() ?? this.spawn();
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: WorkerResult, keep: boolean) => {
        if (done) return;
        done = true;
        w.off('message', onMessage); w.off('error', onError); w.off('exit', onExit);
        if (keep) this.idle.push(w); else { this.all.delete(w); void w.terminate(); }
        resolve(r);
      };
      const onMessage = (r: WorkerResult) => finish(r, true);
      const onError = (e: Error) => finish({ ok: false, code: 'ENCODER_ERROR', message: String(e?.message ?? e) }, false);
      const onExit = () => finish({ ok: false, code: 'OUT_OF_MEMORY', message: 'the conversion thread stopped' }, false);
      w.on('message', onMessage); w.on('error', onError); w.on('exit', onExit);
      w.postMessage({ path, options });
    });
  }

  /** Ends every thread (running jobs are lost). */
  async close(): Promise<void> {
    await Promise.all([...this.all].map((w) => w.terminate()));
    this.all.clear();
    this.idle.length = 0;
  }

  private spawn(): Worker {
    const w = new Worker(new URL('./cli-worker.js', import.meta.url),
      { workerData: { variant: this.variant, tileThreads: this.tileThreads } });
    this.all.add(w);
    return w;
  }
}

/** One file of a batch: where it is read and where its output goes. */
export interface BatchFile { input: string; output: string; }

/**
 * The image files under `dir` (recursively, sorted, symbolic links to directories not followed), each with its
 * output path: the same relative path under `outDir` with the format's extension. Skips `outDir` itself when it
 * lies inside `dir`. Returns the files and how many other files were passed over.
 */
export function walk(dir: string, outDir: string, format: string): { files: BatchFile[]; others: number } {
  const files: BatchFile[] = [];
  let others = 0;
  const out = resolve(outDir);
  const visit = (d: string) => {
    if (resolve(d) === out) return;
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(d, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.isFile() && IMAGE_EXTENSIONS.includes(extname(e.name).toLowerCase())) {
        const rel = relative(dir, p);
        files.push({ input: p, output: join(outDir, dirname(rel), basename(rel, extname(rel)) + EXT[format]) });
      } else if (e.isFile()) others++;
    }
  };
  visit(dir);
  return { files, others };
}

/** What happened to one file (the `--json` line). */
export interface BatchRecord {
  input: string; output?: string; status: 'converted' | 'skipped' | 'failed';
  code?: string; message?: string; inputBytes: number; outputBytes?: number; ms?: number;
  format?: string; width?: number; height?: number; frameCount?: number;
  /** With `--target-ssimulacra2`: the quality chosen and the output's SSIMULACRA2. */
  quality?: number; score?: number;
  /** Where a rule or an option could not be honoured as the cloud would (ConvertResult.warnings); absent when none. */
  warnings?: string[];
}

/** Options of {@link runBatch}. */
export interface BatchOptions {
  /** Conversions at once (threads). */
  jobs: number;
  /** Output format (for the summary; `options.format` is what converts). */
  format: string;
  /** EncodeOptions as plain values, as the single-file CLI builds them. */
  options: object;
  /** Skip a file whose output exists and is not older than the input. */
  skipExisting: boolean;
  /** Write one JSON line per file and a summary line to stdout instead of the table. */
  json: boolean;
  variant?: string;
}

const mb = (n: number) => n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} KB`;
const dur = (ms: number) => ms >= 60000 ? `${Math.floor(ms / 60000)}m ${Math.round((ms % 60000) / 1000)}s` : `${(ms / 1000).toFixed(1)} s`;

/**
 * Converts `files` with `o.jobs` threads. Outputs are written to a `.partial` file and renamed when complete, so
 * an interrupted run leaves no half-written output that `skipExisting` would take for done. An output path equal
 * to its input is refused (never overwrites an input). Progress on stderr (one updating line on a terminal, a line
 * per file elsewhere); the summary (a table, or a JSON line with `--json`) on stdout.
 * @returns the records, in the order the files were given.
 */
export async function runBatch(files: BatchFile[], o: BatchOptions, others = 0): Promise<BatchRecord[]> {
  const cores = availableParallelism();
  const pool = new CliPool(o.jobs, o.variant, Math.max(1, Math.floor(cores / o.jobs)));
  const records: BatchRecord[] = new Array(files.length);
  const tty = process.stderr.isTTY && !process.env.CI;
  const t0 = Date.now();
  let finished = 0, converted = 0, convertedIn = 0, convertedOut = 0, failed = 0, skipped = 0;
  const status = () => {
    const left = files.length - finished;
    // (wall time per converted file so far, all threads together; skipped files cost nothing)
    const eta = converted && left ? ` · ETA ${dur((Date.now() - t0) / converted * left)}` : '';
    const saved = convertedIn ? ` · ${mb(convertedIn)} -> ${mb(convertedOut)} (${((1 - convertedOut / convertedIn) * 100).toFixed(1)}% saved)` : '';
    const width = 20, filled = Math.round(width * finished / Math.max(1, files.length));
    const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
    return `[${bar}] ${finished}/${files.length}${failed ? ` ${failed} failed` : ''}${skipped ? ` ${skipped} skipped` : ''}${saved}${eta}`;
  };
  const timer = tty ? setInterval(() => process.stderr.write(`\r\x1b[K${status()}`), 250) : undefined;
  const report = (i: number, r: BatchRecord) => {
    records[i] = r;
    finished++;
    if (o.json) process.stdout.write(JSON.stringify(r) + '\n');
    if (tty) process.stderr.write(`\r\x1b[K${status()}`);
    else {
      const what = r.status === 'converted'
        ? `converted ${r.input} -> ${r.output} (${mb(r.inputBytes)} -> ${mb(r.outputBytes!)}, ${dur(r.ms!)})`
        : r.status === 'skipped' ? `skipped ${r.input} (${r.output} is up to date)` : `failed ${r.input}: ${r.code}: ${r.message}`;
      process.stderr.write(`[${finished}/${files.length}] ${what}\n`);
    }
  };

  let next = 0;
  const lane = async () => {
    for (let i = next++; i < files.length; i = next++) {
      const { input, output } = files[i];
      const st = statSync(input), inputBytes = st.size;
      if (resolve(output) === resolve(input)) {
        failed++;
        report(i, { input, status: 'failed', code: 'INVALID_OPTION', message: 'the output would overwrite the input', inputBytes });
        continue;
      }
      const done = o.skipExisting ? statSync(output, { throwIfNoEntry: false }) : undefined;
      if (done && done.mtimeMs >= st.mtimeMs) {
        skipped++;
        report(i, { input, output, status: 'skipped', inputBytes, outputBytes: done.size });
        continue;
      }
      const t = Date.now();
      const r = await pool.run(input, o.options);
      if (!r.ok) {
        failed++;
        report(i, { input, status: 'failed', code: r.code, message: r.message, inputBytes });
        continue;
      }
      // (named for what was written: a passthrough is the original's bytes, never in a file named for the
      // requested format)
      const out = join(dirname(output), basename(output, extname(output)) + (r.passthrough ? '.original' : '') + (EXT[r.format!] ?? ''));
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out + '.partial', r.data!);
      await rename(out + '.partial', out);
      converted++; convertedIn += inputBytes; convertedOut += r.outputBytes!;
      report(i, { input, output: out, status: 'converted', inputBytes, outputBytes: r.outputBytes!, ms: Date.now() - t,
        format: r.format, width: r.width, height: r.height, frameCount: r.frameCount,
        ...(r.score !== undefined ? { quality: r.quality, score: r.score } : {}),
        ...(r.warnings?.length ? { warnings: r.warnings } : {}) });
      if (!o.json) for (const w of r.warnings ?? []) process.stderr.write(`${tty ? '\r\x1b[K' : ''}advcompress: ${input}: warning: ${w}\n`);
    }
  };
  // Ctrl-C: end the threads and remove nothing but our own partial files (none is left half-renamed).
  const onSignal = async () => {
    if (timer) clearInterval(timer);
    await pool.close();
    for (const f of files) await rm(f.output + '.partial', { force: true });
    process.stderr.write(`\nadvcompress: interrupted after ${finished} of ${files.length} files; run again with --skip-existing to resume\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await Promise.all(Array.from({ length: Math.min(o.jobs, files.length) }, lane));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (timer) { clearInterval(timer); process.stderr.write('\r\x1b[K'); }
    await pool.close();
  }
  summarize(records, o, Date.now() - t0, others);
  return records;
}

/** The run's summary: the cloud services' table summed over the files (stdout), failures by error code listed. */
function summarize(records: BatchRecord[], o: BatchOptions, ms: number, others: number): void {
  const conv = records.filter((r) => r.status === 'converted');
  const skip = records.filter((r) => r.status === 'skipped');
  const fail = records.filter((r) => r.status === 'failed');
  const inBytes = conv.reduce((n, r) => n + r.inputBytes, 0);
  const outBytes = conv.reduce((n, r) => n + r.outputBytes!, 0);
  const byCode: Record<string, number> = {};
  for (const r of fail) byCode[r.code ?? 'ENCODER_ERROR'] = (byCode[r.code ?? 'ENCODER_ERROR'] ?? 0) + 1;
  const summary = { files: records.length, converted: conv.length, skipped: skip.length, failed: fail.length,
    otherFiles: others, inputBytes: inBytes, outputBytes: outBytes, ratio: inBytes ? 1 - outBytes / inBytes : 0, ms,
    failuresByCode: byCode };
  if (o.json) {
    process.stdout.write(JSON.stringify({ summary }) + '\n');
  } else {
    const rows = [
      ['Input images', String(conv.length), mb(inBytes), '', ''],
      [o.format.toUpperCase(), String(conv.length), mb(outBytes), inBytes ? `${(summary.ratio * 100).toFixed(1)}%` : '', dur(ms)],
    ];
    const head = ['Format', 'Files', 'Size', 'Compression ratio', 'Time'];
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => '| ' + r.map((c, i) => c.padEnd(w[i])).join(' | ') + ' |';
    process.stdout.write([line(head), '|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|', ...rows.map(line)].join('\n') + '\n');
    process.stdout.write(`${conv.length} converted, ${skip.length} skipped (already converted), ${fail.length} failed`
      + `${fail.length ? ` (${Object.entries(byCode).map(([c, n]) => `${c} ${n}`).join(', ')})` : ''}`
      + `${others ? `; ${others} other files passed over (not ${IMAGE_EXTENSIONS.join(' ')})` : ''}\n`);
  }
  for (const r of fail) process.stderr.write(`advcompress: ${r.input}: ${r.code}: ${r.message}\n`);
}
