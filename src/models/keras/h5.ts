/**
 * Reading HDF5 files with h5wasm (libhdf5 compiled to WebAssembly; it reads the host file system
 * directly in Node). Only what a Keras file needs: string attributes, string-list attributes and
 * float datasets. Every HDF5 failure becomes a `BAD_H5` BenchError carrying libhdf5's own reason
 * ("truncated file: eof = …", "file signature not found") instead of its 30-line diagnostic stack.
 */
import { sniffFileKind } from '../file-kind.js';
import { existsSync } from 'node:fs';
import h5wasm, { type Dataset, type File, type Group } from 'h5wasm/node';
import { BenchError } from '../../errors.js';

export type H5File = File;
export type H5Group = Group;

let readyPromise: Promise<void> | undefined;

/**
 * Loads the HDF5 module once. libhdf5 errors then throw JavaScript errors holding the diagnostic text,
 * rather than printing it on stderr and returning an invalid id.
 */
export function h5Ready(): Promise<void> {
  readyPromise ??= h5wasm.ready.then((module) => {
    module.activate_throwing_error_handler();
  });
  return readyPromise;
}

/** The most specific line of a libhdf5 diagnostic stack (its last frame), or the message itself. */
export function hdf5Reason(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const frames = message
    .split('\n')
    .filter((l) => /^\s*#\d+:/.test(l))
    .map((l) => l.replace(/^.*?\(\):\s*/, '').trim());
  return frames.length ? frames[frames.length - 1] : message.split('\n')[0];
}

/** Opens `path` read-only; BAD_H5 when libhdf5 refuses it, WEIGHTS_MISSING when it is not there. */
export async function openH5(path: string): Promise<H5File> {
  await h5Ready();
  if (!existsSync(path)) {
    throw new BenchError('WEIGHTS_MISSING', `no such file: ${path}`, { file: path, fix: 'check the path, or run `bench pull NAME` for a zoo model' });
  }
  try {
    return new h5wasm.File(path, 'r');
  } catch (e) {
    const kind = sniffFileKind(path);
    throw new BenchError('BAD_H5', `${path} is not a readable HDF5 file: ${hdf5Reason(e)}`, {
      file: path,
      // A photo or a web page is someone's file passed as weights, not a damaged download.
      fix: kind
        ? `${path} is ${kind}, not a Keras .h5 model: pass the model's .h5 file (--weights), or fetch it with \`bench pull NAME\``
        : 'the file is truncated or not HDF5 (an interrupted download): download it again with `bench pull NAME`, or pass another file with --weights',
      cause: e,
    });
  }
}

/** Runs `fn` and turns a libhdf5 error into BAD_H5 naming `what` (a layer, a weight) in `path`. */
export function h5Try<T>(path: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof BenchError) throw e;
    throw new BenchError('BAD_H5', `${path}: cannot read ${what}: ${hdf5Reason(e)}`, {
      file: path,
      fix: 'the file is damaged: download it again',
      cause: e,
    });
  }
}

/** A scalar string attribute, or undefined when absent. Fixed-length and variable-length strings both work. */
export function stringAttr(obj: Group, name: string): string | undefined {
  if (!(name in obj.attrs)) return undefined;
  const v = obj.attrs[name].value;
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  return undefined;
}

/**
 * A string-list attribute as Keras writes it (`layer_names`, `weight_names`): an array of fixed- or
 * variable-length strings; an empty list is stored as a float64 array of length 0; a list too long for
 * one HDF5 object header is split into `name0`, `name1`, … Undefined when absent.
 */
export function stringListAttr(obj: Group, name: string): string[] | undefined {
  const attrs = obj.attrs;
  const one = (key: string): string[] => {
    const v = attrs[key].value;
    if (typeof v === 'string') return [v];
    if (Array.isArray(v)) return v.map((s) => (typeof s === 'string' ? s : String(s)));
    if (ArrayBuffer.isView(v) && (v as unknown as ArrayLike<number>).length === 0) return [];
    throw new Error(`attribute ${key} is not a list of strings (dtype ${JSON.stringify(attrs[key].dtype)})`);
  };
  if (name in attrs) return one(name);
  if (!(`${name}0` in attrs)) return undefined;
  const out: string[] = [];
  for (let i = 0; `${name}${i}` in attrs; i++) out.push(...one(`${name}${i}`));
  return out;
}

/** A sub-group, or undefined when there is none by that name. */
export function childGroup(parent: Group, name: string): Group | undefined {
  if (!parent.keys().includes(name.split('/')[0])) return undefined;
  const e = parent.get(name);
  return e instanceof h5wasm.Group ? e : undefined;
}

/** A float dataset at `path` below `group` as float32 with its shape; undefined when absent. */
export function floatDataset(group: Group, path: string): { data: Float32Array; shape: number[] } | undefined {
  let e: ReturnType<Group['get']>;
  try {
    e = group.get(path);
  } catch {
    return undefined; // libhdf5 reports a missing link as an error
  }
  if (!(e instanceof h5wasm.Dataset)) return undefined;
  const ds = e as Dataset;
  const v = ds.value;
  const shape = ds.shape ?? [];
  if (v instanceof Float32Array) return { data: v, shape };
  if (v instanceof Float64Array) return { data: Float32Array.from(v), shape };
  throw new Error(`dataset ${path} has dtype ${JSON.stringify(ds.dtype)}, expected float32 or float64`);
}
