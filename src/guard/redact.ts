/**
 * Secret redaction for text that leaves the gateway (tool results, resource contents, audit
 * arguments). Every pattern starts with a negative lookbehind for its own body characters, so a
 * match attempt can only begin where a run of those characters begins: runs are disjoint, each
 * is scanned once, and the whole pass stays linear even on adversarial input (the engine is a
 * backtracking one). PEM blocks are found with indexOf instead of a lazy `[\s\S]*?`, which would
 * be quadratic when BEGIN lines repeat without an END.
 */

export interface RedactOptions {
  /** Exact secret values to mask (the gateway's own and its upstreams' env secrets). Values under 8 characters are ignored. */
  extraValues?: readonly string[] | undefined;
}

export interface Redaction {
  kind: string;
  count: number;
}

export interface RedactResult {
  text: string;
  redactions: Redaction[];
}

/** Shortest `extraValues` entry that is matched: shorter values would mask ordinary words. */
export const MIN_EXTRA_VALUE_LENGTH = 8;

const mark = (kind: string): string => `[REDACTED:${kind}]`;

interface Pattern {
  kind: string;
  re: RegExp;
  /** Builds the replacement from the match; `undefined` keeps the match unchanged (a false positive). */
  replace: (match: string, groups: string[]) => string | undefined;
}

const whole =
  (kind: string, accept: (m: string) => boolean = () => true) =>
  (m: string): string | undefined =>
    accept(m) ? mark(kind) : undefined;

function countOf(s: string, re: RegExp): number {
  return (s.match(re) ?? []).length;
}

// sk-... keys carry mixed case and digits; kebab-case words after "sk-" do not.
const looksRandom = (s: string): boolean => countOf(s, /[0-9]/g) >= 2 && countOf(s, /[A-Z]/g) >= 2 && countOf(s, /[a-z]/g) >= 2;

