/**
 * Every string a model reads about an entity, with the field it came from. Attackers put text
 * anywhere the client forwards: nested parameter descriptions, enum values, defaults, titles,
 * even property names, so we walk schemas completely rather than reading `description` only.
 */

import type { EntityKind, PromptDef, ResourceDef, ScannedServer, ToolDef } from './types.js';

export interface FieldText {
  field: string;
  text: string;
}

export interface EntityTexts {
  kind: EntityKind;
  name: string;
  texts: FieldText[];
}

// Schema keywords whose values are structure, not prose.
// `pattern` is not here: a client forwards it to the model like any other string, so it is read too.
const STRUCTURAL = new Set(['type', '$schema', '$id', '$ref', 'format', 'required', 'additionalProperties', '$defs', 'definitions']);

function walkSchema(node: unknown, path: string, out: FieldText[], depth = 0): void {
  if (depth > 40 || node === null || node === undefined) return;
  if (typeof node === 'string') {
    if (node.trim()) out.push({ field: path, text: node });
    return;
  }
  if (Array.isArray(node)) {
    node.forEach((v, i) => walkSchema(v, `${path}[${i}]`, out, depth + 1));
    return;
  }
  if (typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const p = path ? `${path}.${key}` : key;
    if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [prop, sub] of Object.entries(value as Record<string, unknown>)) {
        // Property names are read by the model too; long or sentence-like ones are a channel.
        if (prop.length > 24 || /\s/.test(prop)) out.push({ field: `${p}.${prop}(name)`, text: prop.replace(/[_-]+/g, ' ') });
        walkSchema(sub, `${p}.${prop}`, out, depth + 1);
      }
      continue;
    }
    if (STRUCTURAL.has(key) && typeof value !== 'object') continue;
    if (key === 'required' && Array.isArray(value)) continue;
    walkSchema(value, p, out, depth + 1);
  }
}

export function toolTexts(tool: ToolDef): EntityTexts {
  const texts: FieldText[] = [];
  if (tool.title) texts.push({ field: 'title', text: tool.title });
  if (tool.description) texts.push({ field: 'description', text: tool.description });
  if (tool.annotations?.title) texts.push({ field: 'annotations.title', text: String(tool.annotations.title) });
  walkSchema(tool.inputSchema, 'inputSchema', texts);
  walkSchema(tool.outputSchema, 'outputSchema', texts);
  return { kind: 'tool', name: tool.name, texts };
}

export function promptTexts(prompt: PromptDef): EntityTexts {
  const texts: FieldText[] = [];
  if (prompt.title) texts.push({ field: 'title', text: prompt.title });
  if (prompt.description) texts.push({ field: 'description', text: prompt.description });
  (prompt.arguments ?? []).forEach((a, i) => {
    if (a.description) texts.push({ field: `arguments[${i}].description`, text: a.description });
    if (a.title) texts.push({ field: `arguments[${i}].title`, text: a.title });
  });
  for (const key of ['messages', 'text', 'template'] as const) walkSchema(prompt[key], key, texts);
  return { kind: 'prompt', name: prompt.name, texts };
}

export function resourceTexts(res: ResourceDef): EntityTexts {
  const texts: FieldText[] = [];
  if (res.title) texts.push({ field: 'title', text: res.title });
  if (res.description) texts.push({ field: 'description', text: res.description });
  if (typeof res.text === 'string') texts.push({ field: 'text', text: res.text });
  return { kind: 'resource', name: res.name, texts };
}

/** All model-visible entities of a server, server instructions included. */
export function serverEntities(server: ScannedServer): EntityTexts[] {
  const out: EntityTexts[] = server.tools.map(toolTexts);
  for (const p of server.prompts ?? []) out.push(promptTexts(p));
  for (const r of server.resources ?? []) out.push(resourceTexts(r));
  for (const r of server.resourceTemplates ?? []) out.push(resourceTexts(r));
  if (server.instructions) out.push({ kind: 'server', name: server.name, texts: [{ field: 'instructions', text: server.instructions }] });
  return out;
}
