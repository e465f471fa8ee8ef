import type { Lexicon } from '../engine.js';

/**
 * Hosts that never leave the machine (rules.ts: the exfil-destination rules exclude URLs to them).
 * Entries are regex fragments; the rules add the word boundary. Listed in compiled order.
 */
export const LOOPBACK_HOSTS: Lexicon = {
  concept: 'loopback-hosts',
  rationale: 'Sending data to a local address is not sending it out.',
  entries: {
    en: ['localhost', '127\\.0\\.0\\.1'],
  },
};
