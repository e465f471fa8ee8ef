import type { Lexicon } from '../engine.js';

/** Services whose only purpose is to capture whatever is sent to them (structure.ts: CAPTURE_HOST). */
export const CAPTURE_HOSTS: Lexicon = {
  concept: 'capture-hosts',
  rationale: 'Request catchers and tunnels exist to receive what is sent to them; no honest tool ships data there.',
  entries: {
    'any-language': [
      'webhook\\.site',
      'requestbin\\.(?:com|net|io)',
      'pipedream\\.net',
      'burpcollaborator\\.net',
      '\\.oast\\.(?:fun|pro|live|site|me|online)',
      'interact\\.sh',
      'requestcatcher\\.com',
      'hookbin\\.com',
      'beeceptor\\.com',
      'canarytokens\\.com',
      'ngrok(?:-free)?\\.(?:io|app)',
    ],
  },
};
