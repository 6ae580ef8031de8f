/**
 * A small builder for ONNX models on top of `onnx-proto` (protobufjs messages). It writes one graph in
 * static single-assignment form: declare inputs and outputs, add initializers (weights) and nodes, then
 * `toBytes()` gives a `.onnx` file onnxruntime can load. Used by the architecture replicas and by test
 * fixtures; it knows nothing about any network.
 *
 * Names are checked as the graph is built (a node may only read a tensor defined before it, every
 * tensor is written once, every declared output is produced), so a wiring mistake fails here with the
 * tensor's name rather than inside onnxruntime's loader.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type IAttributeProto = onnxProto.onnx.IAttributeProto;
type INodeProto = onnxProto.onnx.INodeProto;
type ITensorProto = onnxProto.onnx.ITensorProto;
type IValueInfoProto = onnxProto.onnx.IValueInfoProto;
type IModelProto = onnxProto.onnx.IModelProto;

/** A dimension: a fixed size, or a symbolic name such as `batch` for a free axis. */
export type Dim = number | string;

/** Element types the builder declares for graph inputs/outputs and initializers. */
export type ElemType = 'float32' | 'int64' | 'int32';

/** Typed arrays an initializer or tensor attribute can hold; the element type follows the array type. */
export type TensorData = Float32Array | BigInt64Array | Int32Array;

/**
 * An attribute value. Plain JS numbers cannot tell `1` from `1.0`, so the rule is: an integral number
 * is an INT and a fractional one a FLOAT (arrays likewise: INTS unless some element is fractional);
 * wrap a float that happens to be integral as `{ float: 1 }` / `{ floats: [1, 2] }`. A `Float32Array`
 * is always FLOATS. `{ tensor }` makes a TENSOR attribute (e.g. for `Constant`).
 */
export type AttrValue =
  | number
  | readonly number[]
  | string
  | readonly string[]
  | Float32Array
  | { float: number }
  | { floats: readonly number[] }
  | { tensor: { data: TensorData; dims: readonly number[] } };

export interface OnnxGraphOptions {
  /** Default-domain opset the model imports; default 13. */
  opset?: number;
  /** `producer_name` stamped on the model; default `fer-bench`. */
  producer?: string;
  /** `producer_version`; default empty. */
  producerVersion?: string;
  /** Graph name; default `main`. */
  name?: string;
  /** Model `doc_string`; default empty. */
  docString?: string;
}

export interface InitializerOptions {
  /**
   * Whether the tensor counts as a learned parameter in `paramCount()`; default true. Shape and index
   * constants (Slice bounds, Clip limits) pass false.
   */
  param?: boolean;
}

/** ONNX IR version written; 8 is what onnx-proto's schema (ONNX 1.10) describes and covers opset ≤ 15. */
const IR_VERSION = 8;

const ELEM_TYPE: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
};

const AttrType = onnx.AttributeProto.AttributeType;

function elemTypeOf(data: TensorData): ElemType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof BigInt64Array) return 'int64';
  return 'int32';
}

/** Little-endian raw bytes, as TensorProto.raw_data requires (every platform Node ships on is little-endian). */
function rawBytes(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function tensorProto(name: string, data: TensorData, dims: readonly number[]): ITensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new Error(`tensor '${name}': dims [${dims.join(', ')}] hold ${count} values but data has ${data.length}`);
  }
  return { name, dims: [...dims], dataType: ELEM_TYPE[elemTypeOf(data)], rawData: rawBytes(data) };
}

