import type { Lexicon } from '../engine.js';

/** Asking the human to configure their own credential: configuration, not solicitation. */
export const SETUP_NOTE: Lexicon = {
  concept: 'setup-note',
  rationale: 'READMEs copied into descriptions tell the person to pass their own API key or say where the key is read from.',
  entries: {
    en: [
      '\\b(?:pass|provide|enter|set|put|supply|use|add|include) your (?:own )?(?:\\w+ ){0,2}(?:api[ _-]?keys?|tokens?|personal access tokens?|access tokens?|credentials|passwords?|secrets?)\\b',
      '\\b(?:is|are) (?:read|loaded|taken) from (?:the )?(?:env(?:ironment)?(?: variables?)?\\b|[a-z0-9]+_(?:user|token|key|password|secret))',
    ],
  },
};

/** Keeping a secret in the user's own store ("copy it into your password manager", "add them to .env"). */
export const OWN_STORE: Lexicon = {
  concept: 'own-store',
  rationale: 'Secrets tools tell the user where to keep what they generate; the secret stays with its owner.',
  entries: {
    en: [
      "\\b(?:copy|add|put|save|store|paste|keep|write)\\w* (?:\\w+ ){0,2}(?:in|into|to) (?:your|their|the user'?s?|a|the) (?:own |local )?(?:password manager|keychain|vault|secrets? (?:manager|store)|\\.env(?: file)?|env file|credential (?:helper|store))\\b",
      '\\b(?:copy|add|put|save|store|paste|write)\\w* (?:\\w+ ){0,2}(?:in|into|to) \\.env\\b',
    ],
  },
};

/** The model is named or ordered: the sentence is aimed at the agent, not the person setting up. */
export const MODEL_NAMED: Lexicon = {
  concept: 'model-named',
  rationale: 'An exemption for human-facing setup text must not cover a sentence that addresses the model.',
  entries: { en: ['\\b(?:assistant|agent|model|ai|llm)s?\\b', '\\byou (?:must|should|need to|have to)\\b'] },
};

/** "Don't bother telling the user the IDs unless they ask": brevity, not concealment. */
export const ON_REQUEST: Lexicon = {
  concept: 'on-request',
  rationale: 'Output-brevity advice withholds detail until asked; concealment withholds it always.',
  entries: {
    en: [
      '\\bunless (?:they|the user|the human|he|she|someone|anyone|explicitly|specifically|asked|requested|it is requested|relevant)\\b',
      "\\bdon'?t bother\\b",
      '\\bno need to bother\\b',
    ],
  },
};

/** The sentence hauls data along ("called first with the full event details"). */
export const FULL_DATA: Lexicon = {
  concept: 'full-data',
  rationale: 'A product-family mention stops being harmless once the sentence moves the whole payload.',
  entries: {
    en: [
      '\\b(?:full|entire|whole|complete|all (?:the )?)\\s?(?:[\\w-]+ )?(?:details|contents?|arguments|parameters|data|text|body|bodies|payloads?|inputs|outputs|messages)\\b',
    ],
  },
};
