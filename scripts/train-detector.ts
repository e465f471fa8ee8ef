/**
 * Train the learned detector from data/detector/*.jsonl and write its weights:
 *   npm run train:detector            (writes src/security/detect/model/weights.ts and data/detector/loso.json)
 *   npm run train:detector -- --eval  (leave-one-source-out figures only, weights untouched)
 * Logistic regression over hashed n-grams (src/security/detect/model/features.ts), AdaGrad with L2,
 * classes balanced, fixed seed and fixed sample order, so the same data gives the same bytes.
 * Leave-one-source-out: for every source S, a model trained without S scores S. That is the honest
 * figure; a random split of one benchmark mostly measures memorised templates.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUCKETS, HASH_BITS, featurize, type FeatureVector } from '../src/security/detect/model/features.js';
import { MODEL_PROBABILITY } from '../src/security/detect/thresholds.js';
import { scanTools, severityRank, type ScanOptions } from '../src/security/index.js';

interface Sample {
  source: string;
  label: 0 | 1;
  kind: string;
  text: string;
}
interface Encoded {
  source: string;
  label: 0 | 1;
  v: FeatureVector;
}

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const DATA = join(ROOT, 'data', 'detector');
const SEED = 20261203;
// Overridable for experiments only; the committed weights use these defaults.
const EPOCHS = Number(process.env.DETECTOR_EPOCHS ?? 12);
const LEARNING_RATE = Number(process.env.DETECTOR_LR ?? 0.5);
const L2 = Number(process.env.DETECTOR_L2 ?? 1e-6);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function load(): Sample[] {
  return readdirSync(DATA)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) =>
      readFileSync(join(DATA, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Sample),
    );
}

interface Model {
  w: Float64Array;
  bias: number;
}

function train(samples: Encoded[]): Model {
  const w = new Float64Array(BUCKETS);
  const g2 = new Float64Array(BUCKETS).fill(1e-8);
  let bias = 0;
  let gb2 = 1e-8;
  const pos = samples.filter((s) => s.label === 1).length;
  const neg = samples.length - pos;
  // Balanced classes: each class carries half the total weight whatever its size.
  const classWeight = [samples.length / (2 * Math.max(neg, 1)), samples.length / (2 * Math.max(pos, 1))];
  const order = samples.map((_, i) => i);
  const rand = mulberry32(SEED);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
    }
    for (const idx of order) {
      const s = samples[idx];
      if (!s) continue;
      let z = bias;
      for (let k = 0; k < s.v.index.length; k++) z += (w[s.v.index[k] ?? 0] ?? 0) * (s.v.value[k] ?? 0);
      const p = 1 / (1 + Math.exp(-z));
      const g = (p - s.label) * (classWeight[s.label] ?? 1);
      for (let k = 0; k < s.v.index.length; k++) {
        const b = s.v.index[k] ?? 0;
        const grad = g * (s.v.value[k] ?? 0) + L2 * (w[b] ?? 0);
        g2[b] = (g2[b] ?? 0) + grad * grad;
        w[b] = (w[b] ?? 0) - (LEARNING_RATE * grad) / Math.sqrt(g2[b] ?? 1);
      }
      gb2 += g * g;
      bias -= (LEARNING_RATE * g) / Math.sqrt(gb2);
    }
  }
  return { w, bias };
}

function predict(m: Model, v: FeatureVector): number {
  let z = m.bias;
  for (let k = 0; k < v.index.length; k++) z += (m.w[v.index[k] ?? 0] ?? 0) * (v.value[k] ?? 0);
  return 1 / (1 + Math.exp(-z));
}

/** Int8 weights with one scale: 256 KiB for 2^18 buckets, and the ranking survives the rounding. */
function quantize(m: Model): { scale: number; bytes: Buffer } {
  let max = 0;
  for (const x of m.w) max = Math.max(max, Math.abs(x));
  const scale = max / 127 || 1;
  const q = new Int8Array(BUCKETS);
  for (let i = 0; i < BUCKETS; i++) q[i] = Math.max(-127, Math.min(127, Math.round((m.w[i] ?? 0) / scale)));
  return { scale, bytes: Buffer.from(q.buffer) };
}

export const REPORT_THRESHOLDS = [0.5, 0.7, 0.8, 0.9, 0.95];

/** The scanner's verdict on a text used as a one-tool server's description: medium or above counts. */
function flaggedAsTool(text: string, model: ScanOptions['model']): boolean {
  return scanTools([{ name: 'eval', tools: [{ name: 'tool', description: text }] }], { model, flows: false }).some(
    (f) => f.entity.kind === 'tool' && severityRank(f.severity) >= severityRank('medium'),
  );
}

/**
 * Tool poisoning is an attack sentence inside an otherwise honest description. Pairing each attack
 * text with a benign tool description from the same training fold teaches the model the attack part
 * instead of "benchmark prose versus tool prose". Only texts of the fold are used, so a held-out
 * source never leaks in.
 */
function augment(fold: Sample[]): Sample[] {
  const hosts = fold.filter((s) => s.label === 0 && s.kind === 'tool-description');
  const attacks = fold.filter((s) => s.label === 1 && s.text.length <= 600);
  if (hosts.length === 0) return [];
  const rand = mulberry32(SEED ^ 0x5bd1e995);
  return attacks.map((a) => {
    const host = hosts[Math.floor(rand() * hosts.length)]?.text ?? '';
    const cut = host.slice(0, 400);
    const text = rand() < 0.5 ? `${cut} ${a.text}` : `${a.text} ${cut}`;
    return { source: a.source, label: 1 as const, kind: 'augmented', text };
  });
}

