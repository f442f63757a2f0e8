/**
 * Loads wasm modules: which file (module name × variant) and how (browser: the glue fetches the .wasm next to it;
 * Node: we read the bytes and hand them over as `wasmBinary`, since the glue is built for web/worker only).
 * One instance per module and variant per thread (worker), created on first use and reused.
 */
import { simd } from 'wasm-feature-detect';
import { AdvcompressError } from './errors.js';

/** Build variants: `baseline` (wasm MVP) or `simd` (wasm SIMD128). */
export type Variant = 'baseline' | 'simd';
/** Module names: the decoder and one encoder per output format. */
export type ModuleName = 'decode' | 'heic' | 'avif' | 'webp';

interface ModuleFiles { glue: () => Promise<{ default: (init: object) => Promise<unknown> }>; wasm: URL }
/** Module name -> variant -> its glue (a lazy import) and wasm URL (modules.js, modules-heic.js). */
export type ModuleTable = Record<string, Record<Variant, ModuleFiles>>;
const registry = new Map<string, Record<Variant, ModuleFiles>>();
const instances = new Map<string, Promise<unknown>>();
/** The instances that finished loading, for heapBytes(). */
const loaded = new Map<string, { HEAPU8?: Uint8Array }>();
let forcedVariant: Variant | undefined;

/** Adds modules to the registry (the entry points call this with their static tables). */
export function registerModules(table: ModuleTable): void {
  for (const [name, files] of Object.entries(table)) registry.set(name, files);
}

/** Forces a variant for every later load (`undefined` returns to detection). Tests use it. */
export function setVariant(variant: Variant | undefined): void {
  if (variant !== undefined && variant !== 'baseline' && variant !== 'simd')
    throw new AdvcompressError('INVALID_OPTION', `Expected 'baseline' or 'simd' for variant but received ${String(variant)}`);
  forcedVariant = variant;
}

/** The variant that loads here: the forced one, else `simd` when the engine supports wasm SIMD. */
export async function pickVariant(): Promise<Variant> {
  if (forcedVariant) return forcedVariant;
  return (await simd()) ? 'simd' : 'baseline';
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
/** Node: each module's compiled code, once per thread, or handed over by another thread (provideCompiled). */
const compiled = new Map<string, Promise<WebAssembly.Module>>();

/**
 * Node: the compiled wasm module of `name` × `variant` (compiled from the file once per thread). A
 * `WebAssembly.Module` can be posted to worker threads, which then instantiate it without compiling the
 * megabytes of code again (node-tiles.ts hands it to its tile threads).
 */
export function compiledModule(name: ModuleName, variant: Variant): Promise<WebAssembly.Module> {
  const key = `${name}.${variant}`;
  let p = compiled.get(key);
  if (!p) {
    const files = registry.get(name);
    if (!files) throw new AdvcompressError('UNSUPPORTED_FORMAT', `no wasm module '${name}' is registered`);
    p = (async () => {
      const { readFile } = await import(/* @vite-ignore */ /* webpackIgnore: true */ 'node:fs/promises' as string) as typeof import('node:fs/promises');
      return WebAssembly.compile(await readFile(files[variant].wasm));
    })();
    compiled.set(key, p);
    p.catch(() => compiled.delete(key));
  }
  return p;
}

/** Node: uses `module` (compiled by another thread) for `name` × `variant` in this thread. */
export function provideCompiled(name: ModuleName, variant: Variant, module: WebAssembly.Module): void {
  if (!compiled.has(`${name}.${variant}`)) compiled.set(`${name}.${variant}`, Promise.resolve(module));
}

/** The module's Embind exports, instantiated once per (name, variant) in this thread. */
export async function loadModule<T>(name: ModuleName, variant?: Variant): Promise<T> {
  const files = registry.get(name);
  // (The entry points refuse formats they do not write before getting here, with the user-facing message.)
  if (!files) throw new AdvcompressError('UNSUPPORTED_FORMAT', `no wasm module '${name}' is registered`);
  const v = variant ?? await pickVariant();
  const key = `${name}.${v}`;
  let p = instances.get(key);
  if (!p) {
    p = (async () => {
      const { glue, wasm } = files[v];
      const factory = (await glue()).default;
      if (isNode) {
        // (the glue's own instantiation hook: our compiled module, shareable with other threads)
        const module = await compiledModule(name, v);
        return factory({ instantiateWasm: (imports: WebAssembly.Imports, receive: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) => {
          WebAssembly.instantiate(module, imports).then((instance) => receive(instance, module));
          return {};
        } });
      }
      return factory({ locateFile: () => wasm.href });
    })();
    instances.set(key, p);
    p.then((m) => loaded.set(key, m as { HEAPU8?: Uint8Array }), () => instances.delete(key));
  }
  return p as Promise<T>;
}

/** Drops a module instance (after a trap: a wasm abort leaves the instance unusable). */
export function dropModule(name: ModuleName, variant: Variant): void {
  instances.delete(`${name}.${variant}`);
  loaded.delete(`${name}.${variant}`);
}

/**
 * Bytes of wasm memory the module instances of this thread hold now (each instance's linear memory, which grows
 * to a job's peak and never shrinks). The worker pool reads it after every job to recycle a worker that grew large.
 */
export function heapBytes(): number {
  let n = 0;
  for (const m of loaded.values()) n += m.HEAPU8?.buffer.byteLength ?? 0;
  return n;
}
