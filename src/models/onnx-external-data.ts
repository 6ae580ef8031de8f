/**
 * ONNX external data, checked before onnxruntime opens a file. A tensor with `data_location = EXTERNAL`
 * names the file holding its bytes (`location`, relative to the model's folder); onnxruntime reads it as
 * given, so a downloaded or user-supplied model could make it read any file (`/etc/shadow`, `../../x`,
 * or a symlink in the folder pointing elsewhere). Such a model is refused; external data kept in the
 * model's own folder (large exports split into `model.onnx` + `model.onnx.data`) loads as before.
 * onnxruntime-node 1.30 validates these paths itself too; the check here does not depend on the runtime's
 * version, covers the RetinaFace and temporal-head sessions alike, and says what to do instead of
 * onnxruntime's "path validation failed" (which the engine would otherwise report as a damaged download).
 *
 * Every tensor is visited: initializers, sparse initializers, Constant-node and other tensor attributes,
 * subgraphs (If/Loop bodies) and training-info graphs.
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import onnxProto from 'onnx-proto';
import { BenchError } from '../errors.js';
import { RealRoot, resolveUnder } from '../datasets/paths.js';

const { onnx } = onnxProto;
type ITensorProto = onnxProto.onnx.ITensorProto;
type IGraphProto = onnxProto.onnx.IGraphProto;
type IModelProto = onnxProto.onnx.IModelProto;

export interface ExternalDataRef {
  /** The tensor's name (or `<unnamed>`). */
  tensor: string;
  /** Its `location` entry as written; undefined when the entry is missing. */
  location?: string;
}

function tensorsOfGraph(g: IGraphProto | null | undefined, out: ITensorProto[]): void {
  if (!g) return;
  out.push(...(g.initializer ?? []));
  for (const s of g.sparseInitializer ?? []) {
    if (s.values) out.push(s.values);
    if (s.indices) out.push(s.indices);
  }
  for (const n of g.node ?? []) {
    for (const a of n.attribute ?? []) {
      if (a.t) out.push(a.t);
      out.push(...(a.tensors ?? []));
      for (const s of [a.sparseTensor, ...(a.sparseTensors ?? [])]) {
        if (s?.values) out.push(s.values);
        if (s?.indices) out.push(s.indices);
      }
      tensorsOfGraph(a.g, out);
      for (const sub of a.graphs ?? []) tensorsOfGraph(sub, out);
    }
  }
}

/** The tensors of a decoded model that keep their data outside the file. */
export function externalDataRefs(model: IModelProto): ExternalDataRef[] {
  const tensors: ITensorProto[] = [];
  tensorsOfGraph(model.graph, tensors);
  for (const t of model.trainingInfo ?? []) {
    tensorsOfGraph(t.initialization, tensors);
    tensorsOfGraph(t.algorithm, tensors);
  }
  return tensors
    .filter((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData?.length ?? 0) > 0)
    .map((t) => ({ tensor: t.name || '<unnamed>', location: t.externalData?.find((e) => e.key === 'location')?.value ?? undefined }));
}

const LOCATION = Buffer.from('location');

/**
 * Throws UNSUPPORTED_FORMAT when a tensor of the ONNX model at `file` keeps its data outside the model's
 * folder: an absolute location, one with `..` that leaves the folder, a NUL byte, or a symlink (the file or
 * a folder on the way) that resolves elsewhere. A location that does not exist passes: onnxruntime then
 * refuses the model with its own message. `bytes` avoids reading the file again when the caller has them.
 */
export async function refuseEscapingExternalData(file: string, bytes?: Uint8Array): Promise<void> {
  const data = bytes ?? (await readFile(file).catch(() => undefined));
  if (!data) return; // unreadable: onnxruntime says why
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  // Without a `location` key anywhere there is no external file to read: skip decoding a large model.
  if (buf.indexOf(LOCATION) < 0) return;
  let model: IModelProto;
  try {
    model = onnx.ModelProto.decode(buf);
  } catch {
    return; // not a protobuf: onnxruntime refuses it and the engine explains what the file is
  }
  const dir = path.dirname(path.resolve(file));
  let real: RealRoot | undefined;
  for (const ref of externalDataRefs(model)) {
    if (ref.location === undefined) continue; // onnxruntime refuses external data without a location
    const listed = ref.location.replace(/\\/g, '/');
    // Absolute locations are refused even when they point into the folder: a copied model would read the original's.
    const lexical = path.isAbsolute(listed) || /^[A-Za-z]:/.test(listed) ? { ok: false as const, detail: `'${ref.location}' is an absolute path` } : resolveUnder(dir, listed);
    let why = lexical.ok ? undefined : lexical.detail;
    if (lexical.ok) {
      real ??= await RealRoot.of(dir);
      why = await real.escape(lexical.abs, 'file');
    }
    if (why) {
      throw new BenchError('UNSUPPORTED_FORMAT', `${file}: tensor '${ref.tensor}' keeps its data in an external file outside the model's folder (${why}); refused before onnxruntime opens it`, {
        file,
        fix: "keep external data files in the model's folder, named by a relative location without '..' (or re-save the model with its tensors inside: onnx.save_model(model, path, save_as_external_data=False))",
      });
    }
  }
}
