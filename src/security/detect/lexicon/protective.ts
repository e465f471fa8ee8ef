import type { Lexicon } from '../engine.js';

/** Wording that turns a mention of a secret or a destructive command into a warning ("~/.ssh is rejected"). */
export const PROTECTIVE: Lexicon = {
  concept: 'protective',
  rationale: 'Honest tools name dangerous things to say they refuse them; the sentence then protects rather than requests.',
  entries: {
    en: [
      'are blocked',
      'is blocked',
      'no keys are',
      'never returned',
      '(?:are|is) never (?:read|returned|sent|shown|logged)',
      'rejected',
      'refused',
      'not allowed',
      'disallowed',
      'forbidden',
      'denied',
      'blocked',
      'excluded',
      'prohibited',
      'never (?:read|access|expose|share|log)',
      'cannot be',
      "can'?t be",
      'must not be',
      'are not (?:allowed|permitted|accessible)',
      'is not (?:allowed|permitted|accessible)',
      'redact(?:ed|s)?',
      'masked',
    ],
  },
};
