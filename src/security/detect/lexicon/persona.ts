import type { Lexicon } from '../engine.js';

/*
 * Persona takeover (structure.ts: PERSONA, NO_LIMITS): the model told to become someone, and that
 * someone said to have no limits. Whole words or phrases; structure.ts adds the boundaries.
 */

/** "Play the role of", "you are now", "from this point on, you". */
export const PERSONA_CUES: Lexicon = {
  concept: 'persona',
  rationale: 'A role handed to the model replaces the one its operator gave it.',
  entries: {
    en: [
      'plays?',
      'playing',
      'play the (?:role|part) of',
      'role-?play\\w*',
      'impersonat\\w+',
      'adopt\\w* the persona',
      "let(?:'s| us) play a game",
      'you are now',
      'you are [a-z]*bot\\b',
      'from this point(?: on| forward)?,? (?:the (?:assistant|model|agent)|you)',
    ],
  },
};

/** "Unfiltered", "never refuses", "no rules": the persona is one without limits. */
export const NO_LIMITS_CLAIMS: Lexicon = {
  concept: 'no-limits',
  rationale: 'A persona promised to answer anything is a jailbreak, not a writing style.',
  entries: {
    en: [
      'unfiltered',
      'uncensored',
      'unrestricted',
      'no limitations',
      'no limits',
      'without limits',
      'answers? anything',
      'never refuses?',
      'no (?:rules|filters|boundaries)',
      'never mentions? (?:policies|rules|guidelines)',
    ],
  },
};
