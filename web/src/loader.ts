/**
 * Loads wasm modules: which file (module name × variant) and how. The Emscripten glue of each module is an ES
 * module loaded at run time by its URL (a native `import()` that bundlers leave alone: they only copy the file, as
 * they copy the `.wasm`), so a worker bundle never code-splits and needs no bundler option (README "Bundlers").
 * Browser: the glue fetches the `.wasm` URL we give it. Node: the entry points hand in a compiler that reads the
 * file (node-wasm.ts), so that this file, which browsers load, imports no Node built-in.
 * One instance per module and variant per thread (worker), created on first use and reused.
 */
import { simd } from 'wasm-feature-detect';
import { AdvcompressError } from './errors.js';
import { MODULE_NAMES, moduleFile, VARIANTS, type ModuleName, type Variant } from './wasm-files.js';

export type { ModuleName, Variant } from './wasm-files.js';

interface ModuleFiles { glue: URL; wasm: URL }
/** Module name -> variant -> the URLs of its glue (ES module) and its wasm (modules.js, modules-heic.js). */
export type ModuleTable = Record<string, Record<Variant, ModuleFiles>>;
const registry = new Map<string, Record<Variant, ModuleFiles>>();
const instances = new Map<string, Promise<unknown>>();
/** The instances that finished loading, for heapBytes(). */
const loaded = new Map<string, { HEAPU8?: Uint8Array }>();
let forcedVariant: Variant | undefined;
/** Each module's compiled code, once per thread (Node: compiled from the file, or handed over by another thread
 * with provideCompiled; browsers: handed in by the page's `init({ modules })`). */
const compiled = new Map<string, Promise<WebAssembly.Module>>();
/** File name (wasm-files.ts) -> the URL to load it from instead of the bundled one (`relocate`). */
const relocated = new Map<string, string>();

/** Adds modules to the registry (the entry points call this with their static tables). */
export function registerModules(table: ModuleTable): void {
  for (const [name, files] of Object.entries(table)) registry.set(name, files);
}

/**
 * Browser workers, from the page's `init()`: load the files named in `files` (file name as in `dist/wasm/` ->
 * absolute URL) from there, and instantiate the compiled `modules` (keyed by their `.wasm` file name) instead of
 * fetching those. Applies to modules loaded after the call.
 */
export function relocate(files: Record<string, string>, modules: Record<string, WebAssembly.Module> = {}): void {
  for (const [file, url] of Object.entries(files)) relocated.set(file, url);
  for (const name of MODULE_NAMES) {
    for (const v of VARIANTS) {
      const m = modules[moduleFile(name, v, 'wasm')];
      if (m) compiled.set(`${name}.${v}`, Promise.resolve(m));
    }
  }
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

/** Compiles a module's `.wasm` file given its URL (Node: node-wasm.ts reads the file). */
export type WasmCompiler = (wasm: URL) => Promise<WebAssembly.Module>;
let compileFile: WasmCompiler | undefined;

/**
 * Node entry points: compile modules with `compiler` (reading the file) and instantiate them from that compiled
 * module, instead of letting the glue fetch the `.wasm` (the glue is built for web and worker only).
 */
export function setWasmCompiler(compiler: WasmCompiler): void {
  compileFile = compiler;
}

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
    if (!compileFile) throw new AdvcompressError('ENCODER_ERROR', 'no wasm compiler is set in this thread (setWasmCompiler)');
    p = compileFile(files[variant].wasm);
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
      const glue = relocated.get(moduleFile(name, v, 'js')) ?? files[v].glue.href;
      const wasm = relocated.get(moduleFile(name, v, 'wasm')) ?? files[v].wasm.href;
      // (the glue is copied, not bundled: see the header; the comments keep Vite and webpack from resolving it)
      const factory = (await import(/* @vite-ignore */ /* webpackIgnore: true */ glue) as
        { default: (init: object) => Promise<unknown> }).default;
      if (compileFile || compiled.has(key)) {
        // (the glue's own instantiation hook: our compiled module, shareable with other threads)
        const module = await compiledModule(name, v);
        return factory({ instantiateWasm: (imports: WebAssembly.Imports, receive: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) => {
          WebAssembly.instantiate(module, imports).then((instance) => receive(instance, module));
          return {};
        } });
      }
      return factory({ locateFile: () => wasm });
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
