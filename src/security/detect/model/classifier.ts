/**
 * Inference for the learned detector: logistic regression over hashed n-grams (features.ts), with
 * weights trained by scripts/train-detector.ts and committed in weights.ts. Pure TypeScript, no
 * network: the weights are a base64 string in the package, decoded once on first use.
 */

import { DETECTOR_MODEL } from './weights.js';
import { BUCKETS, featurize, type FeatureVector } from './features.js';

let decoded: Int8Array | undefined;

function weights(): Int8Array {
  if (!decoded) {
    const bytes = Buffer.from(DETECTOR_MODEL.weights, 'base64');
    if (bytes.length !== BUCKETS) throw new Error(`detector weights hold ${bytes.length} buckets, expected ${BUCKETS}`);
    decoded = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  return decoded;
}

function logit(v: FeatureVector): number {
  const w = weights();
  let z = DETECTOR_MODEL.bias;
  for (let i = 0; i < v.index.length; i++) z += (w[v.index[i] ?? 0] ?? 0) * DETECTOR_MODEL.scale * (v.value[i] ?? 0);
  return z;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Probability that `text` is an injection / poisoning attempt, in [0, 1]. */
export function modelProbability(text: string): number {
  return sigmoid(logit(featurize(text)));
}

export interface ModelExplanation {
  probability: number;
  /** The n-grams that pushed the score up most, strongest first. */
  top: { feature: string; contribution: number }[];
}

/** Probability plus the n-grams behind it; slower than modelProbability, used only for reported findings. */
export function explainModel(text: string, limit = 5): ModelExplanation {
  const names = new Map<number, string>();
  const v = featurize(text, (bucket, name) => {
    if (!names.has(bucket)) names.set(bucket, name);
  });
  const w = weights();
  const contributions: { feature: string; contribution: number }[] = [];
  for (let i = 0; i < v.index.length; i++) {
    const bucket = v.index[i] ?? 0;
    const c = (w[bucket] ?? 0) * DETECTOR_MODEL.scale * (v.value[i] ?? 0);
    if (c > 0) contributions.push({ feature: names.get(bucket) ?? `#${bucket}`, contribution: c });
  }
  contributions.sort((a, b) => b.contribution - a.contribution);
  return {
    probability: sigmoid(logit(v)),
    top: contributions.slice(0, limit).map((c) => ({ feature: c.feature.trim(), contribution: Number(c.contribution.toFixed(3)) })),
  };
}
