/**
 * Loading libsvm-js (libsvm 3.22 compiled to wasm, BSD-3) from ESM, and reading a trained model's
 * numbers out of the wasm heap.
 *
 * Why the heap: libsvm-js exposes predict() but not libsvm's decision values, and its text
 * serialisation prints rho with "%g" (6 digits), too coarse to reproduce scikit-learn's
 * decision_function. The svm_model struct of libsvm 3.22 is read directly instead; its layout is fixed
 * for the pinned version (package.json pins libsvm-js to exactly 0.2.1), and every read is checked
 * against what the library's own accessors return.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The emscripten module, as far as we use it. */
interface LibsvmModule {
  load(): Promise<void>;
  HEAP32: Int32Array;
  HEAPF64: Float64Array;
}

export interface LibsvmSvm {
  model: number | null;
  train(samples: ArrayLike<number>[], labels: number[]): void;
  getLabels(): number[];
  getSVIndices(): number[];
  free(): void;
}

export interface LibsvmSvmClass {
  new (options: Record<string, unknown>): LibsvmSvm;
  KERNEL_TYPES: Record<'LINEAR' | 'POLYNOMIAL' | 'RBF' | 'SIGMOID', string>;
  SVM_TYPES: Record<'C_SVC', string>;
}

export interface Libsvm {
  SVM: LibsvmSvmClass;
  module: LibsvmModule;
}

let loading: Promise<Libsvm> | undefined;

/** Loads the wasm build once per process (about 50 ms). */
export function loadLibsvm(): Promise<Libsvm> {
  loading ??= (async () => {
    // Node 20 has fetch, so emscripten first tries streaming compilation of a file path, fails and
    // prints two lines to stderr before falling back to reading the file. Hiding fetch for the
    // synchronous module start skips straight to the fallback that works.
    const savedFetch = globalThis.fetch;
    let module: LibsvmModule;
    try {
      (globalThis as { fetch?: unknown }).fetch = undefined;
      module = require('libsvm-js/out/wasm/libsvm.js') as LibsvmModule;
    } finally {
      globalThis.fetch = savedFetch;
    }
    await module.load();
    const SVM = (require('libsvm-js/src/loadSVM.js') as (m: LibsvmModule) => LibsvmSvmClass)(module);
    return { SVM, module };
  })();
  return loading;
}

export interface LibsvmModelNumbers {
  nrClass: number;
  /** Total support vectors. */
  l: number;
  /** Support vectors per class, in libsvm's class order. */
  nSV: number[];
  /** libsvm's labels in its class order (first appearance in the training rows). */
  labels: number[];
  /** 0-based indices of the support vectors in the training rows, grouped by class. */
  svIndices: number[];
  /** (nrClass − 1) rows of l coefficients (libsvm's sv_coef). */
  svCoef: Float64Array[];
  /** One rho per class pair (0,1), (0,2), …, (1,2), … */
  rho: Float64Array;
  gamma: number;
}

// Byte offsets in libsvm 3.22's struct svm_model on wasm32 (4-byte pointers and ints, 8-byte doubles):
// struct svm_parameter is 96 bytes (gamma at 16), then nr_class, l, SV, sv_coef, rho, probA, probB,
// sv_indices, label, nSV.
const OFF = { gamma: 16, nrClass: 96, l: 100, svCoef: 108, rho: 112, svIndices: 124, label: 128, nSV: 132 };

/** Copies a trained model's numbers out of the wasm heap, checked against the library's accessors. */
export function readModel(lib: Libsvm, svm: LibsvmSvm): LibsvmModelNumbers {
  const m = svm.model;
  if (m === null) throw new Error('libsvm-js: no trained model to read');
  const i32 = lib.module.HEAP32;
  const f64 = lib.module.HEAPF64;
  const int = (byte: number) => i32[byte >> 2];
  const nrClass = int(m + OFF.nrClass);
  const l = int(m + OFF.l);
  const ints = (ptr: number, n: number) => Array.from(i32.subarray(ptr >> 2, (ptr >> 2) + n));
  const labels = ints(int(m + OFF.label), nrClass);
  const nSV = ints(int(m + OFF.nSV), nrClass);
  const svIndices = ints(int(m + OFF.svIndices), l).map((i) => i - 1);
  const coefPtrs = ints(int(m + OFF.svCoef), nrClass - 1);
  const svCoef = coefPtrs.map((p) => f64.slice(p >> 3, (p >> 3) + l));
  const rhoPtr = int(m + OFF.rho);
  const rho = f64.slice(rhoPtr >> 3, (rhoPtr >> 3) + (nrClass * (nrClass - 1)) / 2);
  const gamma = f64[(m + OFF.gamma) >> 3];
  const sum = nSV.reduce((a, b) => a + b, 0);
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, k) => v === b[k]);
  if (sum !== l || !same(labels, svm.getLabels()) || !same(svIndices, svm.getSVIndices())) {
    throw new Error('libsvm-js: the model struct does not have the layout of libsvm 3.22; install libsvm-js@0.2.1 exactly');
  }
  return { nrClass, l, nSV, labels, svIndices, svCoef, rho, gamma };
}
