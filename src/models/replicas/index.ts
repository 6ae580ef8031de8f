/** Public surface of the replica builder and the ONNX graph builder it rests on. */
export { buildReplica, canReplicate, replicaStamp, REPLICA_METADATA_KEY } from './replica.js';
export type { Replica, ReplicaOptions, ReplicaStamp } from './replica.js';
export { OnnxGraph, readModelMetadata } from './onnx-graph.js';
export type { AttrValue, Dim, ElemType, OnnxGraphOptions, TensorData } from './onnx-graph.js';
