/**
 * Grid tiles coded in parallel (ARCHITECTURE.md, "Grid tiles"): the image is cut into square tiles, each coded as
 * an independent image by `encodeTile` of the format's module — in this thread and, at the same time, in helpers
 * (other workers of the browser pool, worker threads in Node) — then `encodeGrid` assembles one HEIF `grid` item
 * from the coded tiles in this thread, without coding anything again.
 * SPDX-License-Identifier: MIT
 */
import { AdvcompressError, throwIfAborted } from './errors.js';
import type { Format, Limits } from './options.js';
import type { Variant } from './loader.js';

/** What a tile is coded from: its pixels (at most `tileSize` per side; the module pads an edge tile) and how. */
export interface TileJob {
  /** Interleaved samples, `info.width × info.height × info.channels × info.bytesPerSample` bytes. */
  data: Uint8Array;
  info: { width: number; height: number; channels: number; bytesPerSample: number; sourceBitDepth: number; nclx?: object };
  /** Pixels per side of every tile of the grid. */
  tileSize: number;
  format: Format;
  /** The encode options as the module reads them. */
  options: object;
  limits: Required<Limits>;
  variant: Variant;
}

/** A helper (a worker) reserved for one grid: codes tiles one after another until released. */
export interface TileLease {
  /** The coded tile (`encodeTile`'s opaque units). Rejects with the tile's typed error. */
  encode(job: TileJob): Promise<Uint8Array>;
  /** Gives the helper back (it then serves other work or ends when idle). */
  release(): void;
}

/** Where tiles can be coded besides the calling thread. */
export interface TileHelpers {
  /** A helper free now, or undefined when none is (the calling thread then codes more tiles itself). */
  lease(): TileLease | undefined | Promise<TileLease | undefined>;
}

/** Decoded pixels as the modules exchange them (api.ts WasmPixels, the fields tiles need). */
interface Px {
  data: Uint8Array; width: number; height: number; channels: number; bytesPerSample: number; sourceBitDepth: number;
  nclx?: object;
}

/** True when `px` has no alpha channel or every alpha sample is opaque (grids are written for opaque images). */
export function isOpaque(px: Px): boolean {
  if (px.channels !== 4) return true;
  const d = px.data, step = 4 * px.bytesPerSample;
  if (px.bytesPerSample === 1) {
    for (let i = 3; i < d.length; i += step) if (d[i] !== 255) return false;
  } else {
    for (let i = 6; i < d.length; i += step) if (d[i] !== 255 || d[i + 1] !== 255) return false;
  }
  return true;
}

/** Tiles of a `width × height` image cut into `tileSize` squares: columns, rows. */
export function gridOf(width: number, height: number, tileSize: number): { columns: number; rows: number } {
  return { columns: Math.ceil(width / tileSize), rows: Math.ceil(height / tileSize) };
}

/** Tile `i` (row by row) of `px`: a compact copy of at most `tileSize × tileSize` pixels. */
export function cropTile(px: Px, tileSize: number, i: number): TileJob['data'] {
  const { columns } = gridOf(px.width, px.height, tileSize);
  const x0 = (i % columns) * tileSize, y0 = Math.floor(i / columns) * tileSize;
  const w = Math.min(tileSize, px.width - x0), h = Math.min(tileSize, px.height - y0);
  const bpp = px.channels * px.bytesPerSample, row = px.width * bpp, out = new Uint8Array(w * h * bpp);
  for (let y = 0; y < h; y++) {
    const from = (y0 + y) * row + x0 * bpp;
    out.set(px.data.subarray(from, from + w * bpp), y * w * bpp);
  }
  return out;
}

/** Lets queued messages (helpers' answers) run between two tiles coded in this thread. */
const yieldToEvents = () => new Promise<void>((resume) => setTimeout(resume, 0));

/**
 * Codes every tile of `px`: this thread takes tiles from a shared counter, each leased helper takes tiles too and
 * keeps two in flight (so it is never idle while this thread is busy coding). Returns the coded tiles row by
 * row. The first failing tile fails the whole (its typed error); an abort stops taking tiles and rejects.
 * @param local codes one tile in this thread (the module's `encodeTile`).
 * @param onTile called after each tile with the tiles done and the total.
 */
export async function encodeTiles(px: Px, tileSize: number, job: Omit<TileJob, 'data' | 'info' | 'tileSize'>,
  local: (job: TileJob) => Promise<Uint8Array>, helpers: TileHelpers | undefined, signal: AbortSignal | undefined,
  onTile: (done: number, total: number) => void): Promise<Uint8Array[]> {
  const { columns, rows } = gridOf(px.width, px.height, tileSize);
  const total = columns * rows;
  const out: Uint8Array[] = new Array(total);
  let next = 0, done = 0, failed: unknown;
  const take = () => (failed === undefined && !signal?.aborted && next < total ? next++ : -1);
  const jobOf = (i: number): TileJob => {
    const { columns: c } = gridOf(px.width, px.height, tileSize);
    const w = Math.min(tileSize, px.width - (i % c) * tileSize), h = Math.min(tileSize, px.height - Math.floor(i / c) * tileSize);
    return { ...job, tileSize, data: cropTile(px, tileSize, i),
      info: { width: w, height: h, channels: px.channels, bytesPerSample: px.bytesPerSample,
        sourceBitDepth: px.sourceBitDepth, nclx: px.nclx } };
  };
  const finish = (i: number, units: Uint8Array) => { out[i] = units; onTile(++done, total); };
  const leases: TileLease[] = [];
  // (helpers are asked for while there are tiles beyond the one this thread starts with)
  for (let k = 0; k < total - 1; k++) {
    const l = helpers ? await helpers.lease() : undefined;
    if (!l) break;
    leases.push(l);
  }
  const guard = async (loop: () => Promise<void>) => {
    try { await loop(); } catch (e) { if (failed === undefined) failed = e; }
  };
  const remote = (lease: TileLease) => guard(async () => {
    for (let i = take(); i >= 0; i = take()) finish(i, await lease.encode(jobOf(i)));
  });
  const here = guard(async () => {
    for (let i = take(); i >= 0; i = take()) {
      if (leases.length) await yieldToEvents();
      finish(i, await local(jobOf(i)));
    }
  });
  try {
    await Promise.all([here, ...leases.flatMap((l) => [remote(l), remote(l)])]);
  } finally {
    for (const l of leases) l.release();
  }
  throwIfAborted(signal);
  if (failed !== undefined) throw failed;
  if (done !== total) throw new AdvcompressError('ENCODER_ERROR', `only ${done} of ${total} grid tiles were coded`);
  return out;
}