function valueInfo(name: string, dims: readonly Dim[], elemType: ElemType): IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM_TYPE[elemType],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, value: AttrValue): IAttributeProto {
  const enc = (s: string) => new TextEncoder().encode(s);
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { name, type: AttrType.INT, i: value } : { name, type: AttrType.FLOAT, f: value };
  }
  if (typeof value === 'string') return { name, type: AttrType.STRING, s: enc(value) };
  if (value instanceof Float32Array) return { name, type: AttrType.FLOATS, floats: Array.from(value) };
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((v) => typeof v === 'string')) {
      return { name, type: AttrType.STRINGS, strings: (value as string[]).map(enc) };
    }
    // Numbers; an empty list is written as empty INTS (ONNX lists are typed).
    const nums = value as number[];
    return nums.every(Number.isInteger)
      ? { name, type: AttrType.INTS, ints: [...nums] }
      : { name, type: AttrType.FLOATS, floats: [...nums] };
  }
  if ('float' in value) return { name, type: AttrType.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: AttrType.FLOATS, floats: [...value.floats] };
  if ('tensor' in value) return { name, type: AttrType.TENSOR, t: tensorProto(name, value.tensor.data, value.tensor.dims) };
  throw new Error(`attribute '${name}': unsupported value`);
}

/** One ONNX graph being built. Methods throw plain `Error`s: a failure here is a bug in the caller. */
export class OnnxGraph {
  readonly opset: number;
  private readonly opts: Required<Omit<OnnxGraphOptions, 'opset'>>;
  private readonly inputs: IValueInfoProto[] = [];
  private readonly outputs: IValueInfoProto[] = [];
  private readonly initializers: ITensorProto[] = [];
  private readonly nodes: INodeProto[] = [];
  private readonly metadata = new Map<string, string>();
  /** Every tensor name that has a value (input, initializer or node output). */
  private readonly defined = new Set<string>();
  /** Names taken, including declared outputs not yet produced, so `uniqueName` never hands them out. */
  private readonly taken = new Set<string>();
  private readonly counters = new Map<string, number>();
  private params = 0;

  constructor(opts: OnnxGraphOptions = {}) {
    this.opset = opts.opset ?? 13;
    this.opts = {
      producer: opts.producer ?? 'fer-bench',
      producerVersion: opts.producerVersion ?? '',
      name: opts.name ?? 'main',
      docString: opts.docString ?? '',
    };
  }

  /** A fresh tensor name `${prefix}_${n}`; never one already taken or declared as an output. */
  uniqueName(prefix: string): string {
    let n = this.counters.get(prefix) ?? 0;
    let name: string;
    do {
      name = `${prefix}_${n++}`;
    } while (this.taken.has(name));
    this.counters.set(prefix, n);
    this.taken.add(name);
    return name;
  }

  /** Declares a graph input; returns its name. */
  input(name: string, dims: readonly Dim[], elemType: ElemType = 'float32'): string {
    this.claim(name);
    this.defined.add(name);
    this.inputs.push(valueInfo(name, dims, elemType));
    return name;
  }

  /**
   * Declares a graph output; some node must write a tensor of this exact name, before or after this
   * call. Declaring (or `reserve`-ing) it before building the body keeps generated names off it.
   */
  output(name: string, dims: readonly Dim[], elemType: ElemType = 'float32'): string {
    if (name === '') throw new Error('tensor names must not be empty');
    if (this.outputs.some((o) => o.name === name)) throw new Error(`output '${name}' declared twice`);
    this.taken.add(name);
    this.outputs.push(valueInfo(name, dims, elemType));
    return name;
  }

  /** Keeps `name` from `uniqueName` (for a tensor a node will write under that exact name later). */
  reserve(name: string): void {
    this.taken.add(name);
  }

  /** Adds a constant tensor under an exact name; returns the name. */
  initializer(name: string, data: TensorData, dims: readonly number[], opts: InitializerOptions = {}): string {
    this.claim(name);
    return this.addInitializer(name, data, dims, opts.param ?? true);
  }

  /** `initializer` under a fresh name made from `prefix`, counted as a parameter. */
  param(prefix: string, data: TensorData, dims: readonly number[]): string {
    return this.addInitializer(this.uniqueName(prefix), data, dims, true);
  }

