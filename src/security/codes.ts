/**
 * The catalogue of check codes: one place for the names, default severities and help text used
 * by the human report, SARIF rules and docs/scan-checks.md. Codes are stable; never reuse one.
 */

import type { Severity } from './types.js';

export interface CheckInfo {
  code: string;
  title: string;
  /** Typical severity; some checks scale it by evidence (documented in `help`). */
  severity: Severity;
  help: string;
}

export const CHECKS: readonly CheckInfo[] = [
  {
    code: 'TP001',
    title: 'Tool poisoning / prompt injection',
    severity: 'high',
    help: 'Text the model reads (descriptions, nested parameter descriptions, titles, prompts, resources, server instructions) contains instructions aimed at the agent: overriding its instructions, hiding actions from the user, reaching for secrets, steering other tools, claiming priority. Signals are weighted and combined; a lone imperative never reaches medium.',
  },
  {
    code: 'DT001',
    title: 'Sensitive data solicitation',
    severity: 'high',
    help: 'The text asks the agent to read or hand over secrets, private files (~/.ssh, .env, credentials), the system prompt or conversation history, or to ask the user for passwords.',
  },
  {
    code: 'DT002',
    title: 'Exfiltration parameter',
    severity: 'high',
    help: 'An input parameter asks to be filled with data the tool does not need (the full conversation, the system prompt, API keys, the contents of private files). The tool call itself carries the data out.',
  },
  {
    code: 'HC001',
    title: 'Unicode tag characters',
    severity: 'high',
    help: 'Invisible U+E0000–E007F tag characters (ASCII smuggling) outside an emoji flag sequence. The hidden ASCII is decoded and scanned; an instruction inside raises the severity to critical.',
  },
  {
    code: 'HC002',
    title: 'Zero-width characters',
    severity: 'medium',
    help: 'Zero-width spaces/joiners, word joiners, invisible separators outside legitimate emoji or script contexts. Runs used as binary are decoded and scanned.',
  },
  {
    code: 'HC003',
    title: 'Bidirectional controls',
    severity: 'high',
    help: 'Bidi embedding/override/isolate characters that make displayed text differ from what the model reads (Trojan Source).',
  },
  {
    code: 'HC004',
    title: 'Variation-selector smuggling',
    severity: 'high',
    help: 'Variation selectors (U+FE00–FE0F, U+E0100–E01EF) outside a single emoji or ideographic variation sequence; runs encode bytes and are decoded and scanned.',
  },
  {
    code: 'HC005',
    title: 'HTML comment',
    severity: 'low',
    help: 'An HTML comment is invisible when the description is rendered as Markdown but read by the model. Severity rises with what the comment says.',
  },
  {
    code: 'HC006',
    title: 'ANSI escape / control characters',
    severity: 'high',
    help: 'Terminal escape sequences or control characters can hide or overwrite text in a terminal review.',
  },
  {
    code: 'HC007',
    title: 'Encoded payload',
    severity: 'low',
    help: 'A long base64, hex or URL-encoded run that decodes to readable text. The decoded text is scanned; instructions inside raise the severity.',
  },
  {
    code: 'HC008',
    title: 'Mixed-script words',
    severity: 'medium',
    help: 'Words mixing Latin with Cyrillic/Greek look-alike letters, a trick to slip instructions past keyword filters.',
  },
  {
    code: 'SH001',
    title: 'Cross-server reference',
    severity: 'high',
    help: "An entity mentions another server's tools or the server itself. High when the mention instructs the agent how to use them (shadowing); low when it merely names them.",
  },
  {
    code: 'SH002',
    title: 'Confusable tool name',
    severity: 'high',
    help: 'Two servers offer tools whose names have the same confusable skeleton (Cyrillic/Greek/fullwidth look-alikes, case or separator differences). High when non-ASCII look-alikes are involved.',
  },
  {
    code: 'SH003',
    title: 'Duplicate tool name',
    severity: 'low',
    help: 'The same tool name is offered by more than one server; a client without per-server namespaces may route calls to the wrong one.',
  },
  {
    code: 'SH004',
    title: 'Spoofed tool name',
    severity: 'high',
    help: 'A tool name mixes scripts or uses fullwidth/look-alike characters, posing as an ASCII name.',
  },
  {
    code: 'TF001',
    title: 'Toxic flow: lethal trifecta',
    severity: 'medium',
    help: 'The toolset can ingest untrusted content, read private data and send data out. Medium when the flow arises from combining servers, low when one server alone is built that way, high when a tool on the path carries poisoning findings.',
  },
  {
    code: 'TF002',
    title: 'Toxic flow: untrusted content + destructive tool',
    severity: 'low',
    help: 'Untrusted content can steer a destructive tool (delete, overwrite, execute). Low unless a tool on the path carries poisoning findings (then high).',
  },
  {
    code: 'CF001',
    title: 'Unpinned package launcher',
    severity: 'medium',
    help: 'npx/bunx/pnpm dlx/uvx/pipx run/docker run without an exact version: each start can run a different release, a rug pull without any server-side change.',
  },
  {
    code: 'CF002',
    title: 'Plain-HTTP remote server',
    severity: 'medium',
    help: 'A remote server URL uses http:// on a non-loopback host. High when auth headers are sent in cleartext.',
  },
  {
    code: 'CF003',
    title: 'Inline secret in config',
    severity: 'high',
    help: 'An env value, header or argument looks like a credential (known token prefixes, or a high-entropy value named *KEY*/*TOKEN*/*SECRET*). The evidence is redacted.',
  },
  {
    code: 'CF004',
    title: 'Server bound to all interfaces',
    severity: 'medium',
    help: 'The server is told to listen on 0.0.0.0 / ::, exposing it to the network.',
  },
  {
    code: 'SZ001',
    title: 'Very large toolset',
    severity: 'medium',
    help: 'A server exposes more tools or definition text than a model can use well (defaults: 80 tools or 60,000 characters).',
  },
  { code: 'SZ002', title: 'Large combined toolset', severity: 'low', help: 'All servers together exceed 1.5× the single-server limits.' },
  {
    code: 'PN001',
    title: 'Pinned entity changed (rug pull)',
    severity: 'high',
    help: 'A tool, prompt or resource differs from its pinned definition; the evidence lists each changed field with old and new values.',
  },
  {
    code: 'PN002',
    title: 'New entity since pinning',
    severity: 'medium',
    help: 'A tool, prompt or resource appeared that is not in the lock file.',
  },
  { code: 'PN003', title: 'Pinned entity removed', severity: 'low', help: 'A pinned tool, prompt or resource is no longer offered.' },
  {
    code: 'PN004',
    title: 'Server not pinned',
    severity: 'low',
    help: 'The lock file has no entry for this server; run `mcp-bastion pin` or `scan --update-pins`.',
  },
  {
    code: 'SC001',
    title: 'Server not scanned',
    severity: 'low',
    help: 'The server could not be started, reached or listed (no consent, sandbox missing, timeout, crash). Reported in `servers[].status = "error"`; the exit code is 3.',
  },
  {
    code: 'SG001',
    title: 'Definition not covered by a signature',
    severity: 'high',
    help: 'With `--require-signature`: a tool, prompt or resource is not in a signed manifest that verifies with the publisher key (no signature, an invalid or expired one, or an entity the publisher never signed).',
  },
  {
    code: 'SG002',
    title: 'Definition differs from its signed form',
    severity: 'high',
    help: 'With `--require-signature`: the signature is valid but the offered definition is not the one signed (canonical JSON compared, so key order does not matter); the evidence lists each changed field.',
  },
  {
    code: 'SG003',
    title: 'No valid signed manifest',
    severity: 'high',
    help: 'With `--require-signature`: the server has no signed manifest (none in the file, none at `/.well-known/mcp-manifest.jws`) or it fails verification; the evidence says why.',
  },
];

export function checkInfo(code: string): CheckInfo | undefined {
  return CHECKS.find((c) => c.code === code);
}
