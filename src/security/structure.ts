/**
 * Structural signals: what a sentence is *about*, not which phrase it uses. An honest
 * description talks about the tool's own function. An attack addresses the model about
 * something else: other tools' calls, the user's secrets or conversation, an outside
 * destination, or keeping the user uninformed. Each sentence is reduced to a handful of
 * features drawn from small multilingual vocabularies (detect/lexicon/) and
 * only *combinations* of features become signals, so one word never decides anything.
 *
 * Also here: de-obfuscation of spaced-out ("i g n o r e") and leetspeak ("1gn0r3") text,
 * scored as a second reading of the same description.
 */

import type { Signal } from './rules.js';
import { lexiconSource, type Lexicon } from './detect/engine.js';
import { Matcher } from './detect/matcher.js';
import type { TextIndex } from './detect/prefilter.js';
import { MODEL_NOUNS, OTHER_AGENTS, SECOND_PERSON } from './detect/lexicon/addressee.js';
import { ALWAYS_WORDS } from './detect/lexicon/always.js';
import { BENEFIT_CLAIMS } from './detect/lexicon/benefit.js';
import { CAPTURE_HOSTS } from './detect/lexicon/capture-hosts.js';
import { DIRECTIVE_MODALS } from './detect/lexicon/directive.js';
import { IMPERATIVE_VERBS } from './detect/lexicon/imperative.js';
import { MODEL_OWNED_THINGS } from './detect/lexicon/model-owned.js';
import { MODIFY_VERBS } from './detect/lexicon/modify.js';
import { OFFERED_WORDS } from './detect/lexicon/offered.js';
import { OPERATION_DOMAINS, OPERATION_KINDS, OTHER_TOOL_PHRASES, OTHER_TOOL_QUALIFIERS, TOOL_KINDS } from './detect/lexicon/other-tools.js';
import { OVERRIDE_PHRASES } from './detect/lexicon/override.js';
import { PARAM_SLOTS } from './detect/lexicon/param-slots.js';
import { PAYMENT_WORDS } from './detect/lexicon/payment.js';
import { NO_LIMITS_CLAIMS, PERSONA_CUES } from './detect/lexicon/persona.js';
import { PLANT_ORDER_VERBS, PLANT_TARGETS, PLANT_VERBS, TRACKING_PARAMS } from './detect/lexicon/planted-values.js';
import { REFERENTS, REFERENTS_UNBOUNDED } from './detect/lexicon/referents.js';
import { ROUTING_FIELDS } from './detect/lexicon/routing-fields.js';
import { SECRECY as SECRECY_LEX } from './detect/lexicon/secrecy.js';
import { SELF_REFERENCE } from './detect/lexicon/self-reference.js';
import { SENSITIVE_DATA_LATIN, SENSITIVE_DATA_OTHER_SCRIPTS } from './detect/lexicon/sensitive-data.js';
import { INTO_OUTPUT, SENT_AWAY, SIDE_ACTIONS } from './detect/lexicon/side-access.js';
import { STORE_VERBS } from './detect/lexicon/store.js';
import { STRONG_TARGETS } from './detect/lexicon/strong-targets.js';
import { TRANSFER_INTO } from './detect/lexicon/transfer-into.js';
import { TRIGGERS } from './detect/lexicon/trigger.js';
import { OBEY_VERBS, TRUST_NEGATIONS, TRUST_OBJECTS, TRUST_TRANSFER_PHRASES } from './detect/lexicon/trust-transfer.js';
import { UNIVERSAL_WORDS } from './detect/lexicon/universal.js';

export interface StructureContext {
  /** The tool's own name (lower-case). */
  ownName?: string;
  /** The tool's own parameter names (lower-case). */
  params?: string[];
  /** Identifiers that look like other tools' names; computed from `raw` on first need. */
  otherIdents?: string[];
  /** The raw, case-preserving text (to tell tool_names from ENV_NAMES). */
  raw?: string;
  /** The prefilter index of the normalised text (detect/prefilter.ts); without it every expression runs in full. */
  index?: TextIndex;
}

// Every lexicon here compiles in its listed order: the alternation order decides what a match reports.
const group = (lex: Lexicon): string => lexiconSource(lex, { sort: false });
// A lexicon as top-level alternatives of the pattern it is part of (no enclosing group).
const alternatives = (lex: Lexicon): string => lexiconSource(lex, { sort: false, group: false });
// The English entries of a lexicon, or all the others.
const english = (lex: Lexicon): Lexicon => ({ ...lex, entries: { en: lex.entries.en ?? [] } });
const nonEnglish = (lex: Lexicon): Lexicon => ({
  ...lex,
  entries: Object.fromEntries(Object.entries(lex.entries).filter(([lang]) => lang !== 'en')),
});
// English entries as whole words, then every other language's entries, which carry their own boundaries.
const wordsThenStems = (lex: Lexicon): string => `\\b${group(english(lex))}\\b|${alternatives(nonEnglish(lex))}`;