  /** A non-parameter constant (indices, limits) under a fresh name; not counted by `paramCount()`. */
  constant(prefix: string, data: TensorData, dims: readonly number[]): string {
    return this.addInitializer(this.uniqueName(prefix), data, dims, false);
  }

  /**
   * Appends a node. Inputs must already exist ('' marks an omitted optional input); outputs must be
   * new names (from `uniqueName`, or a declared graph output).
   */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attrs: Record<string, AttrValue> = {},
    opts: { name?: string; domain?: string } = {},
  ): void {
    for (const i of inputs) {
      if (i !== '' && !this.defined.has(i)) throw new Error(`${opType}: input '${i}' is not defined yet`);
    }
    for (const o of outputs) {
      if (this.defined.has(o)) throw new Error(`${opType}: output '${o}' is already written`);
      this.taken.add(o);
      this.defined.add(o);
    }
    this.nodes.push({
      opType,
      domain: opts.domain ?? '',
      name: opts.name ?? this.uniqueName(`${opType}_node`),
      input: [...inputs],
      output: [...outputs],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
  }

  /** A single-output node whose output gets a fresh name (prefix defaults to the op type); returns it. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, prefix = opType): string {
    const out = this.uniqueName(prefix);
    this.node(opType, inputs, [out], attrs);
    return out;
  }

  /** Sets a `metadata_props` entry (onnxruntime exposes these as custom metadata). */
  setMetadata(key: string, value: string): void {
    this.metadata.set(key, value);
  }

  /** Number of values in initializers added as parameters (the count an ONNX export has: BN folded). */
  paramCount(): number {
    return this.params;
  }

  /** The model message; throws if a declared output was never produced. */
  toModel(): IModelProto {
    for (const o of this.outputs) {
      if (!this.defined.has(o.name!)) throw new Error(`output '${o.name}' is declared but no node writes it`);
    }
    return {
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: this.opset }],
      producerName: this.opts.producer,
      producerVersion: this.opts.producerVersion,
      docString: this.opts.docString,
      graph: {
        name: this.opts.name,
        input: this.inputs,
        output: this.outputs,
        initializer: this.initializers,
        node: this.nodes,
      },
      metadataProps: [...this.metadata].map(([key, value]) => ({ key, value })),
    };
  }

  /** The serialised `.onnx` file. */
  toBytes(): Uint8Array {
    return onnx.ModelProto.encode(onnx.ModelProto.create(this.toModel())).finish();
  }

  private addInitializer(name: string, data: TensorData, dims: readonly number[], param: boolean): string {
    this.defined.add(name);
    this.initializers.push(tensorProto(name, data, dims));
    if (param) this.params += data.length;
    return name;
  }

  private claim(name: string): void {
    if (name === '') throw new Error('tensor names must not be empty');
    if (this.taken.has(name)) throw new Error(`tensor name '${name}' is already used`);
    this.taken.add(name);
  }
}

/**
 * The `metadata_props` of a serialised model, read without decoding the graph (a 30 MB replica's
 * weights are skipped, not copied): scans the top-level ModelProto fields for field 14.
 */
export function readModelMetadata(bytes: Uint8Array): Record<string, string> {
  const METADATA_PROPS = 14;
  const out: Record<string, string> = {};
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (;;) {
      if (pos >= bytes.length) throw new Error('truncated ONNX model');
      const b = bytes[pos++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
  };
  while (pos < bytes.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    switch (tag & 7) {
      case 0:
        varint();
        break;
      case 1:
        pos += 8;
        break;
      case 5:
        pos += 4;
        break;
      case 2: {
        const len = varint();
        if (field === METADATA_PROPS) {
          const entry = onnx.StringStringEntryProto.decode(bytes.subarray(pos, pos + len));
          out[entry.key] = entry.value;
        }
        pos += len;
        break;
      }
      default:
        throw new Error(`not an ONNX model: wire type ${tag & 7} at byte ${pos}`);
    }
  }
  return out;
}
