import type { Lexicon } from '../engine.js';

/** Prohibitions that open an order to withhold: "do not", "don't", "never" (rules.ts: secrecy#3, deceive#2). Listed in compiled order. */
export const NEGATIONS: Lexicon = {
  concept: 'negation',
  rationale: 'An order not to show or reveal something starts with a prohibition.',
  entries: {
    en: ['do not', "don'?t", 'never'],
  },
};
