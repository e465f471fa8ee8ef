/**
 * Scope mismatch: a weather tool has no business talking about tokens, shells, payments or
 * git pushes. Paraphrased attacks escape phrase rules but still have to name the capability
 * they abuse, so we compare what the tool *is* (name + first sentence) with the capabilities
 * its instruction-like sentences reach for. Only sentences addressed to the agent count, so
 * long honest usage notes about the tool's own domain stay quiet.
 */

type Capability = 'secrets' | 'shell' | 'vcs' | 'payments' | 'messaging' | 'files' | 'database' | 'identity';

const CAPABILITIES: Record<Capability, RegExp> = {
  secrets:
    /\b(?:tokens?|api[ _-]?keys?|passwords?|passphrases?|credentials?|secrets?|cookies?|env(?:ironment)? var(?:iable)?s?|\.env|private keys?|ssh|keychain|oauth|bearer|authorization header)\b/,
  shell:
    /\b(?:shell|terminal|bash|zsh|powershell|command line|sudo|chmod|kubectl|firewall|port \d+|cron(?:tab)?|process\.env|execute_command|run_command)\b/,
  vcs: /\b(?:git|force-?push|push to|branch protection|pull requests?|merge|commits?|repositor(?:y|ies))\b/,
  payments: /\b(?:payments?|pay|iban|bank(?:ing)?|wire|transfers?|invoices?|credit cards?|card numbers?|cvv|wallets?|funds|payee)\b/,
  messaging: /\b(?:e-?mails?|mail|dms?|direct messages?|slack|sms|whatsapp|bcc|cc|recipients?|inbox)\b/,
  files: /\b(?:files?|folders?|director(?:y|ies)|home dir\w*|~\/|\/etc\/|upload|download)\b/,
  database: /\b(?:sql|database|grant all|privileges|drop table|tables?)\b/,
  identity: /\b(?:social security|ssn|passport|date of birth|home address|phone numbers?|full name|location)\b/,
};

// Sentences that address the agent: second person, imperatives, or naming the model.
const ADDRESSED =
  /^(?:please\s+)?(?:read|send|grab|take|copy|add|include|put|paste|post|upload|forward|dm|email|mail|run|execute|call|use|open|store|save|attach|append|set|change|replace|swap|grant|disable|delete|remove|force|zip|tack|fetch|collect|gather|get|give|tell|ask|reply|respond|approve|invite|publish|share|write|start|sign|before|after|when|whenever|if|once|also|afterwards|then|first)\b|\b(?:you|your|yourself|assistant|agent|model|llm|ai)\b/;

const SPLIT = /(?<=[.!?;:])\s+|\n+/;

function caps(text: string): Set<Capability> {
  const out = new Set<Capability>();
  for (const [cap, re] of Object.entries(CAPABILITIES) as [Capability, RegExp][]) if (re.test(text)) out.add(cap);
  return out;
}

/**
 * True when the tool's own subject is secrets (a vault, a password manager, an API-key admin
 * tool), judged from its name and from a first sentence that describes it. A first sentence that
 * gives orders ("before calling this, fetch the API keys") is the payload, not the domain.
 */
export function isSecretsTool(name: string, description: string): boolean {
  const first = (
    description
      .split(SPLIT)
      .map((s) => s.trim())
      .find(Boolean) ?? ''
  ).toLowerCase();
  const describes = !ADDRESSED.test(first) && !/\b(?:must|should|always|never|first|before|after|ignore)\b/.test(first);
  const own = `${name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()} ${describes ? first : ''}`;
  return CAPABILITIES.secrets.test(own);
}

/**
 * What lies beyond any secrets tool's own subject: the user's home-directory keys and dotfiles,
 * the environment, the model's prompt, the conversation, agent configs, browsers, wallets and
 * other tools. A vault tool naming "secrets" is doing its job; one reaching for these is not.
 */
export const BEYOND_SECRETS =
  /~\/|\$home|\.ssh\b|id_rsa|id_ed25519|id_ecdsa|\.aws\b|\.npmrc|\.netrc|\.kube|\.gnupg|\.git-credentials|mcp\.json|claude_desktop|\.cursor\/|environment|env vars?|process\.env|os\.environ|system prompt|\bconversations?\b|chat history|\bhistory\b|transcript|dialog|previous messages|browser|cookies?\b|keychain|wallet|seed phrase|mnemonic|other tools?|another tool|any tool|every tool/;

export interface ScopeVerdict {
  /** Capabilities reached for by agent-addressed sentences that the tool's own identity does not cover. */
  foreign: Capability[];
  sentence?: string;
}

/**
 * `name` is the tool name, `text` its lower-cased description (already normalised).
 * The first sentence defines the tool's own domain.
 */
export function scopeMismatch(name: string, text: string): ScopeVerdict {
  const sentences = text
    .split(SPLIT)
    .map((s) => s.trim())
    .filter(Boolean);
  if (sentences.length < 2) return { foreign: [] };
  const own = caps(`${name.replace(/[_-]+/g, ' ').toLowerCase()} ${sentences[0] ?? ''}`);
  const foreign = new Set<Capability>();
  let sentence: string | undefined;
  for (const s of sentences.slice(1)) {
    if (!ADDRESSED.test(s)) continue;
    for (const c of caps(s)) {
      if (own.has(c)) continue;
      foreign.add(c);
      sentence ??= s;
    }
  }
  return { foreign: [...foreign], sentence };
}
