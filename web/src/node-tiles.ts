/**
 * Node: worker threads that code grid tiles for the entry points' `convert` (tiles.ts). Up to
 * `availableParallelism() − 1` threads (at most 7), started on first use, each keeping its wasm module across
 * tiles and ended after 10 s idle; an idle thread never keeps the process alive.
 * SPDX-License-Identifier: MIT
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { AdvcompressError, type ErrorCode } from './errors.js';
import { compiledModule } from './loader.js';
import type { TileHelpers, TileJob, TileLease } from './tiles.js';

const IDLE_MS = 10_000;

interface Thread {
  worker: Worker;
  pending: Map<number, { resolve: (d: Uint8Array) => void; reject: (e: unknown) => void }>;
  timer?: ReturnType<typeof setTimeout>;
  dead: boolean;
  /** Compiled modules already handed to this thread ("heic.simd"). */
  has: Set<string>;
}

/** The default number of threads coding tiles, the calling one included: the machine's cores, at most 8. */
export const DEFAULT_TILE_THREADS = Math.min(8, Math.max(1, availableParallelism()));

/** Node tile helpers, and how many there may be. */
export interface NodeTileHelpers extends TileHelpers {
  /** Threads that code tiles, the calling thread included (1 = no helper threads); idle extra threads end. */
  setThreads(n: number): void;
}

/** Tile helpers on worker threads running `script` (a module that calls serveTiles()). */
export function nodeTileHelpers(script: URL): NodeTileHelpers {
  let max = DEFAULT_TILE_THREADS - 1;
  const idle: Thread[] = [];
  let alive = 0, nextId = 0;
  const spawn = (): Thread => {
    const t: Thread = { worker: new Worker(script), pending: new Map(), dead: false, has: new Set() };
    alive++;
    const die = (e: unknown) => {
      if (t.dead) return;
      t.dead = true;
      alive--;
      const i = idle.indexOf(t);
      if (i >= 0) idle.splice(i, 1);
      for (const p of t.pending.values()) p.reject(e);
      t.pending.clear();
    };
    t.worker.on('message', (m: { id: number; data?: Uint8Array; error?: { code: string; message: string; subcode?: number } }) => {
      const p = t.pending.get(m.id);
      if (!p) return;
      t.pending.delete(m.id);
      if (m.error) p.reject(new AdvcompressError(m.error.code as ErrorCode, m.error.message, m.error.subcode ?? 0));
      else p.resolve(m.data!);
    });
    t.worker.on('error', (e) => die(new AdvcompressError(/memory|alloc/i.test(String(e?.message)) ? 'OUT_OF_MEMORY' : 'ENCODER_ERROR',
      `a tile thread stopped: ${String(e?.message ?? e)}`)));
    t.worker.on('exit', () => die(new AdvcompressError('ENCODER_ERROR', 'a tile thread exited')));
    return t;
  };
  // Ends an idle thread now (counted out at once, not when its exit event comes).
  const end = (t: Thread) => {
    if (t.dead) return;
    t.dead = true;
    alive--;
    clearTimeout(t.timer);
    const i = idle.indexOf(t);
    if (i >= 0) idle.splice(i, 1);
    void t.worker.terminate();
  };
  return {
    setThreads(n: number) {
      if (!Number.isInteger(n) || n < 1 || n > 64)
        throw new AdvcompressError('INVALID_OPTION', `Expected an integer between 1 and 64 for threads but received ${String(n)}`);
      max = n - 1;
      while (alive > max && idle.length) end(idle[idle.length - 1]);
    },
    lease(): TileLease | undefined {
      let t = idle.pop();
      if (!t && alive < max) t = spawn();
      if (!t) return undefined;
      const thread = t;
      clearTimeout(thread.timer);
      thread.worker.ref();  // (a job is waiting on it)
      let released = false;
      return {
        async encode(job: TileJob): Promise<Uint8Array> {
          if (thread.dead) throw new AdvcompressError('ENCODER_ERROR', 'the tile thread has stopped');
          // (the first job of a module on this thread brings the module compiled here: no second compilation)
          const key = `${job.format}.${job.variant}`;
          const wasm = thread.has.has(key) ? undefined : await compiledModule(job.format, job.variant);
          thread.has.add(key);
          return new Promise((resolve, reject) => {
            const id = nextId++;
            thread.pending.set(id, { resolve, reject });
            thread.worker.postMessage({ id, job, wasm }, [job.data.buffer as ArrayBuffer]);
          });
        },
        release() {
          if (released || thread.dead) return;
          released = true;
          thread.worker.unref();
          idle.push(thread);
          thread.timer = setTimeout(() => end(thread), IDLE_MS);
          thread.timer.unref?.();
        },
      };
    },
  };
}
