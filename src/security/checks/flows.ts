/**
 * Toxic flows over the whole toolset. Each tool is classified by what it can do (from its name,
 * description, schema and annotations); dangerous combinations are reported once, on the tool
 * that completes the flow (the sink or the destructive tool), with the other legs listed.
 *
 * Severity depends on who built the flow: when one server alone has every leg, that is its
 * advertised purpose (a GitHub server reads issues, reads private repos and opens PRs), so we
 * report it at low severity; when the flow only exists because servers were combined, nobody
 * designed it and it is reported higher.
 */

import { visibleText } from '../hidden.js';
import type { Finding, ScannedServer, ToolDef } from '../types.js';

export type Capability = 'untrusted' | 'private' | 'sink' | 'destructive';

// Content from outside: always untrusted when fetched from the web or mail; for user-generated
// items (issues, comments, posts) only when the tool reads them.
const UNTRUSTED =
  /\b(?:fetch(?:es)?|browse|navigate|scrape|crawl|web ?search|search (?:the )?(?:web|internet|online)|urls?|web ?pages?|websites?|html|rss|feeds?|inbox|incoming (?:emails?|messages?)|download|third[- ]party content|public (?:data|content))\b/iu;
const UNTRUSTED_ITEMS =
  /\b(?:issues?|comments?|pull requests?|tickets?|reviews?|tweets?|posts?|channels?|messages?|emails?|mail|threads?|discussions?)\b/iu;
const READ_VERB =
  /\b(?:read|reads|get|gets|list|lists|search|searches|query|show|view|open|load|retrieve|retrieves|fetch|find|describe|inspect|export|browse|lookup|cat|returns?)\b/iu;
const PRIVATE =
  /\b(?:read[_ ]?files?|file ?system|files?|director(?:y|ies)|database|sql|quer(?:y|ies)|tables?|records?|memory|knowledge graph|notes?|documents?|calendar|contacts?|private|repositor(?:y|ies)|secrets?|credentials|environment|customers?|users? data|personal|accounts?|logs?|emails?)\b/iu;
const SINK =
  /\b(?:send|post|publish|upload|e-?mail|message|notify|webhook|tweet|share|comment|create[_ ](?:issue|pull[_ ]?request|comment|gist|page)|push|submit|http (?:request|post)|request to|invite|forward|reply)\b/iu;
const DESTRUCTIVE =
  /\b(?:delete|remove|drop|destroy|truncate|wipe|purge|erase|kill|terminate|overwrite|rm|uninstall|revoke|execute (?:commands?|shell|code)|run (?:commands?|shell|scripts?)|shell|exec|eval)\b/iu;

/** Name, title and the first sentence: what the tool *is*, not every option it mentions. */
function text(tool: ToolDef): string {
  const desc = visibleText(tool.description ?? '').trim();
  const first = desc.split(/(?<=[.!?])\s|\n/)[0] ?? '';
  return `${tool.name.replace(/[_-]+/g, ' ')} ${tool.title ?? ''} ${first.slice(0, 240)}`;
}

/** Top-level input parameter names: a `url` input fetches, a `recipient` input sends, a `command` input runs. */
function paramNames(tool: ToolDef): string[] {
  const props = tool.inputSchema?.properties;
  return props && typeof props === 'object' && !Array.isArray(props) ? Object.keys(props).map((k) => k.toLowerCase()) : [];
}

const URL_PARAM = /^(?:url|uri|urls|href|link|page_?url|website)$/;
const SINK_PARAM = /^(?:to|cc|bcc|recipients?|channel(?:_?id)?|webhook(?:_?url)?|email_?to|phone(?:_?number)?|destination)$/;
const EXEC_PARAM = /^(?:command|cmd|script|code|shell|query_to_execute)$/;

/** What a tool can do, from name, title, first sentence, parameter names and annotations (explicit annotations win). */
export function classifyTool(tool: ToolDef): Set<Capability> {
  const caps = new Set<Capability>();
  const t = text(tool);
  const name = tool.name.replace(/[_-]+/g, ' ');
  const params = paramNames(tool);
  const a = tool.annotations ?? {};
  const readOnly = a.readOnlyHint === true;
  const reads = READ_VERB.test(t);
  if (
    UNTRUSTED.test(t) ||
    (UNTRUSTED_ITEMS.test(t) && reads) ||
    (a.openWorldHint === true && readOnly) ||
    (reads && params.some((p) => URL_PARAM.test(p)))
  )
    caps.add('untrusted');
  if (PRIVATE.test(t) && reads) caps.add('private');
  if (!readOnly && (SINK.test(name) || (SINK.test(t) && a.openWorldHint !== false) || params.some((p) => SINK_PARAM.test(p))))
    caps.add('sink');
  if (
    !readOnly &&
    a.destructiveHint !== false &&
    (a.destructiveHint === true || DESTRUCTIVE.test(name) || DESTRUCTIVE.test(t) || params.some((p) => EXEC_PARAM.test(p)))
  )
    caps.add('destructive');
  return caps;
}

