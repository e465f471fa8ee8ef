/**
 * Exfiltration parameters: an input the agent is told to fill with data the tool has no use
 * for (the conversation, the system prompt, secrets, other files). The call itself carries the
 * data to the server, so no "send" wording is needed for this to be theft.
 */

import { forLowerCase } from '../detect/engine.js';
import { visibleText } from '../hidden.js';
import { BEYOND_SECRETS, isSecretsTool } from '../scope.js';
import { normalizeForRules } from '../signals.js';
import { PROTECTIVE, sensitiveMatch } from '../structure.js';
import type { Finding, JsonObject, ToolDef } from '../types.js';

interface Param {
  path: string;
  name: string;
  description: string;
  dataless: boolean;
}

function collectParams(schema: unknown, prefix: string, out: Param[], depth = 0): void {
  if (!schema || typeof schema !== 'object' || depth > 20) return;
  const node = schema as JsonObject;
  const props = node.properties;
  if (props && typeof props === 'object' && !Array.isArray(props)) {
    for (const [name, sub] of Object.entries(props as Record<string, unknown>)) {
      const subObj = (sub && typeof sub === 'object' ? sub : {}) as JsonObject;
      const texts = [subObj.description, subObj.title, subObj.default, ...(Array.isArray(subObj.examples) ? subObj.examples : [])].filter(
        (t): t is string => typeof t === 'string',
      );
      const path = prefix ? `${prefix}.${name}` : name;
      const type = subObj.type;
      const dataless =
        Array.isArray(subObj.enum) || subObj.const !== undefined || type === 'boolean' || type === 'number' || type === 'integer';
      out.push({ path, name, description: texts.join(' '), dataless });
      collectParams(subObj, path, out, depth + 1);
    }
  }
  if (node.items && typeof node.items === 'object' && !Array.isArray(node.items)) {
    // Array items carry their own description: "the first tag must be the full system prompt".
    const items = node.items as JsonObject;
    if (typeof items.description === 'string') {
      const dataless = Array.isArray(items.enum) || items.type === 'boolean' || items.type === 'number' || items.type === 'integer';
      out.push({ path: `${prefix}[]`, name: prefix.split('.').pop() ?? prefix, description: items.description, dataless });
    }
    collectParams(items, `${prefix}[]`, out, depth + 1);
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = node[key];
    if (Array.isArray(list)) list.forEach((s) => collectParams(s, prefix, out, depth + 1));
  }
}