function decodesToJwtHeader(token: string): boolean {
  const header = token.slice(0, token.indexOf('.'));
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

// Values that name a secret instead of being one: env references, placeholders, types, masks.
const NOT_A_SECRET =
  /^(?:\[REDACTED:|[a-z][a-z0-9+.-]*:\/\/|\/\^|\(|\/[\w/.{}:-]*$|\$\{|\$[A-Z_]|%[A-Z_]+%|\{\{|<|process\.env\b|os\.environ\b|env\.|import\.meta\.env\b|(?:string|number|boolean|null|undefined|true|false|none|required|optional|changeme|example|placeholder|password|passwd|pass|secret|token|apikey|api[_-]key|your[\w-]*)$)|^(.)\1*$/i;
const NUMERIC = /^\d+$/;
// Source code read through a tool: `token = options.token`, `password = getPassword()`, `key = keys[i]`, `secret = appSecret`.
const CODE_EXPRESSION =
  /^(?:[A-Za-z_$][\w$]*(?:(?:\?\.|\.)[A-Za-z_$][\w$]*|\[[\w$.'"]*\]|\([^()]*\)?)+|[a-z][a-z0-9]*(?:[A-Z][a-z]{2}[a-z0-9]*)+)$/;

/** Key names whose value is a credential; `page_token` or `max_tokens` are not. */
function isSecretKeyName(name: string): boolean {
  // Flags about a secret (`isToken`, `hasPassword`, `use_token`) hold booleans, not the secret.
  if (/(?:^(?:is|has|use|uses|enable|disable|allow|require|show|needs?)|Is|Has|Uses|Needs)(?=[A-Z_-])/.test(name)) return false;
  const k = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (/(?:page|next|prev|cursor|continuation|sync|csrf|xsrf|count|length|limit|max|min|type|name|file|path|url|endpoint|id)$/.test(k)) {
    return false;
  }
  if (/(?:page|cursor|continuation)token$/.test(k)) return false;
  return /(?:password|passwd|passphrase|pwd|secret|token|apikey|accesskey|accountkey|privatekey|secretkey|signingkey|credentials?|authorization)$/.test(
    k,
  );
}

// Unquoted, what follows `key:` in docs and source is often a word, a type or a path, not a literal.
const BARE_NOT_SECRET = /^(?:[a-z]+|[A-Z][A-Z]?[a-z][A-Za-z]*|`.*|\/[\w/.-]*)$/;
// Letters only with a lower-to-upper step (camelCase, PascalCase types); two linear tests, not one backtracking pattern.
const isIdentifierWord = (v: string): boolean => /^[A-Za-z]+$/.test(v) && /[a-z][A-Z]/.test(v);
// The shape heuristics below only look at values of ordinary length; anything longer is treated as a literal.
const MAX_HEURISTIC_LENGTH = 256;

/** Whether the value after a credential-named key is worth masking; `quoted` values are literals by construction. */
function acceptValue(value: string, quoted = false): boolean {
  // Prose and code put punctuation after a value: "`token: false`," is a boolean, not a secret.
  const core = value.replace(/[`.,:;)\]}]+$/, '');
  if (core.length < 6 || NOT_A_SECRET.test(core) || NUMERIC.test(core)) return false;
  if (value.length > MAX_HEURISTIC_LENGTH) return true;
  if (CODE_EXPRESSION.test(value) || CODE_EXPRESSION.test(core)) return false;
  // A quoted sentence ("client secret is expired - cannot issue ...") is a message, not a passphrase.
  if (quoted) return (core.match(/\s/g) ?? []).length < 4;
  return !BARE_NOT_SECRET.test(core) && !isIdentifierWord(core);
}

// Ordered: specific formats first, so the generic passes see their markers and leave them alone.
const PATTERNS: Pattern[] = [
  { kind: 'aws-access-key-id', re: /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/g, replace: whole('aws-access-key-id') },
  {
    kind: 'aws-secret-access-key',
    re: /(?<![A-Za-z0-9_])((?:aws_?)?secret_?access_?key["']?\s{0,8}[:=]\s{0,8}["']?)([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    replace: (_m, [key = '']) => key + mark('aws-secret-access-key'),
  },
  {
    kind: 'github-token',
    re: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})(?![A-Za-z0-9_])/g,
    replace: whole('github-token'),
  },
  { kind: 'npm-token', re: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/g, replace: whole('npm-token') },
  { kind: 'gitlab-token', re: /(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,}/g, replace: whole('gitlab-token') },
  { kind: 'slack-token', re: /(?<![A-Za-z0-9_-])xox[abprs]-[A-Za-z0-9-]{10,}/g, replace: whole('slack-token') },
  { kind: 'stripe-key', re: /(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g, replace: whole('stripe-key') },
  { kind: 'google-api-key', re: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g, replace: whole('google-api-key') },
  { kind: 'api-key', re: /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}/g, replace: whole('api-key', looksRandom) },
  {
    kind: 'jwt',
    re: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g,
    replace: whole('jwt', decodesToJwtHeader),
  },
  {
    kind: 'authorization-header',
    re: /(?<![A-Za-z0-9_-])(authorization["']?\s{0,8}[:=]\s{0,8}["']?)((?:Basic|Bearer|Token|Digest)\s{1,4})?([A-Za-z0-9._~+/-]{8,}=*)/gi,
    // With a scheme the value is a credential; without one it may be code (`authorization = getAuthorization(...)`).
    replace: (_m, [head = '', scheme, value = '']) =>
      (scheme ? !NOT_A_SECRET.test(value) : acceptValue(value)) ? head + (scheme ?? '') + mark('authorization-header') : undefined,
  },
  {
    kind: 'bearer-token',
    re: /(?<![A-Za-z0-9_-])(Bearer\s{1,4})([A-Za-z0-9._~+/-]{16,}=*)/g,
    // After "Bearer" the context is strong: opaque hex or lower-case tokens count too, words and placeholders do not.
    replace: (_m, [prefix = '', value = '']) =>
      !NOT_A_SECRET.test(value) && (looksRandom(value) || /[0-9]/.test(value) || value.length >= 32)
        ? prefix + mark('bearer-token')
        : undefined,
  },
  {
    kind: 'connection-string-password',
    re: /(?<![A-Za-z0-9+.-])([a-z][a-z0-9+.-]{1,20}:\/\/[^\s:@/'"<>]*:)([^\s@/'"<>]+)@/gi,
    replace: (_m, [head = '', pass = '']) => (NOT_A_SECRET.test(pass) ? undefined : head + mark('connection-string-password') + '@'),
  },
  {
    // The key must end in a credential word inside the regex: a rejected match would swallow its tail.
    kind: 'secret-assignment',
    re: /(?<![A-Za-z0-9_.-])(["']?([A-Za-z0-9_.-]{0,60}?(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|access[_-]?key|account[_-]?key|private[_-]?key|signing[_-]?key|credentials?))["']?\s{0,8}[:=]\s{0,8})(?:"([^"\n]{1,500})"|'([^'\n]{1,500})'|([^\s"'<>,;&]+))/gi,
    replace: (_m, [head = '', key = '', dq, sq, bare]) => {
      const value = dq ?? sq ?? bare ?? '';
      if (!isSecretKeyName(key) || !acceptValue(value, dq !== undefined || sq !== undefined)) return undefined;
      const quote = dq !== undefined ? '"' : sq !== undefined ? "'" : '';
      return `${head}${quote}${mark('secret-assignment')}${quote}`;
    },
  },
];

function applyPattern(text: string, p: Pattern, counts: Map<string, number>): string {
  return text.replace(p.re, (match: string, ...rest: unknown[]) => {
    // replace() passes the groups, then offset, whole string (and named groups when present).
    const groups = rest.slice(0, -2).map((g) => (typeof g === 'string' ? g : undefined)) as string[];
    const out = p.replace(match, groups);
    if (out === undefined) return match;
    counts.set(p.kind, (counts.get(p.kind) ?? 0) + 1);
    return out;
  });
}

const PEM_BEGIN = /^-----BEGIN ([A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?)-----/;
const PEM_BODY_CHAR = /[A-Za-z0-9+/=\s:,-]/;

/** Private key blocks, BEGIN through the matching END; a block cut off before END is masked through its base64 body. */
function redactPem(text: string, counts: Map<string, number>): string {
  let out = '';
  let from = 0;
  // Where each END marker next occurs (-1: nowhere further): BEGIN lines repeated without an END must not rescan the rest each time.
  const nextEnd = new Map<string, number>();
  for (let i = text.indexOf('-----BEGIN ', from); i >= 0; i = text.indexOf('-----BEGIN ', from)) {
    const header = PEM_BEGIN.exec(text.slice(i, i + 80));
    if (!header) {
      out += text.slice(from, i + 1);
      from = i + 1;
      continue;
    }
    const endMarker = `-----END ${header[1]}-----`;
    let end = nextEnd.get(endMarker);
    if (end === undefined || (end >= 0 && end < i + header[0].length)) {
      end = text.indexOf(endMarker, i + header[0].length);
      nextEnd.set(endMarker, end);
    }
    let stop: number;
    if (end >= 0) stop = end + endMarker.length;
    else {
      stop = i + header[0].length;
      while (stop < text.length && PEM_BODY_CHAR.test(text[stop] ?? '') && !text.startsWith('-----BEGIN ', stop)) stop++;
      // A BEGIN line with no key material after it (code that looks for the marker) is not a key.
      if (stop - (i + header[0].length) < 40) {
        out += text.slice(from, i + 1);
        from = i + 1;
        continue;
      }
    }
    out += text.slice(from, i) + mark('private-key');
    counts.set('private-key', (counts.get('private-key') ?? 0) + 1);
    from = stop;
  }
  return out + text.slice(from);
}

/** The literal value plus the encodings a tool is likely to print it in (base64, URL, JSON string, hex). */
function encodedForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const b64 = bytes.toString('base64');
  const hex = bytes.toString('hex');
  const forms = new Set([
    value,
    b64,
    b64.replace(/=+$/, ''),
    bytes.toString('base64url'),
    encodeURIComponent(value),
    JSON.stringify(value).slice(1, -1),
    hex,
    hex.toUpperCase(),
  ]);
  return [...forms].filter((f) => f.length >= MIN_EXTRA_VALUE_LENGTH);
}

function redactExtraValues(text: string, values: readonly string[], counts: Map<string, number>): string {
  const forms = [...new Set(values.filter((v) => typeof v === 'string' && v.length >= MIN_EXTRA_VALUE_LENGTH).flatMap(encodedForms))];
  // Longest first, so a value that contains another is masked whole.
  forms.sort((a, b) => b.length - a.length);
  let out = text;
  for (const form of forms) {
    const parts = out.split(form);
    if (parts.length === 1) continue;
    counts.set('configured-secret', (counts.get('configured-secret') ?? 0) + parts.length - 1);
    out = parts.join(mark('configured-secret'));
  }
  return out;
}

/** Masks credentials in `text` as `[REDACTED:<kind>]` and counts what was masked, by kind. */
export function redactSecrets(text: string, options: RedactOptions = {}): RedactResult {
  const counts = new Map<string, number>();
  let out = options.extraValues?.length ? redactExtraValues(text, options.extraValues, counts) : text;
  if (out.includes('-----BEGIN ')) out = redactPem(out, counts);
  for (const p of PATTERNS) out = applyPattern(out, p, counts);
  return { text: out, redactions: [...counts].map(([kind, count]) => ({ kind, count })) };
}

/** Adds `more` into `into`, kind by kind. */
export function mergeRedactions(into: Redaction[], more: readonly Redaction[]): Redaction[] {
  for (const r of more) {
    const prev = into.find((x) => x.kind === r.kind);
    if (prev) prev.count += r.count;
    else into.push({ ...r });
  }
  return into;
}

export function redactionCount(redactions: readonly Redaction[]): number {
  return redactions.reduce((n, r) => n + r.count, 0);
}

/**
 * A redacted copy of a JSON value (structuredContent, tool arguments): every string is passed
 * through redactSecrets, and string values under credential-named keys (`password`, `apiKey`,
 * `client_secret`...) are masked whole, whatever their format.
 */
export function redactValue<T>(value: T, options: RedactOptions = {}): { value: T; redactions: Redaction[] } {
  const redactions: Redaction[] = [];
  const seen = new WeakSet<object>();
  const walk = (v: unknown, key: string | undefined, depth: number): unknown => {
    if (typeof v === 'string') {
      if (key !== undefined && isSecretKeyName(key) && v.length > 0 && !v.startsWith('[REDACTED:')) {
        mergeRedactions(redactions, [{ kind: 'secret-field', count: 1 }]);
        return mark('secret-field');
      }
      const r = redactSecrets(v, options);
      mergeRedactions(redactions, r.redactions);
      return r.text;
    }
    if (typeof v !== 'object' || v === null) return v;
    // Cycles and absurd depth cannot come from JSON; refuse them rather than recurse forever.
    if (seen.has(v) || depth > 200) return '[REDACTED:unserializable]';
    seen.add(v);
    const out = Array.isArray(v)
      ? v.map((item) => walk(item, undefined, depth + 1))
      : Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, k, depth + 1)]));
    seen.delete(v);
    return out;
  };
  return { value: walk(value, undefined, 0) as T, redactions };
}
