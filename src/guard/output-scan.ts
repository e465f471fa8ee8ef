/**
 * Scores text a tool, resource or prompt returns for instructions aimed at the model, with the
 * scanner's own detector (scoreText). Output text is data; "ignore previous instructions",
 * "call tool X with ...", "send ~/.ssh to ...", fake system channels inside it are the attack.
 *
 * Text is scored in paragraph-sized chunks: tool outputs run to megabytes, and the detector's
 * combinations (a secret here, an outside address there) are only meaningful close together.
 */
import { findHidden, scoreText, severityForScore, severityRank, type Severity } from '../security/index.js';

type Verdict = ReturnType<typeof scoreText>;
type Signal = Verdict['signals'][number];

export interface OutputFinding {
  code: string;
  severity: Severity;
  message: string;
}

/** Instructions aimed at the model in returned content. */
export const OUTPUT_INJECTION = 'OI001';
/** Invisible characters carrying text (Unicode tag characters, variation-selector runs). */
export const OUTPUT_HIDDEN = 'OI002';
/** The output was larger than the scan budget; the rest was passed on unscanned. */
export const OUTPUT_PARTIAL_SCAN = 'OI003';

export const OUTPUT_CODES = [OUTPUT_INJECTION, OUTPUT_HIDDEN, OUTPUT_PARTIAL_SCAN] as const;

export interface ScanBudget {
  /** Characters still to be scored for this output. */
  left: number;
}

export interface OutputScanOptions {
  /** Name of the tool (or resource, prompt) the text came from; mentions of itself are not "other tools". */
  toolName?: string | undefined;
  /** Lowest severity reported as OI001. */
  reportAt: Severity;
}

const CHUNK = 4000;
const OVERLAP = 300;

/**
 * Signals that describe what text is about (a secret, a URL, "must", another function, a
 * command) rather than who it talks to. Documentation, code and logs are full of them; in data
 * they only mean an injection next to a signal that addresses or overrides the model. Ids not
 * listed here (including any the detector adds later) count as addressing the model.
 */
const CONTENT_SIGNALS = new Set([
  'sensitive-strong',
  'sensitive-weak',
  'solicit',
  'exfil-destination',
  'destination',
  'exfil-combo',
  'exec',
  'remote-code',
  'tamper',
  'invoke-other',
  'steer-other-tools',
  'obligation',
  'exposure',
  'offensive',
  'inject-link',
  'obfuscated',
  'scope-mismatch',
  'self-promotion',
]);

/** Highest score content signals alone may reach in output: just under `high`. */
const CONTENT_ONLY_CAP = 4.4;

