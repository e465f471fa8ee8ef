import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/*
 * The security documents promise that every file, link and command they name exists. This test holds them to it:
 * relative links must resolve (to a file, and to a heading when they carry an #anchor), and every
 * `mcp-bastion <command>` shown in code must be a command of the built CLI.
 */

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/cli/main.js');

const REQUIRED_DOCUMENTS = [
  'README.md',
  'specs/reference documents/mcp_security_manual.md',
  'specs/features/mcp-security.md',
  'specs/features/mcp-oauth-authentication.md',
  'specs/planning/mcp-security-implementation-plan.md',
];

function markdownUnder(dir: string): string[] {
  const abs = join(ROOT, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(dir, name))
    .sort();
}

function documents(): string[] {
  return ['README.md', ...markdownUnder('docs'), ...markdownUnder('specs')];
}

/** Fenced code blocks become blank lines so that links and headings inside them are ignored, line numbers kept. */
function withoutFences(text: string): string {
  let fence: string | undefined;
  return text
    .split('\n')
    .map((line) => {
      const marker = /^\s*(`{3,}|~{3,})(.*)$/.exec(line);
      // A closing fence repeats the opening character at least as often and carries no info string.
      const closes = fence !== undefined && marker?.[1]?.startsWith(fence) === true && marker[2]?.trim() === '';
      if ((fence === undefined && marker) || closes) {
        fence = closes ? undefined : marker?.[1];
        return '';
      }
      return fence === undefined ? line : '';
    })
    .join('\n');
}

function withoutInlineCode(line: string): string {
  return line.replace(/(`+)(?:(?!\1).)+?\1/g, '');
}

/** The anchor GitHub gives a heading: rendered text, lower case, punctuation dropped, each space a hyphen. */
function slug(heading: string): string {
  // Backticks and emphasis marks fall out with the other punctuation; only link targets and HTML tags need removing.
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutFences(text).split('\n')) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const base = slug(heading);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
  }
  return anchors;
}

interface Link {
  line: number;
  target: string;
}

function linksOf(text: string): Link[] {
  const links: Link[] = [];
  withoutFences(text)
    .split('\n')
    .forEach((raw, i) => {
      const line = withoutInlineCode(raw);
      for (const m of line.matchAll(/\]\(\s*(?:<([^>]+)>|([^)\s]+))(?:\s+"[^"]*")?\s*\)/g))
        links.push({ line: i + 1, target: (m[1] ?? m[2])! });
      const ref = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/.exec(line);
      if (ref) links.push({ line: i + 1, target: ref[1]! });
    });
  return links;
}

/** Problems with one relative link, or undefined when it resolves. Absolute URLs are not fetched (no network). */
function checkLink(fromFile: string, target: string, readFile: (abs: string) => string | undefined): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
  const hash = target.indexOf('#');
  const pathPart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
  const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const abs = pathPart === '' ? fromFile : resolve(dirname(fromFile), pathPart);
  const text = readFile(abs);
  if (text === undefined) return `${target}: no such file`;
  if (anchor === undefined || anchor === '') return undefined;
  if (!abs.endsWith('.md')) return undefined;
  return anchorsOf(text).has(anchor.toLowerCase()) ? undefined : `${target}: no heading #${anchor} in ${relative(ROOT, abs)}`;
}

interface CommandMention {
  line: number;
  command: string;
}

/**
 * `mcp-bastion <command>` (also `npx -y mcp-bastion@0.1 <command>` and `node dist/cli/main.js <command>`) inside
 * inline code or code blocks. Prose is left alone: "mcp-bastion keeps the names" is a sentence, not a command.
 */
