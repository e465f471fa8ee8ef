import type { Lexicon } from '../engine.js';

/*
 * Adverbs of acting unseen (rules.ts: stealth#1): "silently", "heimlich", "en secreto", "悄悄".
 * Listed in compiled order.
 */

/** Latin-script adverbs, matched after \\b. */
export const STEALTH_ADVERBS: Lexicon = {
  concept: 'stealth',
  rationale: 'An action the text wants done unseen is one the user would not approve of.',
  entries: {
    en: ['silently', 'secretly', 'covertly', 'quietly', 'discreetly', 'stealthily', 'behind the scenes'],
    fr: ['discrètement', 'secrètement'],
    de: ['heimlich', 'unbemerkt'],
    es: ['en secreto'],
    'es-pt': ['secretamente', 'discretamente'],
  },
};

/** Adverbs in scripts that \\b does not delimit, matched anywhere. */
export const STEALTH_ADVERBS_UNBOUNDED: Lexicon = {
  concept: 'stealth-unbounded',
  rationale: 'The same adverbs in Chinese and Russian.',
  entries: {
    zh: ['悄悄', '秘密地', '偷偷'],
    ru: ['тайно', 'незаметно', 'втихую'],
  },
};