interface Leg {
  server: string;
  tool: string;
}

function collect(servers: ScannedServer[]): Map<Capability, Leg[]> {
  const legs = new Map<Capability, Leg[]>([
    ['untrusted', []],
    ['private', []],
    ['sink', []],
    ['destructive', []],
  ]);
  for (const s of servers) {
    for (const t of s.tools) for (const c of classifyTool(t)) legs.get(c)?.push({ server: s.name, tool: t.name });
  }
  return legs;
}

function serversWithAll(legs: Map<Capability, Leg[]>, needed: Capability[]): Set<string> {
  const sets = needed.map((c) => new Set((legs.get(c) ?? []).map((l) => l.server)));
  const [first, ...rest] = sets;
  return new Set([...(first ?? [])].filter((s) => rest.every((r) => r.has(s))));
}

function names(legs: Leg[], max = 5): { server: string; kind: 'tool'; name: string }[] {
  return legs.slice(0, max).map((l) => ({ server: l.server, kind: 'tool' as const, name: l.tool }));
}

/**
 * `tainted` holds `server/tool` keys of tools that already carry a content finding (poisoning,
 * hidden text, exfiltration parameter): a flow through such a tool is an attack path, not just a
 * risky combination, and is raised to high.
 */
export function checkToxicFlows(servers: ScannedServer[], tainted: ReadonlySet<string> = new Set()): Finding[] {
  const legs = collect(servers);
  const findings: Finding[] = [];
  const flows: { code: string; needed: Capability[]; completes: Capability; crossSeverity: 'medium' | 'low'; label: string }[] = [
    {
      code: 'TF001',
      needed: ['untrusted', 'private', 'sink'],
      completes: 'sink',
      crossSeverity: 'medium',
      label: 'untrusted content + private data + external sink (lethal trifecta)',
    },
    {
      code: 'TF002',
      needed: ['untrusted', 'destructive'],
      completes: 'destructive',
      crossSeverity: 'low',
      label: 'untrusted content + destructive action',
    },
  ];
  for (const flow of flows) {
    if (!flow.needed.every((c) => (legs.get(c) ?? []).length > 0)) continue;
    const selfContained = serversWithAll(legs, flow.needed);
    // Report per server that owns the completing leg, so each finding points at a concrete tool.
    const completing = legs.get(flow.completes) ?? [];
    const byServer = new Map<string, Leg>();
    for (const l of completing) if (!byServer.has(l.server)) byServer.set(l.server, l);
    for (const [server, leg] of byServer) {
      const inherent = selfContained.has(server);
      const pick = (c: Capability): Leg[] => {
        const all = legs.get(c) ?? [];
        return inherent ? all.filter((l) => l.server === server) : all;
      };
      const extra: Record<string, unknown> = {};
      for (const c of flow.needed)
        extra[c === 'untrusted' ? 'untrustedSources' : c === 'private' ? 'privateData' : c === 'sink' ? 'sinks' : 'destructive'] = names(
          pick(c),
        );
      const legsUsed = flow.needed.flatMap((c) => pick(c));
      const poisoned = legsUsed.some((l) => tainted.has(`${l.server}/${l.tool}`));
      findings.push({
        code: flow.code,
        severity: poisoned ? 'high' : inherent ? 'low' : flow.crossSeverity,
        server,
        entity: { kind: 'tool', name: leg.tool },
        message: `${inherent ? 'Server toolset' : 'Combined toolset across servers'} forms a toxic flow: ${flow.label}; "${leg.tool}" completes it${poisoned ? ', and a tool on the path carries poisoning findings' : ''}.`,
        evidence: flow.needed
          .map(
            (c) =>
              `${c}: ${pick(c)
                .slice(0, 3)
                .map((l) => `${l.server}/${l.tool}`)
                .join(', ')}`,
          )
          .join(' | '),
        related: flow.needed.flatMap((c) => names(pick(c), 3)).filter((r) => !(r.server === server && r.name === leg.tool)),
        ...extra,
      });
    }
  }
  return findings;
}
