/** A minimal valid model card for tests, with overrides. */
import { ModelCard, type ModelCardInput } from '../../src/models/card.js';

export function testCard(overrides: Partial<ModelCardInput> = {}, weights: Partial<ModelCardInput['weights']> = {}): ModelCard {
  return ModelCard.parse({
    name: 'test_model',
    family: 'custom',
    description: 'a test card',
    weights: { name: 'test_model.onnx', format: 'onnx', ...weights },
    architecture: 'efficientnet_b0',
    input: { name: 'input', size: 224, colorOrder: 'RGB', layout: 'NCHW', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    heads: { expression: { output: 'output', length: 7, kind: 'logits' } },
    classes: ['anger', 'disgust', 'fear', 'happiness', 'neutral', 'sadness', 'surprise'],
    ...overrides,
  });
}