function encode(samples: Sample[]): Encoded[] {
  return samples.map((s) => ({ source: s.source, label: s.label, v: featurize(s.text) }));
}

function main(): void {
  const evalOnly = process.argv.includes('--eval');
  const samples = load();
  const encoded: Encoded[] = encode(samples);
  const sources = [...new Set(encoded.map((s) => s.source))].sort();
  const loso: {
    source: string;
    label: 0 | 1;
    n: number;
    flagged: Record<string, number>;
    rules: number;
    combined: number;
    embedded?: { rules: number; combined: number };
  }[] = [];
  const hosts = samples.filter((s) => s.label === 0 && s.kind === 'tool-description');
  const outOfSource: { label: 0 | 1; p: number; kind: string }[] = [];
  for (const source of sources) {
    const fold = samples.filter((s) => s.source !== source);
    const model = train([...encoded.filter((s) => s.source !== source), ...encode(augment(fold))]);
    const held = encoded.filter((s) => s.source === source);
    const probs = held.map((s) => predict(model, s.v));
    const kinds = samples.filter((s) => s.source === source).map((s) => s.kind);
    held.forEach((s, i) => outOfSource.push({ label: s.label, p: probs[i] ?? 0, kind: kinds[i] ?? '' }));
    const flagged: Record<string, number> = {};
    for (const t of REPORT_THRESHOLDS) flagged[String(t)] = probs.filter((p) => p >= t).length / Math.max(held.length, 1);
    // The full scanner verdict on the held-out texts: rules alone, and rules + this fold's model.
    const texts = samples.filter((s) => s.source === source).map((s) => s.text);
    const foldModel = (text: string): number => predict(model, featurize(text));
    const rules = texts.filter((t) => flaggedAsTool(t, false)).length / Math.max(texts.length, 1);
    const combined = texts.filter((t) => flaggedAsTool(t, foldModel)).length / Math.max(texts.length, 1);
    // The task the scanner faces: the held-out attack inside an honest tool description.
    let embedded: { rules: number; combined: number } | undefined;
    if (held[0]?.label === 1) {
      const rand = mulberry32(SEED ^ 0x27d4eb2d);
      const poisoned = texts.map((t) => `${(hosts[Math.floor(rand() * hosts.length)]?.text ?? '').slice(0, 400)} ${t}`);
      embedded = {
        rules: poisoned.filter((t) => flaggedAsTool(t, false)).length / poisoned.length,
        combined: poisoned.filter((t) => flaggedAsTool(t, foldModel)).length / poisoned.length,
      };
      console.log(
        `${''.padEnd(18)} embedded in a tool description: rules ${embedded.rules.toFixed(3)} rules+model ${embedded.combined.toFixed(3)}`,
      );
    }
    loso.push({ source, label: held[0]?.label ?? 0, n: held.length, flagged, rules, combined, ...(embedded ? { embedded } : {}) });
    const figs = REPORT_THRESHOLDS.map((t) => `${t}:${(flagged[String(t)] ?? 0).toFixed(3)}`).join(' ');
    console.log(
      `${source.padEnd(18)} ${held[0]?.label === 1 ? 'attack' : 'benign'} n=${String(held.length).padStart(4)} model@ ${figs} | scan rules ${rules.toFixed(3)} rules+model ${combined.toFixed(3)} (model counts at ${MODEL_PROBABILITY})`,
    );
  }
  // Recall at the cut-off where out-of-source benign tool descriptions are 1 % flagged.
  const toolNeg = outOfSource
    .filter((s) => s.label === 0 && s.kind === 'tool-description')
    .map((s) => s.p)
    .sort((a, b) => b - a);
  const cut = toolNeg[Math.floor(toolNeg.length * 0.01)] ?? 1;
  const posAll = outOfSource.filter((s) => s.label === 1);
  console.log(
    `pooled out-of-source recall at 1 % tool-description FPR (p >= ${cut.toFixed(3)}): ${(posAll.filter((s) => s.p > cut).length / posAll.length).toFixed(3)}`,
  );
  for (const t of REPORT_THRESHOLDS) {
    const pos = outOfSource.filter((s) => s.label === 1);
    const neg = outOfSource.filter((s) => s.label === 0);
    const recall = pos.filter((s) => s.p >= t).length / pos.length;
    const fpr = neg.filter((s) => s.p >= t).length / neg.length;
    console.log(`pooled out-of-source @${t}: recall ${recall.toFixed(3)} FPR ${fpr.toFixed(4)}`);
  }
  writeFileSync(join(DATA, 'loso.json'), JSON.stringify({ seed: SEED, epochs: EPOCHS, hashBits: HASH_BITS, loso }, null, 2) + '\n');
  if (evalOnly) return;
  const final = train([...encoded, ...encode(augment(samples))]);
  const { scale, bytes } = quantize(final);
  const out = [
    '// Generated by scripts/train-detector.ts (npm run train:detector) from data/detector/*.jsonl. Do not edit.',
    `export const DETECTOR_MODEL = {`,
    `  version: 1,`,
    `  hashBits: ${HASH_BITS},`,
    `  samples: ${encoded.length},`,
    `  bias: ${final.bias},`,
    `  scale: ${scale},`,
    // Laid out as prettier prints it, so formatting the tree never rewrites the generated file.
    `  weights:`,
    `    '${bytes.toString('base64')}',`,
    `} as const;`,
    '',
  ].join('\n');
  writeFileSync(join(ROOT, 'src', 'security', 'detect', 'model', 'weights.ts'), out);
  console.log(`wrote weights: ${encoded.length} samples, ${bytes.length} buckets, scale ${scale.toExponential(3)}`);
}

main();
