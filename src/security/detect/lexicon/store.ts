import type { Lexicon } from '../engine.js';

/** Keeping data for later: "store", "save", "log", "stash" (structure.ts: STORE; each matched as a word start). */
export const STORE_VERBS: Lexicon = {
  concept: 'store',
  rationale: 'Capturing a secret when it appears needs a verb that keeps it, even without sending it anywhere yet.',
  entries: {
    en: ['store', 'save', 'record', 'write', 'log', 'keep', 'stash', 'paste', 'put', 'place', 'copy'],
  },
};