const OUTSIDE_ADDRESS =
  /\b(?:https?|s?ftp|wss?):\/\/(?!(?:localhost|127\.0\.0\.1|\[::1\])\b)[^\s'"<>)]+|\b[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b|\b(?!127\.)\d{1,3}(?:\.\d{1,3}){3}\b/;

function sentenceOf(lower: string, fragment: string): string {
  const i = lower.indexOf(fragment);
  if (i < 0) return '';
  const start = Math.max(lower.lastIndexOf('. ', i), lower.lastIndexOf('\n', i), 0);
  const ends = [lower.indexOf('. ', i + fragment.length), lower.indexOf('\n', i + fragment.length)].filter((e) => e >= 0);
  return lower.slice(start, ends.length > 0 ? Math.min(...ends) : lower.length);
}

/**
 * The detector's verdict re-read for data. Outputs are full of links (badges, docs, sources), so
 * "a secret plus an outside address" only counts when the address sits in the sentence that
 * reaches for the secret; and a verdict made only of content signals stays below `high`.
 */
export function outputScore(text: string, verdict: Verdict): { score: number; signals: Signal[] } {
  let signals = verdict.signals;
  if (signals.some((s) => s.id === 'exfil-combo')) {
    const lower = text.normalize('NFKC').toLowerCase();
    const reach = signals.filter((s) => s.id === 'solicit' || s.id === 'sensitive-strong' || s.id === 'sensitive-weak');
    if (!reach.some((s) => OUTSIDE_ADDRESS.test(sentenceOf(lower, s.match)))) signals = signals.filter((s) => s.id !== 'exfil-combo');
  }
  if (signals === verdict.signals && !signals.every((s) => CONTENT_SIGNALS.has(s.id))) return verdict;
  const sum = signals.reduce((n, s) => n + s.weight, 0);
  // Same rule as the detector: weak words only add up next to a real signal.
  let score = signals.some((s) => s.weight >= 2) ? sum : Math.min(sum, 2);
  if (signals.every((s) => CONTENT_SIGNALS.has(s.id))) score = Math.min(score, CONTENT_ONLY_CAP);
  return { score, signals };
}

/** Cuts text into chunks of at most CHUNK characters, preferring paragraph, then line, then word ends. */
export function chunkText(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  while (text.length - from > CHUNK) {
    const window = text.slice(from, from + CHUNK);
    let cut = window.lastIndexOf('\n\n');
    if (cut < CHUNK / 2) cut = window.lastIndexOf('\n');
    if (cut < CHUNK / 2) cut = window.lastIndexOf(' ');
    if (cut < CHUNK / 2) cut = CHUNK;
    out.push(window.slice(0, cut));
    from += cut;
  }
  if (from < text.length || out.length === 0) out.push(text.slice(from));
  return out;
}

interface Worst {
  score: number;
  signals: string[];
}

function worstChunk(text: string, ownName: string | undefined, budget: ScanBudget, worst: Worst): boolean {
  let complete = true;
  let body = text;
  if (body.length > budget.left) {
    body = body.slice(0, budget.left);
    complete = false;
  }
  budget.left -= body.length;
  // Each chunk is read with the end of the one before, so a phrase cut at a chunk boundary is still seen whole.
  let tail = '';
  for (const part of chunkText(body)) {
    const chunk = tail + part;
    tail = part.slice(-OVERLAP);
    if (chunk.trim().length < 12) continue;
    const verdict = outputScore(chunk, scoreText(chunk, { ownName }));
    if (verdict.score > worst.score) {
      worst.score = verdict.score;
      worst.signals = verdict.signals.map((s) => s.id);
    }
  }
  return complete;
}

const HIDDEN_KINDS = new Set(['tag-chars', 'variation-selectors']);

/** Findings for a set of texts that reach the model together (the parts of one result). */
export function scanOutputTexts(texts: readonly string[], options: OutputScanOptions, budget: ScanBudget): OutputFinding[] {
  const findings: OutputFinding[] = [];
  const worst: Worst = { score: 0, signals: [] };
  let complete = true;
  const hiddenKinds = new Set<string>();
  const hiddenWorst: Worst = { score: 0, signals: [] };
  // The model reads the parts one after another: an instruction split across two parts must not escape.
  for (const text of texts.length > 1 ? [texts.join('\n')] : texts) {
    if (budget.left <= 0) {
      complete = false;
      break;
    }
    // Smuggled text is scored on its own: what a person cannot see must not get the benefit of the doubt.
    for (const hit of findHidden(text.slice(0, budget.left))) {
      if (!HIDDEN_KINDS.has(hit.kind)) continue;
      hiddenKinds.add(hit.kind);
      if (hit.decoded) worstChunk(hit.decoded, options.toolName, { left: CHUNK * 4 }, hiddenWorst);
    }
    if (!worstChunk(text, options.toolName, budget, worst)) complete = false;
  }
  const severity = severityForScore(worst.score);
  if (severity && severityRank(severity) >= severityRank(options.reportAt)) {
    findings.push({
      code: OUTPUT_INJECTION,
      severity,
      message: `text that looks like instructions to the model (signals: ${worst.signals.join(', ')})`,
    });
  }
  if (hiddenKinds.size > 0) {
    const decodedSeverity = severityForScore(hiddenWorst.score);
    findings.push({
      code: OUTPUT_HIDDEN,
      severity: decodedSeverity && severityRank(decodedSeverity) >= severityRank('medium') ? 'critical' : 'high',
      message: `invisible characters carrying text (${[...hiddenKinds].join(', ')})${hiddenWorst.signals.length ? `; the hidden text has signals: ${hiddenWorst.signals.join(', ')}` : ''}`,
    });
  }
  if (!complete) {
    findings.push({ code: OUTPUT_PARTIAL_SCAN, severity: 'low', message: 'output larger than the scan budget; the rest was not scanned' });
  }
  return findings;
}