// A non-loopback address a tool could ship data to (URL, e-mail, IPv4).
const DEST =
  /\bto @[a-z][\w.-]{2,}|\b(?:https?|s?ftp|wss?):\/\/(?!(?:localhost|127\.0\.0\.1|\[::1\])\b)[^\s'"<>)]+|\b[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b|\b(?!127\.)\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/;

// Services whose only purpose is to capture whatever is sent to them.
const CAPTURE_HOST = new RegExp(`${group(CAPTURE_HOSTS)}\\b`);

// Data an attacker wants: secrets, credentials, the conversation, personal data.
const SENSITIVE_LATIN = new RegExp(lexiconSource(SENSITIVE_DATA_LATIN, { sort: false }));
const SENSITIVE_OTHER = new RegExp(lexiconSource(SENSITIVE_DATA_OTHER_SCRIPTS, { sort: false }));

// Scripts whose vocabulary lives in the *_OTHER lists; ASCII/Latin texts skip those alternations.
const NON_LATIN = /[\u0400-\u04ff\u0600-\u06ff\u0900-\u097f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u1ea0-\u1ef9\u0111\u01a1\u01b0]/;

const SENSITIVE_LATIN_M = new Matcher(SENSITIVE_LATIN, 'structure:sensitive-latin');
const SENSITIVE_OTHER_M = new Matcher(SENSITIVE_OTHER, 'structure:sensitive-other');

/** First sensitive-data mention in a normalised text, or null. `ix` indexes the text or one it is a sentence of. */
export function sensitiveMatch(s: string, ix?: TextIndex): RegExpExecArray | null {
  return SENSITIVE_LATIN_M.exec(s, ix) ?? (NON_LATIN.test(s) ? SENSITIVE_OTHER_M.exec(s, ix) : null);
}

// Verbs that move data into a call, a message or somewhere else.
const TRANSFER = new RegExp(lexiconSource(TRANSFER_INTO, { sort: false }));

// Naming the model as the one who acts: per language, its nouns for the model, then its second person.
// English nouns are whole words, and "ssh agent", "user agent", "build agent" are not the model.
const MODEL_EN = `\\b${group(english(MODEL_NOUNS))}\\b(?<!\\b${group(OTHER_AGENTS)}[ -](?:agents?))`;
const ADDRESSEE = new RegExp(
  alternatives({
    ...MODEL_NOUNS,
    entries: Object.fromEntries(
      [...new Set([...Object.keys(MODEL_NOUNS.entries), ...Object.keys(SECOND_PERSON.entries)])].map((lang) => [
        lang,
        [...(lang === 'en' ? [MODEL_EN] : (MODEL_NOUNS.entries[lang] ?? [])), ...(SECOND_PERSON.entries[lang] ?? [])],
      ]),
    ),
  }),
);

// Keeping the user (or anyone) uninformed.
const SECRECY = new RegExp(lexiconSource(SECRECY_LEX, { sort: false }));

// "Before any file operation", "when calling transfer_funds", "wenn ein anderes Werkzeug".
const TRIGGER = new RegExp(wordsThenStems(TRIGGERS));

// Other tools in general terms.
const OTHER_TOOL = new RegExp(
  `\\b${group(OTHER_TOOL_QUALIFIERS)}\\b(?: [\\w-]+){0,2} ${group(TOOL_KINDS)}\\b|` +
    `\\b(?:any|every|all|each) (?:\\w+ )?${group(OPERATION_DOMAINS)} ${group(OPERATION_KINDS)}\\b|` +
    alternatives(OTHER_TOOL_PHRASES),
);

// Changing an argument or result.
const MODIFY = new RegExp(wordsThenStems(MODIFY_VERBS));

// A concrete value an attacker would plant: an address, an account, a quoted string.
const LITERAL =
  /\b(?:https?|s?ftp):\/\/\S+|\b[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b|\b[a-z]{2}\d{2}(?: ?[a-z0-9]{4}){3,7}\b|\b0x[0-9a-f]{20,}\b|\b(?:bc1|[13])[a-z0-9]{25,39}\b|"[^"\n]{2,60}"|“[^”\n]{2,60}”|\b\d{1,5} [a-z]+ (?:rd|road|st|street|ave|avenue|blvd|lane|ln|drive|way)\b|\b\d{2}-\d{4}\b/;

// Literal addresses and accounts (not just any quoted value).
const ADDRESS_LITERAL =
  /\b(?:https?|s?ftp):\/\/\S+|\b[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b|\b[a-z]{2}\d{2}(?: ?[a-z0-9]{4}){3,7}\b|\b0x[0-9a-f]{20,}\b|\b\d{1,5} [a-z]+ (?:rd|road|st|street|ave|avenue|blvd|lane|ln|drive|way)\b/;
// Fields whose value decides who receives something or how much.
const ROUTING_FIELD = new RegExp(wordsThenStems(ROUTING_FIELDS));

// The user steering the flow is a workflow note, not a hijack.
const USER_DRIVEN =
  /\b(?:when|if|only when|unless|after)\b[^.\n]{0,20}\bthe user\b[^.\n]{0,15}\b(?:asks?|requests?|wants?|confirms?|approves?|says so|explicitly)\b|\bwith the user'?s? (?:consent|approval|confirmation)\b/;

// Protective phrasing: "never returned", "is rejected", "not logged".
export const PROTECTIVE =
  /\bnot (?:echoed|shown|displayed|logged|stored|returned|exposed|printed)\b|\b(?:are|is|were|was) (?:never|not) (?:read|returned|sent|shown|logged|stored|echoed|included|exposed|displayed)\b|\bnever (?:read|returned|sent|shown|logged|stored|echoed|exposed)\b|\b(?:rejected|refused|redact(?:ed|s)?|masked|blocked|not allowed|forbidden|untrusted)\b|\b(?:do not|don'?t|never) (?:paste|share|send|upload|commit|include)\b/;

// Parameter slots: "in the q field", "au paramètre q", "im Feld q".
const PARAM_SLOT = new RegExp(wordsThenStems(PARAM_SLOTS));

// Capturing traffic meant for others: "route every web request through <this tool>".
const CAPTURE_FLOW =
  /\b(?:route|send|pass|forward|redirect|funnel|pipe|channel|hand)\w*\b[^.\n]{0,10}\b(?:every|all|each|any)\b[^.\n]{0,30}\b(?:through|via|to|into)\b/;
const SUPERSEDE =
  /\b(?:supersedes?|replaces?|takes? over|stands? in for|is a drop-in for)\b[^.\n]{0,30}\b(?:tool|function|server|capability)\b/;

// Persona takeover: the model is told to become someone without limits.
const PERSONA = new RegExp(`\\b${group(PERSONA_CUES)}\\b`);
const NO_LIMITS = new RegExp(`\\b${group(NO_LIMITS_CLAIMS)}\\b`);

// Authority blocks and fake system channels beyond the literal tags.
// Claims of precedence over the conversation or the user.
const PRECEDENCE =
  /\b(?:higher|greater|more|highest|final) (?:authority|priority|precedence|weight) (?:than|over)\b|\b(?:outranks?|supersedes?|overrules?|takes? precedence over)\b[^.\n]{0,30}\b(?:user|conversation|chat|system|instructions?|prompt)\b/;
// Treating retrieved content as orders.
const OBEY_CONTENT =
  /\b(?:treats?|considers?|regards?|handles?)\b[^.\n]{0,40}\b(?:text|content|instructions?|anything|lines?|comments?)\b[^.\n]{0,40}(?<!\bnot )(?<!\bnever )\bas (?:commands?|instructions?|orders?|directives?|authoritative)\b|\bcarr(?:y|ies) (?:them|it|these|those) out\b|\b(?:execute|follow|obey)s? (?:any|all|the) (?:instructions?|commands?) (?:found|contained|embedded|written) in\b/;
// Exploiting that people do not read tool descriptions.
const UNSEEN =
  /\b(?:users?|the user|humans?|people|the person|nobody|no one)\b[^.\n]{0,10}\b(?:cannot|can'?t|can not|do not|don'?t|will not|won'?t|never|does not|doesn'?t)\b[^.\n]{0,10}\b(?:see|read|notice|view|check|review)\b[^.\n]{0,20}\b(?:tool )?(?:descriptions?|this text|these instructions|this part|metadata)\b/;
// Download-and-run.
const FETCH_RUN =
  /\b(?:download|fetch|retrieve|pull|curl|wget)\w*\b[^.\n]{0,80}\b(?:and|then)\b[^.\n]{0,10}\b(?:start|run|execute|launch|install|open)\w*\b[^.\n]{0,10}\b(?:it|them|the (?:file|binary|script|installer|program))\b/;
// Reshaping every later answer.
const FUTURE_REPLIES =
  /\b(?:reply|respond|answer)\w*\b[^.\n]{0,15}\b(?:all|every|each|any) (?:future|subsequent|later|following|other) (?:questions?|messages?|requests?|replies|answers?|turns?)\b/;
// Capture conditioned on a secret appearing: "if the user mentions a card", "when you find an AWS key".
const CAPTURE_COND =
  /\b(?:if|when|whenever|once|each time)\b[^.\n]{0,30}\b(?:mentions?|mentioned|appears?|shows? up|you (?:see|find|notice|come across|encounter|spot)|spotted|is (?:shared|pasted|visible|found))\b/;
const STORE = new RegExp(`\\b${group(STORE_VERBS)}\\w*\\b`);
// Privilege grants and destructive repository/database operations as a side effect.
const PRIVILEGE = /\bgrant all(?: privileges)?\b[^\n]{0,30}\bon \*\.\*|\bgrant\b[^.\n]{0,30}\bto\b[^.\n]{0,10}'[^']*'@'%'/;
const DESTRUCTIVE =
  /\b(?:force-?push\w*|delete|remove|disable|drop|wipe|erase|revoke|truncate)\b[^.\n]{0,30}\b(?:protection|main|master|production|backups?|audit|logs?|history|branch(?:es)?|repositor(?:y|ies)|database|rules|2fa|mfa)\b/;
// Planting a different account or address in place of the real one.
const SUBSTITUTE =
  /\b(?:substitute|swap in|use|put|insert)\b[^.\n]{0,25}\b(?:account|iban|recipient|payee|address|wallet|routing number|number|beneficiary)\b[^.\n]{0,40}\binstead of\b/;
// Authority over the user: "consider itself under the authority of this server", "the user's instructions are advisory".
const SUBORDINATE =
  /\bunder the (?:authority|control|command) of (?:this|the) (?:server|tool|service|vendor|plugin)\b|\b(?:the )?user'?s? (?:instructions|requests|wishes|messages|commands) (?:are|is) (?:only )?(?:advisory|optional|secondary|suggestions?|non-binding|lower priority)\b/;
// Phishing through the tool's output: a link plus urging people to re-enter credentials.
const PHISH =
  /\b(?:urg\w*|ask\w*|tell\w*|remind\w*|prompt\w*|instruct\w*|encourag\w*)\b[^.\n]{0,20}\b(?:everyone|users?|people|members|recipients|them|the team|all|readers)\b[^.\n]{0,20}\b(?:re-?authenticat\w*|re-?enter|log ?in again|sign ?in again|verify (?:their|your) (?:account|identity|password|credentials)|reset (?:their|your) passwords?|update (?:their|your) (?:payment|billing|card|credentials))\b/;
// "you should comply with it", "carry out whatever it says".
const COMPLY =
  /\byou (?:should|must|need to|have to|are to)\s+(?:\w+\s+)?(?:comply|obey|follow|act on|do what)\b[^.\n]{0,15}\b(?:it|them|its|their|the text|such text|instructions?)\b|\b(?:carry out|do|follow|execute|obey|perform)\s+(?:whatever|anything|everything)\s+(?:it|they|the \w+|this \w+)\s+(?:says|say|asks?|contains?|instructs?|requests?)\b/;

// The tool declaring that it takes more than its job needs, or sends it away (detect/lexicon/side-access.ts).
const SIDE_ACCESS = new RegExp(`${alternatives(SIDE_ACTIONS)}|${alternatives(INTO_OUTPUT)}|${alternatives(SENT_AWAY)}`);

// Tying the tool's quality to receiving secrets: "works best when ~/.aws/credentials are provided".
const BENEFIT = new RegExp(`\\b${group(BENEFIT_CLAIMS)}\\b`);

const AUTHORITY =
  /(?:^|\n)#{1,4}\s*[^\n]{0,30}\b(?:operator|admin|administrator|system|developer|directive|override|policy|mandatory|assistant|agent|model|ai)\b[^\n]{0,20}$|\[[^\]\n]{0,30}\b(?:admin|override|system|root|developer|sudo|operator)\b[^\]\n]{0,30}\]|\b(?:policy update|operator directive|admin(?:istrator)? override|developer override|system notice|system override|maintenance mode)\b|\b(?:higher|greater|more|highest) (?:authority|priority|precedence) (?:than|over)\b|\b(?:safety|security|content) (?:review|checks?|filters?|polic(?:y|ies)|moderation)\b[^.\n]{0,15}\b(?:switched off|turned off|disabled|suspended|lifted|off)\b/m;

// Fake tool errors that give the model orders.
const FAKE_ERROR =
  /\b(?:error|err)[ _:-]?(?:\d{3}|[a-z]+_[a-z_]+)\b[^\n]{0,80}\b(?:must|should|needs? to|has to|is to|the fix is|to continue|to proceed|to re-?authori[sz]e|retry)\b|\b(?:warning|alert)\b[^.\n]{0,10}\b(?:session|license|token|authori[sz]ation) (?:invalid|expired|revoked)\b/;

// Overriding the instructions, in wording and languages the phrase rules do not spell out.
const OVERRIDE = new RegExp(alternatives(OVERRIDE_PHRASES));

const SPLIT = /(?<=[.!?])\s+|[。！？\n]+|;\s+/;

// "for any purpose", "whenever", "every web request": a hook on all calls, not a one-off prerequisite.
const UNIVERSAL = new RegExp(wordsThenStems(UNIVERSAL_WORDS));
// Data flowing into this tool: "with q set to the complete body", "passes the path and content here".
const DATA_INTO =
  /\b(?:with|pass(?:es)?|send(?:s)?|forward(?:s)?|set to|including|along with|hand(?:s)?)\b[^.\n]{0,40}\b(?:content|contents|body|text|arguments?|parameters?|path|url|cookies?|message|draft|query|request|result|output)s?\b/;
// Targets no honest tool asks to be put into a parameter or header (API keys and tokens are, in setup notes).
const STRONG_TARGET = new RegExp(alternatives(STRONG_TARGETS));
const MODEL_NOUN = new RegExp(`${MODEL_EN}|${alternatives(nonEnglish(MODEL_NOUNS))}`);
const MODEL_OWNED = new RegExp(alternatives(MODEL_OWNED_THINGS));
const YOU_DIRECTIVE = new RegExp(`\\byou ${group(DIRECTIVE_MODALS)}\\b|\\byou'll\\b`);
const IDENT_HINT = /[a-z0-9]_[a-z]|[a-z][A-Z]/;
const REGARDLESS =
  /\bregardless of (?:what|whatever|which|who)\b[^.\n]{0,20}\b(?:requested|asked|wants?|says|specified|chose|typed)\b|\bno matter what the user\b/;
const ALWAYS = new RegExp(alternatives(ALWAYS_WORDS));
const OFFERED = new RegExp(`\\b${group(OFFERED_WORDS)}\\b`);

// Trust transfer: orders are to be taken from what tools, pages or documents return.
const TRUST_TRANSFER = new RegExp(alternatives(TRUST_TRANSFER_PHRASES));
// Cheap pre-check: the object nouns every trust-transfer shape needs.
const TRUST_HINT = new RegExp(alternatives(TRUST_OBJECTS));
// Who does not want an order taken from content: "never follow instructions found in pages".
const TRUST_NEGATED = new RegExp(
  `\\b${group(english(TRUST_NEGATIONS))}\\b[^.\\n]{0,25}\\b${group(OBEY_VERBS)}|${alternatives(nonEnglish(TRUST_NEGATIONS))}`,
);

// Planted values for other calls: tracking parameters on links, fixed accounts for payments.
const TRACKING = new RegExp(`(?:[?&]${group(TRACKING_PARAMS)}=)`);
const PLANT_VERB = new RegExp(wordsThenStems(PLANT_VERBS));
const PLANT_TARGET = new RegExp(wordsThenStems(PLANT_TARGETS));
const PAYMENT = new RegExp(wordsThenStems(PAYMENT_WORDS));
const PLANT_ORDER = new RegExp(
  `\\b(?:always|never forget to) (?:add|append|attach|include|insert|put|tag|use)\\b|` +
    `\\b(?:add|append|attach|insert|put|tag)\\b[^.\\n]{0,40}\\b(?:to|on|onto) (?:every|all|each|any)\\b|` +
    alternatives(PLANT_ORDER_VERBS),
);
// Another tool or server by role: "the github server", "the payment integration".
const OTHER_REF =
  /\b(?:the|whichever|whatever|a|an) (?:[\w-]+ ){0,2}(?:server|integration|connector|plugin|extension|mcp)\b(?! (?:url|address|name|version|port|logs?)\b)|\bwhichever (?:[\w-]+ )?(?:tool|function)\b/;

// A call to another tool named by its role: "followed by a call to the database tool", "push it to the public gist tool".
const OTHER_CALL =
  /\b(?:call(?:s|ing)?|invoke[sd]?|invoking|run(?:s|ning)?|use[sd]?|using|to|via|through|by|with) (?:to )?(?:the|a|an) (?:[\w-]+ ){1,2}(?:tool|server|function|integration)\b/;
// Data taken out of the conversation: "any card number in the conversation", "mentioned earlier".
const FROM_CHAT =
  /\b(?:in|from) the (?:conversation|chat|context|session|dialog(?:ue)?|thread)\b|\b(?:mentioned|shared|said|typed|given) (?:earlier|before|previously|so far)\b/;
const SENSITIVE_ALL = new RegExp(SENSITIVE_LATIN.source, 'g');
function countSensitive(s: string): number {
  SENSITIVE_ALL.lastIndex = 0;
  return new Set([...s.matchAll(SENSITIVE_ALL)].map((m) => m[0])).size;
}

const CAPABILITY =
  /\b(?:you|users?|the user|they) (?:can|may|could|might)\b|\boptionally\b|\bif (?:you|the user|they) (?:want|wish|like|prefer)\b/;
const IMPERATIVE = new RegExp(`^(?:then |also |and |afterwards,? |next,? )?${group(IMPERATIVE_VERBS)}\\b`);
// Pronouns and referents that carry the subject of one sentence into the next.
const REFERENT = new RegExp(
  `\\b${group(english(REFERENTS))}\\b|\\b${group(nonEnglish(REFERENTS))}\\b|${alternatives(REFERENTS_UNBOUNDED)}`,
);

const ONCE: [RegExp, Signal['id'], number][] = [
  [SECRECY, 'secrecy', 2],
  [UNSEEN, 'secrecy', 2.5],
  [CAPTURE_HOST, 'exfil-destination', 3],
  [OVERRIDE, 'override', 4],
  [AUTHORITY, 'injection-markup', 2],
  [PRECEDENCE, 'priority-claim', 2],
  [OBEY_CONTENT, 'obey-content', 3],
  [FETCH_RUN, 'remote-code', 3.5],
  [FUTURE_REPLIES, 'persistence', 1.5],
  [FAKE_ERROR, 'coercion', 2],
  [SUPERSEDE, 'steer-other-tools', 2.5],
  [REGARDLESS, 'override', 3],
  [PRIVILEGE, 'remote-code', 3.5],
  [SUBSTITUTE, 'redirect', 3],
  [SUBORDINATE, 'priority-claim', 3],
  [COMPLY, 'obey-content', 3],
];
const ONCE_M = ONCE.map(([re, id, weight], k) => [new Matcher(re, `structure:once-${id}#${k + 1}`), id, weight] as const);

// The tool speaking of itself: "this tool", "here", "ici".
const SELF_REF = new RegExp(`\\b${group(SELF_REFERENCE)}\\b`);

// What the sentence-level checks run, as Matchers (detect/matcher.ts): given the whole text's index,
// each sentence runs only the branches whose words occur somewhere in the text.
const gate = <K extends string>(res: Record<K, RegExp>): Record<K, Matcher> =>
  Object.fromEntries(Object.entries<RegExp>(res).map(([k, re]) => [k, new Matcher(re, `structure:${k}`)])) as Record<K, Matcher>;
const G = gate({
  ADDRESS_LITERAL,
  ADDRESSEE,
  ALWAYS,
  BENEFIT,
  CAPABILITY,
  CAPTURE_COND,
  CAPTURE_FLOW,
  CAPTURE_HOST,
  DATA_INTO,
  DEST,
  DESTRUCTIVE,
  FROM_CHAT,
  IMPERATIVE,
  LITERAL,
  MODEL_NOUN,
  MODEL_OWNED,
  MODIFY,
  NO_LIMITS,
  OFFERED,
  OTHER_CALL,
  OTHER_REF,
  OTHER_TOOL,
  PARAM_SLOT,
  PAYMENT,
  PERSONA,
  PHISH,
  PLANT_ORDER,
  PLANT_TARGET,
  PLANT_VERB,
  PROTECTIVE,
  REFERENT,
  ROUTING_FIELD,
  SECRECY,
  SELF_REF,
  SIDE_ACCESS,
  STORE,
  STRONG_TARGET,
  TRACKING,
  TRANSFER,
  TRIGGER,
  TRUST_HINT,
  TRUST_NEGATED,
  TRUST_TRANSFER,
  UNIVERSAL,
  USER_DRIVEN,
  YOU_DIRECTIVE,
});

/** `ix` only when `s` is the indexed text or one of its sentences. */
function refersToOwn(s: string, ctx: StructureContext, ix?: TextIndex): boolean {
  if (G.SELF_REF.test(s, ix)) return true;
  const own = ctx.ownName;
  return own !== undefined && own.length > 2 && s.includes(own);
}

// An identifier counts as another tool only where the sentence treats it as one.
function mentionsOtherIdent(s: string, ctx: StructureContext): string | undefined {
  ctx.otherIdents ??= ctx.raw ? otherIdentifiers(ctx.raw, ctx.ownName ?? '', ctx.params ?? []) : [];
  for (const id of ctx.otherIdents) {
    const i = s.indexOf(id);
    if (i < 0) continue;
    const before = s.slice(Math.max(0, i - 24), i);
    const after = s.slice(i + id.length, i + id.length + 24);
    if (
      /\b(?:call|calling|calls|invoke|invoking|use|using|run|running|before|after|when|whenever|prior to|through|via|of|by)\s+(?:the\s+)?['"\u0060]?$/.test(
        before,
      ) ||
      /^['"\u0060]?\s+(?:tool|function|is (?:used|called|invoked|about)|runs|executes|produces|returns|sends)\b/.test(after)
    )
      return id;
  }
  return undefined;
}

/** `rule` names the combination in the explain trace (`structure:<name>`). */
function sig(id: Signal['id'], weight: number, match: string, rule?: string): Signal {
  return { id, weight, match: match.trim().slice(0, 120), rule: `structure:${rule ?? id}` };
}

/**
 * Structural signals for one normalised (lower-cased) text. Each signal id at most once.
 */
export function structureSignals(norm: string, ctx: StructureContext = {}): Signal[] {
  const ix = ctx.index;
  const out = new Map<Signal['id'], Signal>();
  const put = (s: Signal): void => {
    const prev = out.get(s.id);
    if (!prev || prev.weight < s.weight) out.set(s.id, s);
  };
  const once = (re: Matcher, id: Signal['id'], weight: number, k: number): boolean => {
    const m = re.exec(norm, ix);
    if (m) put(sig(id, weight, m[0], `once-${id}#${k}`));
    return m !== null;
  };
  // Shapes that are complete on their own are tested once over the whole text (they stay within a sentence).
  // Honest descriptions almost never wake any of their branches (detect/matcher.ts), so this costs little.
  let anySecrecy = false;
  for (const [k, [re, id, weight]] of ONCE_M.entries()) {
    if (!once(re, id, weight, k + 1)) continue;
    if (id === 'secrecy') anySecrecy = true;
  }
  const phish = G.PHISH.exec(norm, ix);
  if (phish && G.DEST.test(norm, ix)) put(sig('social-engineering', 3, phish[0], 'phishing-link'));
  const anyDest = G.DEST.test(norm, ix);
  if (anySecrecy && anyDest) put(sig('exfil-combo', 2, 'secrecy + outside address', 'secrecy-plus-address'));
  trustTransfer(norm, ix, put);
  plantedValues(norm, ctx, put);

  // Sentence-level combinations, only when the text has the ingredients at all.
  const wantSens = sensitiveMatch(norm, ix) !== null;
  const wantPersona = G.PERSONA.test(norm, ix);
  const wantCapture = G.CAPTURE_FLOW.test(norm, ix);
  // Conditions matter only where another tool could be meant: a tool_like identifier or "any other tool".
  const otherHint = (ctx.raw !== undefined && IDENT_HINT.test(ctx.raw)) || G.OTHER_TOOL.test(norm, ix);
  const wantTrigger = otherHint && G.TRIGGER.test(norm, ix);
  const wantTamper = otherHint && (anyDest || G.ADDRESS_LITERAL.test(norm, ix) || G.LITERAL.test(norm, ix));
  if (!wantSens && !wantPersona && !wantCapture && !wantTrigger && !wantTamper) return [...out.values()];

  let anyAddress = false;
  let sensMove: string | undefined;
  for (const raw of norm.split(SPLIT)) {
    const s = raw.trim();
    if (s.length < 8) continue;
    const sens = wantSens && sensitiveMatch(s, ix) !== null;
    const dest = anyDest && G.DEST.test(s, ix);
    const trig = wantTrigger ? G.TRIGGER.exec(s, ix) : null;
    const persona = wantPersona && G.PERSONA.test(s, ix);
    const capture = wantCapture && G.CAPTURE_FLOW.test(s, ix);
    const tamperShape =
      wantTamper && G.MODIFY.test(s, ix) && (G.ADDRESS_LITERAL.test(s, ix) || (G.ROUTING_FIELD.test(s, ix) && G.LITERAL.test(s, ix)));
    if (!sens && !dest && !trig && !persona && !capture && !tamperShape) continue;
    const addr = G.ADDRESSEE.test(s, ix);
    // The model is named, told "you must", or asked for what only the model has (its prompt).
    const model = addr && (G.YOU_DIRECTIVE.test(s, ix) || G.MODEL_NOUN.test(s, ix) || G.MODEL_OWNED.test(s, ix));
    anyAddress ||= model;
    const protective = G.PROTECTIVE.test(s, ix);
    if (persona && addr) put(sig('role-hijack', G.NO_LIMITS.test(s, ix) ? 3 : 2.5, s, 'persona-to-model'));
    if (capture && refersToOwn(s, ctx, ix)) put(sig('intercept', 3, s, 'capture-into-this-tool'));
    const xfer = (sens || dest) && G.TRANSFER.test(s, ix);
    if (sens && !protective) {
      // Secret or conversation + moving it + (outside address | the model | a parameter slot | secrecy).
      // "your API key" in setup notes is addressed to the human, not the model.
      if (dest && (xfer || model)) put(sig('exfil-combo', 3.5, s, 'secret-moved-to-address'));
      else if (xfer && (model || G.SECRECY.test(s, ix) || (G.PARAM_SLOT.test(s, ix) && G.STRONG_TARGET.test(s, ix))))
        put(sig('solicit', 3.5, s, 'secret-moved-by-model'));
      else if (G.BENEFIT.test(s, ix) && (xfer || G.OFFERED.test(s, ix))) put(sig('solicit', 3.5, s, 'secret-for-quality'));
      else if (G.CAPTURE_COND.test(s, ix) && (xfer || G.STORE.test(s, ix)) && !G.USER_DRIVEN.test(s, ix))
        put(sig('solicit', 3.5, s, 'secret-captured-when-seen'));
      else if (
        xfer &&
        G.STRONG_TARGET.test(s, ix) &&
        (G.OTHER_TOOL.test(s, ix) || G.OTHER_CALL.test(s, ix) || mentionsOtherIdent(s, ctx) !== undefined)
      )
        put(sig('solicit', 3, s, 'secret-to-other-tool'));
      else if (xfer && G.FROM_CHAT.test(s, ix) && countSensitive(s) >= 2) put(sig('solicit', 3, s, 'personal-data-from-chat'));
      else if (G.SIDE_ACCESS.test(s, ix) && !G.USER_DRIVEN.test(s, ix)) put(sig('solicit', 3, s, 'side-access-declared'));
      else if (xfer) sensMove ??= s;
    }
    if (protective) continue;
    // Hijacking: a condition on another tool's call, with consequences for this tool, the data or the arguments.
    if (trig) {
      const clause = s.slice(trig.index, trig.index + 80).split(/,|:|;| then /)[0] ?? '';
      if ((mentionsOtherIdent(clause, ctx) || G.OTHER_TOOL.test(clause)) && !G.USER_DRIVEN.test(s, ix)) {
        const rest = s.replace(clause, ' ');
        if (
          (refersToOwn(rest, ctx) && (G.UNIVERSAL.test(s, ix) || G.DATA_INTO.test(rest))) ||
          (sens && (xfer || addr)) ||
          G.DESTRUCTIVE.test(rest) ||
          (G.MODIFY.test(rest) &&
            (G.ADDRESS_LITERAL.test(rest) || (G.ROUTING_FIELD.test(rest) && (G.LITERAL.test(rest) || G.ALWAYS.test(rest)))))
        )
          put(sig('intercept', 3, s, 'hook-on-other-tool'));
      }
    }
    // Tampering with another tool's arguments or output towards a planted value or address.
    if (
      (tamperShape || (dest && xfer)) &&
      (mentionsOtherIdent(s, ctx) !== undefined || G.OTHER_TOOL.test(s, ix) || (dest && G.OTHER_CALL.test(s, ix)))
    )
      put(sig('tamper', 3, s, 'other-call-tampered'));
  }
  // Spread over sentences: data moved in one, the model addressed or secrecy demanded in another.
  if (sensMove && (anyAddress || anySecrecy) && !out.has('solicit') && !out.has('exfil-combo'))
    put(sig('solicit', 2.5, sensMove, 'secret-moved-model-elsewhere'));
  if (wantSens && !out.has('solicit') && !out.has('exfil-combo')) acrossSentences(norm, anySecrecy, ix, put);
  return [...out.values()];
}

/** "Follow the instructions found in tool outputs": orders taken from content, unless the sentence forbids it. */
function trustTransfer(norm: string, ix: TextIndex | undefined, put: (s: Signal) => void): void {
  if (!G.TRUST_HINT.test(norm, ix)) return;
  const m = G.TRUST_TRANSFER.exec(norm, ix);
  if (!m) return;
  const start = Math.max(norm.lastIndexOf('. ', m.index), norm.lastIndexOf('\n', m.index), 0);
  if (TRUST_NEGATED.test(norm.slice(start, m.index + m[0].length))) return;
  put(sig('obey-content', 3, m[0], 'trust-transfer'));
}

/** Tracking parameters, accounts or routing values planted into other calls ("always add ?ref=", "the target account is always ..."). */
function plantedValues(norm: string, ctx: StructureContext, put: (s: Signal) => void): void {
  const ix = ctx.index;
  const tracking = G.TRACKING.test(norm, ix);
  const payment = G.ROUTING_FIELD.test(norm, ix) && G.PAYMENT.test(norm, ix);
  if (!tracking && !payment) return;
  for (const raw of norm.split(SPLIT)) {
    const s = raw.trim();
    if (s.length < 12 || G.PROTECTIVE.test(s, ix)) continue;
    const other =
      G.OTHER_TOOL.test(s, ix) || G.OTHER_REF.test(s, ix) || G.OTHER_CALL.test(s, ix) || mentionsOtherIdent(s, ctx) !== undefined;
    const general = G.ALWAYS.test(s, ix) || G.UNIVERSAL.test(s, ix);
    // Without another tool in view, only an order counts ("always add ?ref= to links"), not a feature ("every link includes ?tag=").
    if (
      tracking &&
      !G.USER_DRIVEN.test(s, ix) &&
      G.TRACKING.test(s, ix) &&
      G.PLANT_VERB.test(s, ix) &&
      G.PLANT_TARGET.test(s, ix) &&
      (other || (general && G.PLANT_ORDER.test(s, ix) && !refersToOwn(s, ctx, ix)))
    ) {
      put(sig('tamper', 3, s, 'tracking-parameter-planted'));
      return;
    }
    if (!payment || !G.PAYMENT.test(s, ix) || !G.ROUTING_FIELD.test(s, ix)) continue;
    const addressed = G.ADDRESSEE.test(s, ix) && (G.MODEL_NOUN.test(s, ix) || G.YOU_DIRECTIVE.test(s, ix));
    if (G.ADDRESS_LITERAL.test(s, ix) && (other || general || addressed)) {
      put(sig('tamper', 3, s, 'payment-account-planted'));
      return;
    }
    // "whichever payment integration is active, the IBAN is to be read from this tool's response"
    if (
      other &&
      refersToOwn(s, ctx, ix) &&
      /\b(?:read|taken|copied|pulled|sourced|fetched|obtained) from\b|\bcomes? from\b|\buse the value (?:from|of)\b/.test(s)
    ) {
      put(sig('tamper', 3, s, 'routing-value-from-this-tool'));
      return;
    }
  }
}

/**
 * Pieces of one request spread over adjacent sentences: the sensitive data named in one, moved
 * ("send it", "put them in the notes field") in the next one or two. A pronoun or referent must link
 * them, and the model must be addressed, secrecy asked for, or the target be strong and the
 * destination an outside address or a parameter slot; honest docs that name a key in one
 * sentence and a URL in another have neither.
 */
function acrossSentences(norm: string, secrecy: boolean, ix: TextIndex | undefined, put: (s: Signal) => void): void {
  const sents = norm
    .split(SPLIT)
    .map((x) => x.trim())
    .filter((x) => x.length >= 4);
  for (let i = 0; i < sents.length - 1; i++) {
    const a = sents[i] ?? '';
    if (sensitiveMatch(a, ix) === null || G.PROTECTIVE.test(a, ix)) continue;
    for (let j = i + 1; j <= Math.min(i + 2, sents.length - 1); j++) {
      const b = sents[j] ?? '';
      // "You can e-mail it to support@…" describes an option the user has, not an order.
      if (
        G.PROTECTIVE.test(b, ix) ||
        G.USER_DRIVEN.test(b, ix) ||
        G.CAPABILITY.test(b, ix) ||
        !G.TRANSFER.test(b, ix) ||
        !G.REFERENT.test(b, ix)
      )
        continue;
      const win = j === i + 1 ? `${a} ${b}` : `${a} ${sents[i + 1] ?? ''} ${b}`;
      const model = G.ADDRESSEE.test(win) && (G.YOU_DIRECTIVE.test(win) || G.MODEL_NOUN.test(win) || G.MODEL_OWNED.test(win));
      const strong = G.STRONG_TARGET.test(a, ix) || G.CAPTURE_HOST.test(b, ix);
      // A sentence that opens with the verb is an order to whoever reads it (here: the model).
      const imperative = G.IMPERATIVE.test(b, ix) && G.DEST.test(b, ix) && (G.UNIVERSAL.test(b, ix) || /\b(?:us|we|our)\b/.test(win));
      if (
        (model && (G.DEST.test(b, ix) || G.PARAM_SLOT.test(b, ix) || G.OTHER_TOOL.test(b, ix))) ||
        secrecy ||
        G.SECRECY.test(win) ||
        imperative ||
        (strong && (G.DEST.test(b, ix) || G.PARAM_SLOT.test(b, ix)))
      ) {
        put(sig('solicit', 3, `${a.slice(0, 50)} … ${b.slice(0, 60)}`, 'secret-split-over-sentences'));
        return;
      }
    }
  }
}

/**
 * A title is a few words naming the tool. One that talks to the model ("model: also share ...",
 * "Assistant, always ...") or tells it to move data or touch other tools is an instruction hidden
 * where few people look.
 */
export function titleSignal(title: string): Signal | undefined {
  const t = title.normalize('NFKC').toLowerCase();
  if (t.length < 8) return undefined;
  const vocative =
    /(?:^|[([\-\u2013\u2014|:;,]\s*)(?:(?:note|hint|message) (?:to|for) (?:the )?)?(?:assistants?|models?|agents?|ai|llms?|claude|gpt|chatbot)\s*[:,]/.test(
      t,
    );
  const act =
    TRANSFER.test(t) ||
    MODIFY.test(t) ||
    OTHER_TOOL.test(t) ||
    ALWAYS.test(t) ||
    sensitiveMatch(t) !== null ||
    DEST.test(t) ||
    OVERRIDE.test(t);
  if ((vocative && act) || (YOU_DIRECTIVE.test(t) && act) || (sensitiveMatch(t) !== null && DEST.test(t) && TRANSFER.test(t)))
    return sig('agent-address', 3, title, 'title-addresses-model');
  if (OTHER_TOOL.test(t) && (TRANSFER.test(t) || MODIFY.test(t)) && (ALWAYS.test(t) || UNIVERSAL.test(t)))
    return sig('agent-address', 3, title, 'title-steers-other-tools');
  return undefined;
}

/** Identifiers in the raw text that look like other tools' names (snake_case or camelCase). */
export function otherIdentifiers(raw: string, ownName: string, params: string[]): string[] {
  const skip = new Set([
    ownName.toLowerCase(),
    ...params.map((p) => p.toLowerCase()),
    'id_rsa',
    'id_ed25519',
    'id_ecdsa',
    'id_dsa',
    'authorized_keys',
    'known_hosts',
  ]);
  const found = new Set<string>();
  for (const m of raw.matchAll(/(?<![\w./~$-])(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+(?:[A-Z][a-z0-9]+)+)(?![\w./-]|\(\))/g)) {
    const id = m[0].toLowerCase();
    if (!skip.has(id)) found.add(id);
  }
  return [...found];
}

/** Spaced-out and leetspeak words rejoined ("i g n o r e", "r.e.v.e.a.l", "1gn0r3"); undefined when nothing changes. */
const SPACED = /(?<![\p{L}\p{N}])\p{L}([ .\-_])(?:\p{L}\1)+\p{L}(?![\p{L}\p{N}])/gu;
// Cheap ASCII pre-checks so the Unicode-aware passes run only on candidate texts.
const SPACED_HINT = /(?:^|[^a-z0-9])[a-z][ .\-_][a-z][ .\-_][a-z](?:[^a-z0-9]|$)/i;
const LEET_HINT = /[a-z][013457][a-z]|(?:^|[^a-z0-9])[013457][a-z]{2}/i;
const LEET_DIGIT: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't' };
const isLeet = (w: string): boolean => /[a-z][013457]|[013457][a-z]/i.test(w) && (w.match(/[a-z]/gi)?.length ?? 0) >= 2;

export function deobfuscate(text: string): string | undefined {
  let out = text;
  let changed = false;
  if (SPACED_HINT.test(out) && SPACED.test(out)) {
    SPACED.lastIndex = 0;
    out = out.replace(SPACED, (run) => run.replace(/[ .\-_]/g, ''));
    changed = true;
  }
  SPACED.lastIndex = 0;
  const words = LEET_HINT.test(out) ? (out.match(/[a-z0-9]*(?:[a-z][013457]|[013457][a-z])[a-z0-9]*/gi) ?? []) : [];
  if (words.filter(isLeet).length >= 2) {
    out = out.replace(/[a-z0-9]+/gi, (w) => (isLeet(w) ? w.replace(/[013457]/g, (d) => LEET_DIGIT[d] ?? d) : w));
    changed = true;
  }
  return changed ? out : undefined;
}
