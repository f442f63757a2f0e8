/**
 * A pool of module Web Workers speaking Comlink: a FIFO queue, at most `concurrency` workers, each keeping its wasm
 * module instances across jobs, idle workers terminated after `idleTimeoutMs`. Aborting a job terminates its worker
 * (the only way to stop a wasm encoder mid-call) and the pool spawns a fresh one for the next job; a worker that
 * dies fails only its own job.
 * SPDX-License-Identifier: MIT
 */
import * as Comlink from 'comlink';
import { AdvcompressError, type ErrorCode } from './errors.js';
import type { Variant } from './loader.js';
import type { Answer, WorkerApi } from './worker-core.js';

/** Pool settings. */
export interface PoolOptions {
  /** Most workers at once (jobs, and the grid tiles of a job); default `defaultConcurrency()`: the cores
   * (`navigator.hardwareConcurrency`), at most 4, and at most one per GB of device memory where the browser tells
   * it (`navigator.deviceMemory`, Chromium: a 2 GB phone gets 2 workers, a 1 GB one 1), at least 1. Each worker
   * holds its own wasm memory (a 12 MP HEIC: ~75 MB in the job's worker as a grid, 340 MB as one image). */
  concurrency?: number;
  /** Milliseconds an idle worker is kept (its modules stay compiled) before it is terminated; default 30000. */
  idleTimeoutMs?: number;
  /** Bytes of wasm memory above which a worker is ended after its job instead of kept idle; default 268435456
   * (256 MiB). A module's memory grows to the job's peak and never shrinks (a 12 MP HEIC encode: ~420 MB), and only
   * ending the worker gives it back, which matters on phones; the price is the next job's module start-up. 0 ends
   * every worker after its job; `Infinity` keeps them (the idle timeout still applies). */
  recycleAboveBytes?: number;
  /** Bytes of wasm memory the pool's workers may hold together; default {@link defaultMaxMemoryBytes}: half the
   * device memory where the browser reports it (`navigator.deviceMemory`: a 2 GB phone gets 1 GiB), else no bound.
   * Workers report their memory after each job; a new worker starts only while the pool's workers, each counted at
   * least as large as the largest job seen so far, leave room for one more of that size (the first worker always
   * starts), so on a small phone jobs queue instead of running side by side; and after a job, idle workers are
   * ended, largest first, while the pool holds more than this. A single job is never refused for it. */
  maxMemoryBytes?: number;
}

/** Where a pool's workers load the wasm modules from: file name (as in `dist/wasm/`) -> absolute URL, and compiled
 * modules keyed by their `.wasm` file name (browser-api.ts `init` makes it). */
export interface WasmFiles {
  files: Record<string, string>;
  modules: Record<string, WebAssembly.Module>;
}

/** A worker reserved by `WorkerPool.lease()`. */
export interface PoolLease {
  /** Runs a job on the reserved worker (it stays reserved). Rejects as `WorkerPool.run`. */
  run<T>(job: (remote: Comlink.Remote<WorkerApi>) => Promise<Answer<T>>): Promise<T>;
  /** Gives the worker back to the pool. */
  release(): void;
  /** Ends the worker (its job was aborted). */
  kill(): void;
}

interface Slot {
  /** Bytes of wasm memory the worker reported after its last job (0 before the first). */
  heap: number;
  worker: Worker;
  remote: Comlink.Remote<WorkerApi>;
  idleTimer?: ReturnType<typeof setTimeout>;
  /** Set while a job runs: fails that job when the worker dies. */
  onDeath?: (e: AdvcompressError) => void;
}