function commandsOf(text: string): CommandMention[] {
  const mentions: CommandMention[] = [];
  const pattern = /(?:\bmcp-bastion(?:@[\w.^~-]+)?|\bdist\/cli\/main\.js)[ \t]+([a-z][a-z0-9-]*)/g;
  const fenced = text.split('\n');
  const prose = withoutFences(text).split('\n');
  fenced.forEach((line, i) => {
    const inFence = prose[i] !== line;
    const spans = inFence ? [line] : [...line.matchAll(/(`+)((?:(?!\1).)+?)\1/g)].map((m) => m[2]!);
    for (const span of spans) for (const m of span.matchAll(pattern)) mentions.push({ line: i + 1, command: m[1]! });
  });
  return mentions;
}

/** Command names from commander's `--help`: the first word of each entry in the Commands section. */
function commandsFromHelp(help: string): Set<string> {
  const section = help.split(/^Commands:\s*$/m)[1];
  if (section === undefined) throw new Error('no "Commands:" section in the CLI help');
  const names = new Set<string>();
  for (const line of section.split('\n')) {
    const name = /^ {2}([a-z][a-z0-9-]*)(?:\|[a-z-]+)?\b/.exec(line)?.[1];
    if (name !== undefined) names.add(name);
  }
  return names;
}

/** A file's text; a directory reads as empty (a link to a folder is fine); undefined when nothing is there. */
function readIfExists(abs: string): string | undefined {
  if (!existsSync(abs)) return undefined;
  return statSync(abs).isFile() ? readFileSync(abs, 'utf8') : '';
}

describe('the documentation checker catches what it must (and nothing else)', () => {
  it('makes GitHub anchors, including duplicates, code and punctuation', () => {
    const anchors = anchorsOf(
      '# `mcp-bastion scan` — offline\n## Pins\n## Pins\n```sh\n# not a heading\n```js\n# still code\n```\n## TP001 — tool poisoning / prompt injection\n## Using C# ##\n',
    );
    expect([...anchors]).toEqual(['mcp-bastion-scan--offline', 'pins', 'pins-1', 'tp001--tool-poisoning--prompt-injection', 'using-c']);
  });

  it('finds inline and reference links, but not links inside code', () => {
    const links = linksOf(
      'See [a](docs/a.md#x) and `[b](nope.md)`.\n```\n[c](nope.md)\n```\n[ref]: ../b.md\n[d](<specs/reference documents/m.md> "t")\n',
    );
    expect(links).toEqual([
      { line: 1, target: 'docs/a.md#x' },
      { line: 5, target: '../b.md' },
      { line: 6, target: 'specs/reference documents/m.md' },
    ]);
  });

  it('reports a missing file and a missing heading, accepts a space written as %20', () => {
    const files: Record<string, string> = { '/r/a b/x.md': '# Real heading\n', '/r/y.md': '' };
    const read = (abs: string): string | undefined => files[abs];
    expect(checkLink('/r/y.md', 'a%20b/x.md#real-heading', read)).toBeUndefined();
    expect(checkLink('/r/y.md', 'a%20b/x.md#made-up', read)).toMatch(/no heading #made-up/);
    expect(checkLink('/r/y.md', 'gone.md', read)).toMatch(/no such file/);
    expect(checkLink('/r/y.md', 'https://example.com/gone.md', read)).toBeUndefined();
  });

  it('takes command mentions from code only, with versions and subcommands', () => {
    const text =
      'mcp-bastion keeps names.\nRun `npx -y mcp-bastion@0.1 scan --json` or `mcp-bastion gateway approve a__b`.\n```sh\nnode dist/cli/main.js serve --stdio\n```\n`mcp-bastion/auth`\n';
    expect(commandsOf(text)).toEqual([
      { line: 2, command: 'scan' },
      { line: 2, command: 'gateway' },
      { line: 4, command: 'serve' },
    ]);
  });

  it('reads the command list out of commander help', () => {
    const help =
      'Usage: x\n\nOptions:\n  -h, --help  help\n\nCommands:\n  serve [options]   serve it\n                    more text\n  scan [configs...]  scan\n  help [command]    help\n';
    expect([...commandsFromHelp(help)]).toEqual(['serve', 'scan', 'help']);
  });
});

describe('the documents', () => {
  const files = documents();

  it('include the security manual, both feature specs, the plan and the README', () => {
    for (const doc of REQUIRED_DOCUMENTS) expect(files, doc).toContain(doc);
  });

  it.each(files)('%s: every relative link resolves, anchors included', (file) => {
    const abs = join(ROOT, file);
    const problems = linksOf(readFileSync(abs, 'utf8'))
      .map((link) => ({ link, problem: checkLink(abs, link.target, readIfExists) }))
      .filter((p) => p.problem !== undefined)
      .map((p) => `${file}:${p.link.line}: ${p.problem}`);
    expect(problems).toEqual([]);
  });

  it('name only mcp-bastion commands the built CLI has', () => {
    if (!existsSync(CLI)) throw new Error(`${relative(ROOT, CLI)} is missing: run \`npm run build\` first (npm test does)`);
    const known = commandsFromHelp(execFileSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' }));
    expect(known.has('serve')).toBe(true);
    const unknown = files.flatMap((file) =>
      commandsOf(readFileSync(join(ROOT, file), 'utf8'))
        .filter((m) => !known.has(m.command))
        .map((m) => `${file}:${m.line}: mcp-bastion ${m.command}`),
    );
    expect(unknown).toEqual([]);
  });
});
