/**
 * TF.js models on disk (`model.json` + binary weight shards), read and written with `fs`. Pure
 * `@tensorflow/tfjs` has no file loader (`file://` URLs need tfjs-node), so this is the IO handler the
 * engine loads layers and graph models through. Problems name the file: a missing shard, a shard
 * shorter than its manifest says, a model.json that is not one.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { BenchError } from '../../errors.js';
import { ensureTfjsBackend, tf } from './tfjs-backend.js';

type io = typeof tfTypes.io;
type ModelJSON = tfTypes.io.ModelJSON;
type WeightsManifestEntry = tfTypes.io.WeightsManifestEntry;

/** Bytes per element of each stored dtype (quantised weights store their quantisation dtype). */
const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };

/** Stored size of one weight, or undefined when it cannot be known from the spec (strings). */
function storedBytes(spec: WeightsManifestEntry): number | undefined {
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const per = BYTES[dtype];
  return per === undefined ? undefined : per * spec.shape.reduce((a, b) => a * b, 1);
}

/** Resolves a model path: a `model.json` file, or a directory holding one. */
export function modelJsonPath(path: string): string {
  return existsSync(path) && statSync(path).isDirectory() ? join(path, 'model.json') : path;
}

async function readModelJson(file: string): Promise<ModelJSON> {
  if (!existsSync(file)) {
    throw new BenchError('WEIGHTS_MISSING', `no TF.js model at ${file}`, { file, fix: 'point at the model.json (or its directory) written by tensorflowjs_converter or model.save()' });
  }
  let json: ModelJSON;
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as ModelJSON;
  } catch (e) {
    throw new BenchError('UNSUPPORTED_FORMAT', `${file} is not valid JSON: ${(e as Error).message}`, { file, fix: 'the file is damaged: convert or download the model again', cause: e });
  }
  if (json === null || typeof json !== 'object' || !json.modelTopology) {
    throw new BenchError('UNSUPPORTED_FORMAT', `${file} has no modelTopology, so it is not a TF.js model.json`, {
      file,
      fix: 'a TF.js model is a model.json with modelTopology and weightsManifest, plus .bin shards',
    });
  }
  return json;
}

/** Reads every shard of `manifest` (paths relative to `dir`) and checks their total size against the specs. */
async function readShards(manifest: tfTypes.io.WeightsManifestConfig, dir: string, file: string): Promise<[WeightsManifestEntry[], ArrayBuffer[]]> {
  const specs: WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  let have = 0;
  for (const group of manifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const shard = resolve(dir, p);
      if (!existsSync(shard)) {
        throw new BenchError('WEIGHTS_MISSING', `weight shard ${p} listed in ${file} is missing (looked for ${shard})`, {
          file: shard,
          fix: 'copy every .bin file listed in model.json next to it',
        });
      }
      const bytes = await readFile(shard);
      buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      have += bytes.byteLength;
    }
  }
  const sizes = specs.map(storedBytes);
  if (sizes.every((s) => s !== undefined)) {
    const need = (sizes as number[]).reduce((a, b) => a + b, 0);
    if (have < need) {
      throw new BenchError('UNSUPPORTED_FORMAT', `the weight shards of ${file} hold ${have} bytes but its weightsManifest needs ${need}`, {
        file,
        fix: 'a shard is truncated: copy or download the model again',
      });
    }
  }
  return [specs, buffers];
}

/** An IOHandler that loads `model.json` and its shards from the local file system. */
export function fileModelHandler(path: string): tfTypes.io.IOHandler {
  const file = modelJsonPath(path);
  return {
    async load(): Promise<tfTypes.io.ModelArtifacts> {
      const json = await readModelJson(file);
      return (tf.io as io).getModelArtifactsForJSON(json, (manifest) => readShards(manifest, dirname(file), file));
    },
  };
}

/** An IOHandler that saves a model as `dir/model.json` + `dir/weights.bin` (one shard). */
export function fileSaveHandler(dir: string): tfTypes.io.IOHandler {
  return {
    async save(artifacts: tfTypes.io.ModelArtifacts): Promise<tfTypes.io.SaveResult> {
      await mkdir(dir, { recursive: true });
      const weightsManifest: tfTypes.io.WeightsManifestConfig = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }];
      const json: ModelJSON = {
        modelTopology: artifacts.modelTopology as ModelJSON['modelTopology'],
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest,
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      const data = artifacts.weightData === undefined ? new ArrayBuffer(0) : (tf.io as io).concatenateArrayBuffers(artifacts.weightData);
      await writeFile(join(dir, 'weights.bin'), new Uint8Array(data));
      await writeFile(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: (tf.io as io).getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

/**
 * Loads a TF.js model from disk: a layers model (`format: "layers-model"`, or a Keras topology) or a
 * graph model (`format: "graph-model"`, from tensorflowjs_converter on a SavedModel).
 */
export async function loadTfjsModelFile(path: string): Promise<tfTypes.LayersModel | tfTypes.GraphModel> {
  await ensureTfjsBackend();
  const file = modelJsonPath(path);
  const json = await readModelJson(file);
  const topology = json.modelTopology as { node?: unknown; class_name?: unknown; model_config?: unknown };
  const isGraph = json.format === 'graph-model' || (json.format === undefined && Array.isArray(topology.node));
  try {
    return isGraph ? await tf.loadGraphModel(fileModelHandler(file)) : await tf.loadLayersModel(fileModelHandler(file));
  } catch (e) {
    if (e instanceof BenchError) throw e;
    throw new BenchError('UNSUPPORTED_FORMAT', `TensorFlow.js could not load ${file}: ${(e as Error).message}`, {
      file,
      fix: 'the model uses an op or layer TF.js lacks, or its files are damaged: convert it again, or export it to ONNX',
      cause: e,
    });
  }
}
