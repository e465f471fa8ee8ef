/**
 * Every cut-off of the scorer in one place, with how it was chosen.
 */

/**
 * Score → severity. Set by hand in the rule rounds (docs/scan-checks.md, History): one strong
 * signal (3–3.5: secrecy, solicitation, authority) reads medium, a strong signal plus context or
 * two signals read high, an override plus a solicitation reads critical. Checked against the
 * benign fixtures (≤ 2 % medium+) and public corpora; not refit since.
 */
export const SEVERITY_AT = { critical: 7, high: 4.5, medium: 3, low: 1.5 } as const;

/** Below a real signal (weight ≥ this) weak context words cannot add up past low. */
export const REAL_SIGNAL_WEIGHT = 2;
/** Score cap for texts with only weak signals: stays low however many weak words appear. */
export const WEAK_ONLY_CAP = 2;

/**
 * Learned-model probability at or above which the model adds its signal. Chosen from the
 * leave-one-source-out run (data/detector/loso.json): at 0.95 the real tool-description sources
 * each stay at or below 1.2 % flagged (awslabs 1.2 %, docker-mcp-registry 0.6 %, github 0 %,
 * grafana 0 %, agentdojo-tools 0 %), while lower cut-offs cost several percent on real tool prose.
 * (intentprobe-clean reads 26 %: held out, its poisoned twins teach the model their topics.)
 */
export const MODEL_PROBABILITY = 0.95;
/**
 * Weight of the model's signal. Below REAL_SIGNAL_WEIGHT on purpose: leave-one-source-out recall is
 * low (see docs), so the model may only tip a text the rules already found suspicious (a low score
 * of 2–2.5 becomes medium), never flag on its own.
 */
export const MODEL_WEIGHT = 1;
/** Texts shorter than this (parameter names, "Repository owner") give the model too little to read. */
export const MODEL_MIN_CHARS = 24;