function abortError(signal?: AbortSignal): unknown {
  return signal?.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/** The typed error for a job whose arguments could not be sent to its worker (the worker never saw it). */
function notSent(e: unknown): AdvcompressError {
  if (e instanceof AdvcompressError) return e;
  return new AdvcompressError('INVALID_OPTION', `the arguments could not be sent to the worker: ${String((e as Error)?.message ?? e)}`);
}

/** Rebuilds the typed error a worker sent back as plain parts. */
export function fromAnswer(e: { name: string; code?: string; message: string; subcode?: number }): Error {
  if (e.name === 'AbortError') return new DOMException(e.message, 'AbortError');
  if (e.code) return new AdvcompressError(e.code as ErrorCode, e.message, e.subcode ?? 0);
  return new AdvcompressError('ENCODER_ERROR', e.message);
}

/** The default `concurrency` of a pool on this device (see PoolOptions.concurrency). */
export function defaultConcurrency(): number {
  const nav = typeof navigator !== 'undefined' ? navigator as Navigator & { deviceMemory?: number } : undefined;
  const cores = nav?.hardwareConcurrency || 2;
  const byMemory = typeof nav?.deviceMemory === 'number' && nav.deviceMemory > 0 ? Math.floor(nav.deviceMemory) : Infinity;
  return Math.max(1, Math.min(cores, 4, byMemory));
}

/** The default `maxMemoryBytes` on this device (see PoolOptions.maxMemoryBytes): half of `navigator.deviceMemory`
 * GB where the browser reports it, else `Infinity`. */
export function defaultMaxMemoryBytes(): number {
  const nav = typeof navigator !== 'undefined' ? navigator as Navigator & { deviceMemory?: number } : undefined;
  return typeof nav?.deviceMemory === 'number' && nav.deviceMemory > 0 ? nav.deviceMemory * 2 ** 30 / 2 : Infinity;
}

/**
 * A FIFO queue of jobs over at most `concurrency` Web Workers, each running one entry point's API (worker-core.ts):
 * what {@link BrowserApi.pool} exposes (read its sizes; the API's functions put jobs on it).
 */
export class WorkerPool {
  /** Most workers at once ({@link PoolOptions.concurrency}). */
  readonly concurrency: number;
  /** Milliseconds an idle worker is kept ({@link PoolOptions.idleTimeoutMs}). */
  readonly idleTimeoutMs: number;
  /** Wasm memory in bytes above which a worker is ended after its job ({@link PoolOptions.recycleAboveBytes}). */
  readonly recycleAboveBytes: number;
  /** Bytes of wasm memory the workers may hold together ({@link PoolOptions.maxMemoryBytes}). */
  readonly maxMemoryBytes: number;
  private recycledCount = 0;
  /** The largest wasm memory a worker of this pool reported after a job: what a new worker is expected to need. */
  private largestHeap = 0;
  private readonly idle: Slot[] = [];
  private readonly busy = new Set<Slot>();
  private readonly waiting: Array<() => void> = [];
  private variant: Variant | undefined;
  private wasm: WasmFiles | undefined;

  /** @param spawn creates one module worker (`new Worker(new URL('./worker.js', import.meta.url), {type: 'module'})`). */
  constructor(private readonly spawn: () => Worker, options: PoolOptions = {}) {
    const c = options.concurrency ?? defaultConcurrency();
    if (!Number.isInteger(c) || c < 1)
      throw new AdvcompressError('INVALID_OPTION', `Expected a positive integer for concurrency but received ${c}`);
    const t = options.idleTimeoutMs ?? 30000;
    if (typeof t !== 'number' || !(t >= 0))
      throw new AdvcompressError('INVALID_OPTION', `Expected milliseconds >= 0 for idleTimeoutMs but received ${t}`);
    const r = options.recycleAboveBytes ?? 256 * 1024 * 1024;
    if (typeof r !== 'number' || !(r >= 0))
      throw new AdvcompressError('INVALID_OPTION', `Expected bytes >= 0 (or Infinity) for recycleAboveBytes but received ${r}`);
    const m = options.maxMemoryBytes ?? defaultMaxMemoryBytes();
    if (typeof m !== 'number' || !(m >= 0))
      throw new AdvcompressError('INVALID_OPTION', `Expected bytes >= 0 (or Infinity) for maxMemoryBytes but received ${m}`);
    this.concurrency = c;
    this.idleTimeoutMs = t;
    this.recycleAboveBytes = r;
    this.maxMemoryBytes = m;
  }

  /** Bytes of wasm memory the live workers reported after their last jobs, together. */
  get heldBytes(): number {
    let n = 0;
    for (const s of [...this.idle, ...this.busy]) n += s.heap;
    return n;
  }

  // Whether a job can have a worker now: an idle one, or a new one within `concurrency` and (memory) while the
  // workers, each counted at least as large as the largest job seen, leave room for one more of that size. The
  // first worker always may start.
  private hasRoom(): boolean {
    if (this.idle.length) return true;
    if (this.busy.size >= this.concurrency) return false;
    if (!this.busy.size) return true;
    let projected = this.largestHeap;
    for (const s of this.busy) projected += Math.max(s.heap, this.largestHeap);
    return projected <= this.maxMemoryBytes;
  }

  /** Workers alive now (idle + busy). */
  get size(): number { return this.idle.length + this.busy.size; }
  /** Workers ended after a job because their wasm memory had grown past `recycleAboveBytes`, or because the pool
   * held more than `maxMemoryBytes`. */
  get recycled(): number { return this.recycledCount; }
  /** Jobs waiting for a worker. */
  get queued(): number { return this.waiting.length; }

  /** Forces the wasm variant in every worker, present and future (`undefined`: detect).
   * @internal (callers use {@link BrowserApi.setVariant}) */
  setVariant(v: Variant | undefined): void {
    this.variant = v;
    for (const s of [...this.idle, ...this.busy]) void s.remote.setVariant(v);
  }

  /** Where workers started from now on load the wasm modules (browser-api.ts `init`); idle workers, whose modules
   * came from elsewhere, are ended; running jobs finish with what they loaded.
   * @internal (callers use `init`) */
  setWasm(files: WasmFiles): void {
    this.wasm = files;
    for (const s of this.idle.splice(0)) this.end(s);
  }

  /** Terminates every worker; queued and running jobs reject with AbortError. The pool stays usable. */
  terminate(): void {
    for (const s of [...this.idle, ...this.busy]) this.kill(s, new DOMException('The pool was terminated.', 'AbortError'));
    const w = this.waiting.splice(0);
    for (const resume of w) resume();
  }

  /**
   * Runs `job` on a worker once one is free. Rejects with the job's typed error, with AbortError when `signal`
   * aborts (the worker is terminated), or with ENCODER_ERROR / OUT_OF_MEMORY when the worker dies.
   * @internal (the API's functions are how callers put jobs on the pool)
   */
  async run<T>(job: (remote: Comlink.Remote<WorkerApi>) => Promise<Answer<T>>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw abortError(signal);
    while (!this.hasRoom()) {
      await new Promise<void>((resume) => {
        const onAbort = () => {
          const i = this.waiting.indexOf(resume);
          if (i >= 0) this.waiting.splice(i, 1);
          resume();
        };
        this.waiting.push(() => { signal?.removeEventListener('abort', onAbort); resume(); });
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      if (signal?.aborted) throw abortError(signal);
    }
    return this.exec(this.take(), job, signal, true);
  }

  /**
   * A worker reserved for several jobs in a row (the grid tiles of one conversion, tiles.ts): one free now (idle
   * or newly started, within `concurrency`), else undefined. `run` runs a job on it; `release` gives it back (or
   * ends it when its wasm memory grew past `recycleAboveBytes`); `kill` ends it (an abort). Queued jobs are not
   * overtaken: a lease is only granted while a worker is free.
   * @internal
   */
  lease(): PoolLease | undefined {
    if (this.waiting.length || !this.hasRoom()) return undefined;
    const slot = this.take();
    let done = false;
    return {
      run: <T>(job: (remote: Comlink.Remote<WorkerApi>) => Promise<Answer<T>>) => {
        if (done || !this.busy.has(slot)) return Promise.reject(new AdvcompressError('ENCODER_ERROR', 'the helper worker has stopped'));
        return this.exec(slot, job, undefined, false);
      },
      release: () => {
        if (done) return;
        done = true;
        if (!this.busy.has(slot)) return;
        this.release(slot);
      },
      kill: () => {
        if (done) return;
        done = true;
        if (this.busy.has(slot)) this.kill(slot);
      },
    };
  }

  // Runs `job` on `slot` (taken); `finish`: give the slot back afterwards (a leased slot stays taken).
  private exec<T>(slot: Slot, job: (remote: Comlink.Remote<WorkerApi>) => Promise<Answer<T>>, signal: AbortSignal | undefined,
    finish: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = () => {
        if (settled) return false;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        slot.onDeath = undefined;
        return true;
      };
      const onAbort = () => {
        if (!settle()) return;
        this.kill(slot);
        reject(abortError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      slot.onDeath = (e) => { if (settle()) reject(e); };
      // The job's call may throw before anything reaches the worker (an argument Comlink cannot send) or reject
      // with DataCloneError (postMessage refused it): the worker is untouched, so it goes back to the pool and the
      // caller gets a typed error. Every other way out releases or kills the slot too: none keeps it busy.
      let pending: Promise<Answer<T>>;
      try {
        pending = job(slot.remote);
      } catch (e) {
        settle();
        if (finish) this.release(slot);
        reject(notSent(e));
        return;
      }
      pending.then((a) => {
        if (a.heapBytes !== undefined) {
          slot.heap = a.heapBytes;
          this.largestHeap = Math.max(this.largestHeap, a.heapBytes);
        }
        if (!settle()) return;
        if (finish) {
          this.release(slot);
        }
        if ('ok' in a) resolve(a.ok);
        else reject(fromAnswer(a.error));
      }, (e) => {
        if (!settle()) return;
        if ((e as Error)?.name === 'DataCloneError') { if (finish) this.release(slot); reject(notSent(e)); return; }
        this.kill(slot);
        reject(new AdvcompressError('ENCODER_ERROR', `the worker failed: ${String((e as Error)?.message ?? e)}`));
      });
    });
  }

  private take(): Slot {
    let slot = this.idle.pop();
    if (slot) clearTimeout(slot.idleTimer);
    else slot = this.create();
    this.busy.add(slot);
    return slot;
  }

  private create(): Slot {
    const worker = this.spawn();
    const slot: Slot = { heap: 0, worker, remote: Comlink.wrap<WorkerApi>(worker) };
    const died = (what: string) => {
      const oom = /memory|alloc/i.test(what);
      const e = new AdvcompressError(oom ? 'OUT_OF_MEMORY' : 'ENCODER_ERROR', `the conversion worker stopped: ${what}`);
      const fail = slot.onDeath;
      this.kill(slot);
      fail?.(e);
    };
    worker.addEventListener('error', (ev) => { ev.preventDefault(); died((ev as ErrorEvent).message || 'error'); });
    worker.addEventListener('messageerror', () => died('a message could not be deserialised'));
    if (this.variant !== undefined) void slot.remote.setVariant(this.variant);
    // (Comlink keeps the order of calls: this arrives before the worker's first job)
    if (this.wasm) void slot.remote.relocate(this.wasm.files, this.wasm.modules);
    return slot;
  }

  // Gives a worker back after a job: ended when its memory grew past `recycleAboveBytes`, else idle (and idle
  // workers are ended, largest first, while the pool holds more than `maxMemoryBytes`).
  private release(slot: Slot): void {
    if (slot.heap > this.recycleAboveBytes) {
      this.recycledCount++;
      this.kill(slot);
      return;
    }
    this.busy.delete(slot);
    this.idle.push(slot);
    slot.idleTimer = setTimeout(() => {
      const i = this.idle.indexOf(slot);
      if (i >= 0) { this.idle.splice(i, 1); this.end(slot); }
    }, this.idleTimeoutMs);
    // Over the memory bound: idle workers go, largest first (their memory only comes back with them).
    while (this.heldBytes > this.maxMemoryBytes && this.idle.length) {
      const largest = this.idle.reduce((a, b) => (b.heap > a.heap ? b : a));
      this.idle.splice(this.idle.indexOf(largest), 1);
      this.recycledCount++;
      this.end(largest);
    }
    this.waiting.shift()?.();
  }

  private end(slot: Slot): void {
    clearTimeout(slot.idleTimer);
    slot.worker.terminate();  // (no releaseProxy: it would wait for an answer from a worker that is gone)
  }

  private kill(slot: Slot, reason?: unknown): void {
    const wasBusy = this.busy.delete(slot);
    const i = this.idle.indexOf(slot);
    if (i >= 0) this.idle.splice(i, 1);
    const fail = slot.onDeath;
    slot.onDeath = undefined;
    this.end(slot);
    if (reason !== undefined) fail?.(reason as AdvcompressError);
    if (wasBusy) this.waiting.shift()?.();
  }
}
