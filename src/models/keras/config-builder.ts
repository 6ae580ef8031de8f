/**
 * Builds Keras 2 Functional-model configs as tf.keras 2.x writes them (`model.get_config()` after the
 * model is built): every layer's full config with the keys and defaults tf.keras emits, `inbound_nodes`
 * in the `[[name, node, tensor, kwargs]]` form, and the `Functional` class name. The architecture
 * replica of mobilenet_7 and the `.h5` test fixtures are built from these, so they go through the same
 * `adaptModelConfig` → tfjs deserialiser path as a real Keras file.
 *
 * Keys follow TF 2.4 (Keras 2.4.0, the tf.keras of the HSEmotion notebooks' era): BatchNormalization
 * `axis` is the built layer's list (`[3]`), ReLU carries `negative_slope`/`threshold`, convolutions
 * carry `groups`, initializers are `{class_name, config}` objects.
 */
import type { Json, JsonObject, KerasLayerConfig, KerasModelConfig } from './model-config.js';

export type Padding = 'valid' | 'same';

const glorotUniform: JsonObject = { class_name: 'GlorotUniform', config: { seed: null } };
const zeros: JsonObject = { class_name: 'Zeros', config: {} };
const ones: JsonObject = { class_name: 'Ones', config: {} };

export interface Conv2DOptions {
  filters: number;
  kernel: number;
  /** Default 1. */
  strides?: number;
  /** Default 'valid' (Keras's default). */
  padding?: Padding;
  /** Default false (MobileNet's convolutions have none: batch norm follows). */
  useBias?: boolean;
  /** Default 'linear'. */
  activation?: string;
}

export interface DepthwiseOptions {
  kernel: number;
  strides?: number;
  padding?: Padding;
  useBias?: boolean;
  activation?: string;
  /** Default 1. */
  depthMultiplier?: number;
}

export interface DenseOptions {
  units: number;
  /** Default 'linear'. */
  activation?: string;
  /** Default true. */
  useBias?: boolean;
  /** L2 factor of a kernel regularizer, written as tf.keras ≥ 2.3 does (`{"class_name": "L2"}`). Default none. */
  l2?: number;
}

export interface LstmOptions {
  units: number;
  /** Default false. */
  returnSequences?: boolean;
  /** Default 'tanh'. */
  activation?: string;
  /** Default 'sigmoid' (tf.keras 2; Keras ≤ 2.2 defaulted to 'hard_sigmoid'). */
  recurrentActivation?: string;
  /** L2 factor of a kernel regularizer (EMO-AffectNet's head has 1e-3). Default none. */
  l2?: number;
}

/** A Functional model under construction; layer methods take the input layer's name and return the new layer's name. */
export class KerasFunctionalBuilder {
  private readonly layers: KerasLayerConfig[] = [];
  private readonly inputs: string[] = [];

  constructor(private readonly name = 'model') {}

  /** Any layer: its class, name, config (without name/trainable/dtype, added here) and inbound layer names. */
  layer(className: string, name: string, config: JsonObject, inbound: readonly string[]): string {
    if (this.layers.some((l) => l.name === name)) throw new Error(`layer name '${name}' is used twice`);
    for (const i of inbound) {
      if (!this.layers.some((l) => l.name === i)) throw new Error(`layer '${name}': input layer '${i}' does not exist yet`);
    }
    const full: JsonObject = { name, trainable: true, dtype: 'float32', ...config };
    const nodes: Json = inbound.length ? [inbound.map((i): Json => [i, 0, 0, {}])] : [];
    this.layers.push({ class_name: className, config: full, name, inbound_nodes: nodes });
    return name;
  }

  /** An InputLayer of the given per-item shape (batch free), e.g. `[height, width, channels]` or `[time, features]`. */
  input(name: string, shape: readonly number[]): string {
    this.layers.push({
      class_name: 'InputLayer',
      config: { batch_input_shape: [null, ...shape], dtype: 'float32', sparse: false, ragged: false, name },
      name,
      inbound_nodes: [],
    });
    this.inputs.push(name);
    return name;
  }

  zeroPadding2d(x: string, name: string, padding: [[number, number], [number, number]]): string {
    return this.layer('ZeroPadding2D', name, { padding, data_format: 'channels_last' }, [x]);
  }

  conv2d(x: string, name: string, o: Conv2DOptions): string {
    const s = o.strides ?? 1;
    return this.layer(
      'Conv2D',
      name,
      {
        filters: o.filters,
        kernel_size: [o.kernel, o.kernel],
        strides: [s, s],
        padding: o.padding ?? 'valid',
        data_format: 'channels_last',
        dilation_rate: [1, 1],
        groups: 1,
        activation: o.activation ?? 'linear',
        use_bias: o.useBias ?? false,
        kernel_initializer: glorotUniform,
        bias_initializer: zeros,
        kernel_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
      },
      [x],
    );
  }

