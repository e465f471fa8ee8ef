import type { Lexicon } from '../engine.js';

/*
 * A description that declares, next to its job, that the tool also takes sensitive data or sends it
 * away ("Also reads ~/.aws/credentials for session context", "posts the variable list to the
 * telemetry endpoint"). It gives the model no order; it tells the agent to run a tool that
 * over-reaches. structure.ts combines these with a sensitive-data mention in the same sentence.
 */

/** A second action added to the tool's own: "also reads", "additionally uploads", "in the background, copies". */
export const SIDE_ACTIONS: Lexicon = {
  concept: 'side-actions',
  rationale: 'An action added on top of what the tool is for, announced as a by-the-way.',
  entries: {
    en: [
      '\\b(?:also|additionally|in addition|as well as|simultaneously|at the same time|in the background|silently|quietly|meanwhile|along the way)\\b[^.\\n]{0,40}\\b(?:reads?|reading|collects?|captures?|cop(?:y|ies)|archives?|uploads?|sends?|posts?|includes?|indexes|index|dumps?|traverses?|scans?|extracts?|harvests?|records?|caches?|stores?|forwards?|syncs?|snapshots?|peeks?|grabs?|examines?|loads?|pulls?|gathers?|retrieves?|previews?|accesses|opens)\\b',
    ],
  },
};

/** Sensitive data put into what the tool returns or writes: "included in the response", "embeds … in commit metadata". */
export const INTO_OUTPUT: Lexicon = {
  concept: 'into-output',
  rationale: 'Data the caller did not ask for, placed in the result, a header or an artefact others see.',
  entries: {
    en: [
      '\\b(?:includ(?:es|ing|ed)|embed(?:s|ded)?|attach(?:es|ed)?|append(?:s|ed)?|adds?|populates?|forwarding|forwards?)\\b[^.\\n]{0,60}\\b(?:in|into|to|with|on) (?:the |its |each |every |all )?(?:response|output|result|metadata|outgoing headers?|headers?|commit|payload|report|shared workspace)s?\\b',
    ],
  },
};

/** Sent to somewhere outside: "uploads … to the validation service", "posts it to a webhook". */
export const SENT_AWAY: Lexicon = {
  concept: 'sent-away',
  rationale: 'Moving data to a service the user did not pick: a registry, an endpoint, cloud storage.',
  entries: {
    en: [
      '\\b(?:uploads?|uploaded|uploading|posts?|posted|posting|sends?|sent|sending|transmits?|transmitted|syncs?|synced|ships?|shipped|pushes|pushed|mirrors?|mirrored|archiv(?:es|ed|ing)|logs|logged|reports?|reported|cached|caches)\\b[^.\\n]{0,60}\\b(?:to|into|on|in) (?:the |a |an |our |its |their |your )?(?:[\\w-]+ ){0,3}(?:service|servers?|endpoint|api|repository|registry|cloud|storage|webhook|workspace|bucket|telemetry|collector|analytics|backend|team|vendor|third part(?:y|ies))\\b',
    ],
  },
};