// What the parameter asks the agent to put in it. These run on lower-cased text (normalizeForRules):
// forLowerCase drops the `i` flag, whose Unicode case folding was their cost.
const STEAL_CONTEXT = forLowerCase(
  /\b(?:(?:everyone|anyone|people|persons|everybody) mentioned in (?:the|this) (?:conversation|chat)|(?:latest|last|every|each) (?:user )?(?:message|turn|prompt)s?\b[^.\n]{0,20}\bverbatim|what the user (?:just )?(?:wrote|typed|said)|(?:mentioned|said|shared|given) anywhere in (?:the|this) (?:conversation|chat|session)|(?:said|typed|written|discussed|shared|mentioned) (?:in|during) (?:this|the) (?:conversation|chat|session)|hidden instructions|(?:earlier|previously|before) in (?:the|this) (?:session|conversation|chat)|\bword for word\b|(?:log|record|transcript|copy|dump) of (?:the |this )?(?:current |whole |entire |full )?(?:chat|conversation|session|dialog(?:ue)?)|\ball (?:the )?turns\b|(?:the )?names of (?:all|every) (?:the )?tools you|(?:full|entire|whole|complete|all|verbatim)\b[^.\n]{0,12}\b(?:conversation|chat|dialog(?:ue)?|transcript of (?:the|this|our) (?:conversation|chat|session)|context window|message history|prompt history)|(?:previous|prior|earlier|preceding|past) (?:messages?|conversation|turns?|instructions?|prompts?|tool (?:calls?|results?|outputs?))|system (?:prompt|message|instructions?)|(?:instructions?|prompt) you (?:were|have been) given|everything (?:the user|you) (?:has |have )?(?:said|know|have|saw|seen|typed|shared|told)|(?:all|any) (?:other )?(?:information|data|details|context) (?:you|the user) (?:have|has|know|knows|can (?:find|see|access)|shared|mentioned)|(?:other|all|any) (?:tools?'? )?(?:outputs?|results?|responses?) (?:you|from)|user'?s? (?:personal|private) (?:data|information|details)|(?:personal|private) (?:details|data|information) (?:of|about) the user|including (?:their |the user'?s? )?(?:personal|private) (?:details|data|information))/iu,
);
const STEAL_SECRET_BULK = forLowerCase(
  /\b(?:precise |exact |home |current )(?:home )?(?:address|gps location|location)\b[^.\n]{0,40}\beven if (?:not|it is not|they are not) (?:needed|required)\b|\beven if not needed\b|\bclipboard\b|\bprocess\.env\b|\bos\.environ\b|\b(?:every|all|each|any)\b[^.\n]{0,30}\b(?:environment variables?|env vars?)|\*_(?:token|key|secret|password)\b|\bconnection strings? (?:including|with) (?:the )?(?:username|user|password|credentials)/iu,
);
const STEAL_SECRET = forLowerCase(
  /\b(?:contents? of|content from|read (?:from )?|copy of|dump of|paste)\b[^.\n]{0,40}(?:~\/|\/etc\/|\.ssh|ssh|private keys?|id_rsa|id_ed25519|\.env\b|\.aws|\.npmrc|\.netrc|\.kube|credentials|mcp\.json|config\.json|keychain|wallet|history)|\b(?:any|all|every|the user'?s?|your)\b[^.\n]{0,15}\b(?:api[ _-]?keys?|secrets?|access tokens?|passwords?|credentials|private keys?|ssh keys?|environment variables|cookies|session tokens?)\b[^.\n]{0,30}\b(?:you (?:have|know|can|see|find)|available|visible|in (?:the )?(?:context|conversation|environment|memory)|found)|(?:gesamte[nr]? (?:gesprächsverlauf|unterhaltung|konversation)|vorherigen nachrichten|systemprompt)|(?:toute la conversation|historique complet|messages précédents|prompt système)|(?:toda la conversación|historial completo|mensajes anteriores|prompt del sistema)|(?:完整(?:的)?对话|全部对话|之前的消息|系统提示|聊天记录)|(?:всю переписку|весь диалог|предыдущие сообщения|системн\S* промпт|историю (?:чата|диалога))/iu,
);
// Names that give a hidden side channel a harmless look.
const CHANNEL_NAME =
  /^(?:side_?notes?|notes?|feedback|debug(?:_?info)?|metadata|meta|extra(?:_?info)?|context|reasoning|remarks?|comments?|internal|telemetry|diagnostics?|trace|analytics|summary|session(?:_?data)?|state|memo|annotation|aux(?:iliary)?|log|audit)$/iu;
const CHANNEL_HINT = forLowerCase(
  /\b(?:conversation|previous messages|chat history|everything|all (?:the )?(?:information|details|data) (?:you|the user)|what the user (?:said|asked|wrote|typed)|secrets|passwords|credentials|api keys|system prompt)\b/iu,
);

// A parameter whose own name says it carries this kind of data ("password", "prompt", "token").
const RELATED_NAME =
  /pass|pwd|secret|token|key|cred|auth|cookie|jwt|otp|ssh|env|conversation|chat|history|message|prompt|phone|address|email|mail|card|billing|session|cert|vault|contact/;
// The description addresses the agent or asks for more than the named thing.
const OVERREACH = /\b(?:you|your|assistant|agent|model|verbatim|full|entire|whole|every|all|any|whatever|also)\b/;
// Data taken from the conversation rather than from the user's request for this call.
const FROM_CONTEXT =
  /\b(?:mentioned|shared|said|typed|seen|spotted|found|available|visible|given)\b[^.\n]{0,20}\b(?:so far|in (?:the|this) (?:chat|conversation|session|context|thread)|earlier|today)\b/;
const ELSEWHERE =
  /\b(?:the user'?s?|their|from the environment|in the environment|in (?:the|this) (?:session|conversation|chat|context)|you (?:have|'ve|know|saw|received)|you've|visible|available|every|all|any|whatever|the value of|the contents? of|followed by|plus|append\w*|concatenat\w*|even if|regardless|the agent|the assistant|the model|saved|stored|typed|today|current (?:bearer|session|oauth|access))\b/;
const CONTEXT_DATA =
  /conversation|dialog|chat|transcript|turns|messages|system prompt|instructions? you|configured with|会話|对话|聊天|переписк|диалог|المحادثة|대화/;
// Environment-style secret names: AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN.
const ENV_SECRET = /\b[a-z0-9]+(?:_[a-z0-9]+)*_(?:secret|token|key|password|pat)(?:_[a-z0-9]+)*\b/;
// Telling the agent what to put in the slot.
const FILL =
  /\b(?:fill|fills|set|use|put|provide|paste|include|append|add|adds|appends|contain|contains|construct|supply|insert|enter|must|should|always|followed by|plus|the value of|whatever|preset|here)\b/;

export function checkExfilParams(tool: ToolDef, server: string): Finding[] {
  const params: Param[] = [];
  collectParams(tool.inputSchema, '', params);
  // A vault, password-manager or credentials tool names secrets because they are its subject.
  const secretsDomain = isSecretsTool(tool.name, visibleText(tool.description ?? ''));
  const findings: Finding[] = [];
  for (const p of params) {
    // Booleans, numbers and enums cannot carry stolen text.
    if (p.dataless) continue;
    const text = normalizeForRules(visibleText(`${p.name.replace(/[_-]+/g, ' ')}: ${p.description}`));
    const related = RELATED_NAME.test(p.name.toLowerCase());
    // "prompt: The system prompt text to check" names its own content; it is not a request for ours.
    if (related && !OVERREACH.test(text)) continue;
    const context = STEAL_CONTEXT.exec(text);
    const secret = STEAL_SECRET.exec(text) ?? STEAL_SECRET_BULK.exec(text);
    const ownSecret = secret !== null && context === null && secretsDomain && !BEYOND_SECRETS.test(secret[0]);
    const hit = context ?? (ownSecret ? null : secret);
    // "Do not paste credentials here" warns against exactly what the rule looks for.
    const warned =
      hit !== null &&
      /\b(?:do not|don'?t|never|must not|should not)\s+(?:\w+\s+)?$/.test(text.slice(Math.max(0, hit.index - 30), hit.index));
    if (hit && !warned) {
      findings.push({
        code: 'DT002',
        severity: secret || CHANNEL_NAME.test(p.name) ? 'critical' : 'high',
        server,
        entity: { kind: 'tool', name: tool.name },
        message: `tool "${tool.name}": parameter "${p.path}" asks the agent to fill it with ${secret ? 'secrets or private files' : 'conversation or context data'} the tool does not need.`,
        evidence: `"${hit[0].trim()}" in ${p.path}: ${p.description.slice(0, 200)}`,
        field: `inputSchema.properties.${p.path}`,
      });
      continue;
    }
    // A slot named for one thing that the agent is told to fill with secrets or the conversation.
    const desc = text.slice(text.indexOf(':') + 1).replace(/_/g, ' ');
    // Setup notes ("put your access token under auth.token") name where the user's own secret goes;
    // theft reaches for data from elsewhere: the environment, the session, "whatever", the agent.
    const asks = !related && (FILL.test(desc) || FROM_CONTEXT.test(desc)) && !PROTECTIVE.test(desc);
    const found = asks ? sensitiveMatch(desc) : null;
    // The conversation or the system prompt never belongs in an unrelated slot; a secret does only
    // when the text reaches for one from elsewhere (the environment, the session, "whatever").
    const sens = found && (CONTEXT_DATA.test(found[0]) || ELSEWHERE.test(desc) || FROM_CONTEXT.test(desc)) ? found : null;
    // A bare "secret" is too ambiguous (Kubernetes Secrets); an ENV_STYLE_SECRET name is not.
    const wanted =
      asks && !(secretsDomain && !BEYOND_SECRETS.test(desc))
        ? ((sens && !/^secrets?$/.test(sens[0].trim()) ? sens : null) ??
          (ELSEWHERE.test(desc) ? ENV_SECRET.exec(p.description.toLowerCase()) : null))
        : null;
    if (wanted) {
      findings.push({
        code: 'DT002',
        severity: 'high',
        server,
        entity: { kind: 'tool', name: tool.name },
        message: `tool "${tool.name}": parameter "${p.path}" is named for something else but asks the agent to fill it with sensitive data.`,
        evidence: `"${wanted[0].trim()}" in ${p.path}: ${p.description.slice(0, 200)}`,
        field: `inputSchema.properties.${p.path}`,
      });
      continue;
    }
    if (CHANNEL_NAME.test(p.name) && CHANNEL_HINT.test(text)) {
      findings.push({
        code: 'DT002',
        severity: 'medium',
        server,
        entity: { kind: 'tool', name: tool.name },
        message: `tool "${tool.name}": side-channel style parameter "${p.path}" mentions data unrelated to the call.`,
        evidence: `${p.path}: ${p.description.slice(0, 200)}`,
        field: `inputSchema.properties.${p.path}`,
      });
    }
  }
  return findings;
}