  depthwiseConv2d(x: string, name: string, o: DepthwiseOptions): string {
    const s = o.strides ?? 1;
    return this.layer(
      'DepthwiseConv2D',
      name,
      {
        kernel_size: [o.kernel, o.kernel],
        strides: [s, s],
        padding: o.padding ?? 'valid',
        data_format: 'channels_last',
        dilation_rate: [1, 1],
        groups: 1,
        activation: o.activation ?? 'linear',
        use_bias: o.useBias ?? false,
        bias_initializer: zeros,
        bias_regularizer: null,
        activity_regularizer: null,
        bias_constraint: null,
        depth_multiplier: o.depthMultiplier ?? 1,
        depthwise_initializer: glorotUniform,
        depthwise_regularizer: null,
        depthwise_constraint: null,
      },
      [x],
    );
  }

  /** Keras defaults: epsilon 1e-3, momentum 0.99, over the last axis (3 for NHWC). */
  batchNorm(x: string, name: string, epsilon = 0.001): string {
    return this.layer(
      'BatchNormalization',
      name,
      {
        axis: [3],
        momentum: 0.99,
        epsilon,
        center: true,
        scale: true,
        beta_initializer: zeros,
        gamma_initializer: ones,
        moving_mean_initializer: zeros,
        moving_variance_initializer: ones,
        beta_regularizer: null,
        gamma_regularizer: null,
        beta_constraint: null,
        gamma_constraint: null,
      },
      [x],
    );
  }

  /** `ReLU(max_value)`; MobileNet's ReLU6 is `relu(x, name, 6)`. */
  relu(x: string, name: string, maxValue: number | null = null): string {
    return this.layer('ReLU', name, { max_value: maxValue, negative_slope: 0, threshold: 0 }, [x]);
  }

  activation(x: string, name: string, activation: string): string {
    return this.layer('Activation', name, { activation }, [x]);
  }

  globalAveragePooling2d(x: string, name: string): string {
    return this.layer('GlobalAveragePooling2D', name, { data_format: 'channels_last' }, [x]);
  }

  dropout(x: string, name: string, rate: number): string {
    return this.layer('Dropout', name, { rate, noise_shape: null, seed: null }, [x]);
  }

  dense(x: string, name: string, o: DenseOptions): string {
    return this.layer(
      'Dense',
      name,
      {
        units: o.units,
        activation: o.activation ?? 'linear',
        use_bias: o.useBias ?? true,
        kernel_initializer: glorotUniform,
        bias_initializer: zeros,
        kernel_regularizer: o.l2 === undefined ? null : { class_name: 'L2', config: { l2: o.l2 } },
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
      },
      [x],
    );
  }

  /** `Masking(mask_value)`: a time step whose features all equal the value is skipped by the recurrent layers after it. */
  masking(x: string, name: string, maskValue = 0): string {
    return this.layer('Masking', name, { mask_value: maskValue }, [x]);
  }

  /** An LSTM with every key tf.keras 2.4's `LSTM.get_config()` writes. */
  lstm(x: string, name: string, o: LstmOptions): string {
    return this.layer(
      'LSTM',
      name,
      {
        return_sequences: o.returnSequences ?? false,
        return_state: false,
        go_backwards: false,
        stateful: false,
        unroll: false,
        time_major: false,
        units: o.units,
        activation: o.activation ?? 'tanh',
        recurrent_activation: o.recurrentActivation ?? 'sigmoid',
        use_bias: true,
        kernel_initializer: glorotUniform,
        recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1.0, seed: null } },
        bias_initializer: zeros,
        unit_forget_bias: true,
        kernel_regularizer: o.l2 === undefined ? null : { class_name: 'L2', config: { l2: o.l2 } },
        recurrent_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        recurrent_constraint: null,
        bias_constraint: null,
        dropout: 0.0,
        recurrent_dropout: 0.0,
        implementation: 2,
      },
      [x],
    );
  }

  /** The model config, as `model_config` holds it. */
  build(outputs: readonly string[]): KerasModelConfig {
    for (const o of outputs) {
      if (!this.layers.some((l) => l.name === o)) throw new Error(`output layer '${o}' does not exist`);
    }
    return {
      class_name: 'Functional',
      config: {
        name: this.name,
        layers: this.layers as unknown as Json[],
        input_layers: this.inputs.map((i): Json => [i, 0, 0]),
        output_layers: outputs.map((o): Json => [o, 0, 0]),
      },
    };
  }
}
