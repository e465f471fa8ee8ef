import type { Lexicon } from '../engine.js';

/** Verbs that open an order to move data: "Send it to …", "Then upload …" (structure.ts: IMPERATIVE). */
export const IMPERATIVE_VERBS: Lexicon = {
  concept: 'imperative',
  rationale: 'A sentence that opens with a transfer verb is an order to whoever reads it.',
  entries: {
    en: [
      'send',
      'post',
      'upload',
      'forward',
      'include',
      'attach',
      'append',
      'copy',
      'put',
      'paste',
      'pass',
      'submit',
      'share',
      'relay',
      'repeat',
      'transmit',
      'mail',
      'e-?mail',
    ],
  },
};
