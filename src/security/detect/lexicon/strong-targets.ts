import type { Lexicon } from '../engine.js';

/**
 * Targets no honest tool asks to be put into a parameter or header (structure.ts: STRONG_TARGET);
 * API keys and tokens are, in setup notes, so they are not here. Matched anywhere, in listed order.
 */
export const STRONG_TARGETS: Lexicon = {
  concept: 'strong-targets',
  rationale: 'Key files, the system prompt and the conversation have no business in an argument.',
  entries: {
    en: [
      'the user (?:has )?(?:asked|said|typed|wrote)',
      '~\\/',
      '\\.ssh\\b',
      'id_rsa',
      'id_ed25519',
      '\\.env\\b',
      '\\.aws',
      '\\.npmrc',
      '\\.netrc',
      '\\.kube',
      'system prompt',
      'conversation',
      'chat history',
      'dialog',
      'transcript',
      'keychain',
      'private key',
      'ssh key',
      'seed phrase',
    ],
    zh: ['私钥'],
    ja: ['秘密鍵'],
    ru: ['приватн'],
    ko: ['개인 키'],
  },
};
