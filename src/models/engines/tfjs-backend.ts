/**
 * The one TensorFlow.js runtime of the process and its backend. tfjs is a process-wide singleton (the
 * face-api build requires the same `@tensorflow/tfjs` module), so the backend is chosen once here and
 * every tfjs user (Keras engine, face-api expression model, face detector) awaits `initTfjsBackend()`.
 *
 * Choice (`auto`): `@tensorflow/tfjs-node` (native libtensorflow) when it is installed, else the wasm
 * backend shipped in `@tensorflow/tfjs-backend-wasm` (SIMD; no threads in Node). `tfjs-node` cannot
 * install offline, so wasm is what normally runs; every engine reports the backend that did.
 *
 * tfjs writes advice to the console (the cpu backend's "install our node backend" banner, platform and
 * kernel re-registration warnings when tfjs-node loads). `PROD` mode silences tfjs's own warnings, and
 * anything printed while the backend loads is sent to stderr, so stdout stays clean for `--json`.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BenchError } from '../../errors.js';

export type TfjsBackendName = 'wasm' | 'cpu' | 'tensorflow';

export interface TfjsBackendOptions {
  /**
   * `auto` (default): tfjs-node if installed, else wasm. `tensorflow` requires tfjs-node; `cpu` is tfjs's
   * pure-JavaScript reference backend (slow; useful to cross-check wasm).
   */
  backend?: 'auto' | TfjsBackendName;
}

export interface TfjsBackendInfo {
  /** The active tfjs backend: `wasm`, `cpu` or `tensorflow` (tfjs-node). */
  backend: TfjsBackendName;
  /** `@tensorflow/tfjs` version. */
  version: string;
  /** Threads the backend computes with: wasm (no threads in Node) and cpu use one; 0 = the library decides (tfjs-node). */
  threads: number;
}

const TFJS_NODE = '@tensorflow/tfjs-node';

let nodeBackendPromise: Promise<boolean> | undefined;
let wasmRegistered: Promise<void> | undefined;
const ready = new Map<TfjsBackendName, Promise<TfjsBackendInfo>>();

let quietDepth = 0;
let savedConsole: Pick<Console, 'log' | 'info' | 'warn'> | undefined;

/**
 * Sends console output to stderr while `fn` runs (tfjs and its backends print advice on load). A depth
 * count, not save/restore per call, so overlapping calls cannot leave the console redirected.
 */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  if (quietDepth++ === 0) {
    savedConsole = { log: console.log, info: console.info, warn: console.warn };
    const toStderr = (...args: unknown[]) => void process.stderr.write(args.map(String).join(' ') + '\n');
    console.log = console.info = console.warn = toStderr;
  }
  try {
    return await fn();
  } finally {
    if (--quietDepth === 0) Object.assign(console, savedConsole);
  }
}

/** Whether tfjs-node could be loaded (it registers the `tensorflow` backend on import). Never throws. */
function loadNodeBackend(): Promise<boolean> {
  nodeBackendPromise ??= quietly(async () => {
    try {
      // A variable specifier: the package is optional and usually absent, so neither tsc nor a bundler
      // should try to resolve it.
      const specifier: string = TFJS_NODE;
      await import(specifier);
      return tf.findBackendFactory('tensorflow') !== null;
    } catch {
      return false;
    }
  });
  return nodeBackendPromise;
}

/** Registers the wasm backend with its .wasm files located in the installed package (not a CDN). */
function registerWasm(): Promise<void> {
  wasmRegistered ??= (async () => {
    const require = createRequire(import.meta.url);
    const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as typeof import('@tensorflow/tfjs-backend-wasm');
    const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(dir + '/');
  })();
  return wasmRegistered;
}

async function activate(backend: TfjsBackendName): Promise<TfjsBackendInfo> {
  return quietly(async () => {
    tf.env().set('PROD', true);
    if (backend === 'wasm') await registerWasm();
    if (backend === 'tensorflow' && !(await loadNodeBackend())) {
      throw new BenchError('DEVICE_UNAVAILABLE', 'the TensorFlow.js backend "tensorflow" needs @tensorflow/tfjs-node, which is not installed', {
        fix: 'run `npm install @tensorflow/tfjs-node` on a machine with network access, or use the wasm backend',
      });
    }
    let ok: boolean;
    try {
      ok = await tf.setBackend(backend);
      await tf.ready();
    } catch (e) {
      throw new BenchError('DEVICE_UNAVAILABLE', `the TensorFlow.js backend "${backend}" failed to start: ${(e as Error).message}`, {
        fix: 'reinstall @tensorflow/tfjs-backend-wasm (its .wasm files must be in node_modules), or choose another backend',
        cause: e,
      });
    }
    if (!ok) {
      throw new BenchError('DEVICE_UNAVAILABLE', `the TensorFlow.js backend "${backend}" failed to initialise`, {
        fix: 'choose another backend',
      });
    }
    return { backend, version: tf.version.tfjs, threads: backend === 'tensorflow' ? 0 : 1 };
  });
}

let current: Promise<TfjsBackendInfo> | undefined;

/**
 * Initialises tfjs on the requested backend and makes it the active one; idempotent (one start per
 * backend). With `auto`, tfjs-node is used when installed and wasm otherwise, silently.
 */
export function initTfjsBackend(opts: TfjsBackendOptions = {}): Promise<TfjsBackendInfo> {
  const p = (async () => {
    const want = opts.backend ?? 'auto';
    const backend: TfjsBackendName = want === 'auto' ? ((await loadNodeBackend()) ? 'tensorflow' : 'wasm') : want;
    let started = ready.get(backend);
    if (!started) {
      started = activate(backend);
      ready.set(backend, started);
      // A failed start may be retried (after the user fixes the install), so it is not cached.
      started.catch(() => ready.delete(backend));
    }
    const info = await started;
    // Another backend may have been activated since this one was first started.
    if (tf.getBackend() !== backend) await tf.setBackend(backend);
    return info;
  })();
  current = p;
  p.catch(() => {
    if (current === p) current = undefined;
  });
  return p;
}

/** The backend already chosen by `initTfjsBackend`, or the `auto` choice when none was made yet. */
export function ensureTfjsBackend(): Promise<TfjsBackendInfo> {
  return current ?? initTfjsBackend();
}

export { tf };
