/**
 * A small TOML reader for the subset client configs use (Codex `~/.codex/config.toml`):
 * tables and sub-tables, dotted and quoted keys, basic/literal/multi-line strings, integers,
 * floats, booleans, arrays (multi-line, trailing commas) and inline tables. Dates are kept as
 * strings. Anything else is a parse error with a line number, never a silent guess.
 */

export class TomlError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`TOML line ${line}: ${message}`);
    this.name = 'TomlError';
  }
}

type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

class Reader {
  pos = 0;
  constructor(readonly src: string) {}

  get line(): number {
    return this.src.slice(0, this.pos).split('\n').length;
  }
  peek(n = 0): string {
    return this.src[this.pos + n] ?? '';
  }
  startsWith(s: string): boolean {
    return this.src.startsWith(s, this.pos);
  }
  fail(msg: string): never {
    throw new TomlError(msg, this.line);
  }
  /** Spaces and tabs only. */
  skipInline(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
  skipComment(): void {
    if (this.peek() === '#') while (this.pos < this.src.length && this.peek() !== '\n') this.pos++;
  }
  /** Whitespace, newlines and comments (inside arrays). */
  skipAll(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else if (c === '#') this.skipComment();
      else return;
    }
  }
  endOfLine(): void {
    this.skipInline();
    this.skipComment();
    if (this.peek() === '\r') this.pos++;
    if (this.pos < this.src.length && this.peek() !== '\n') this.fail(`unexpected "${this.peek()}"`);
    this.pos++;
  }
}

const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };

function readBasic(r: Reader, multiline: boolean): string {
  r.pos += multiline ? 3 : 1;
  if (multiline && r.peek() === '\n') r.pos++;
  else if (multiline && r.startsWith('\r\n')) r.pos += 2;
  let out = '';
  for (;;) {
    if (r.pos >= r.src.length) r.fail('unterminated string');
    if (multiline ? r.startsWith('"""') : r.peek() === '"') {
      r.pos += multiline ? 3 : 1;
      return out;
    }
    const c = r.peek();
    if (c === '\n' && !multiline) r.fail('newline in string');
    if (c === '\\') {
      const e = r.peek(1);
      if (e === 'u' || e === 'U') {
        const len = e === 'u' ? 4 : 8;
        const hex = r.src.slice(r.pos + 2, r.pos + 2 + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) r.fail('bad unicode escape');
        out += String.fromCodePoint(parseInt(hex, 16));
        r.pos += 2 + len;
      } else if (multiline && (e === '\n' || e === ' ' || e === '\r')) {
        // Line-ending backslash trims the newline and following whitespace.
        r.pos++;
        while (/[\s]/.test(r.peek())) r.pos++;
      } else if (ESCAPES[e] !== undefined) {
        out += ESCAPES[e];
        r.pos += 2;
      } else r.fail(`bad escape \\${e}`);
      continue;
    }
    out += c;
    r.pos++;
  }
}

function readLiteral(r: Reader, multiline: boolean): string {
  const close = multiline ? "'''" : "'";
  r.pos += close.length;
  if (multiline && r.peek() === '\n') r.pos++;
  const end = r.src.indexOf(close, r.pos);
  if (end < 0) r.fail('unterminated string');
  const s = r.src.slice(r.pos, end);
  if (!multiline && s.includes('\n')) r.fail('newline in string');
  r.pos = end + close.length;
  return s;
}

function readString(r: Reader): string {
  if (r.startsWith('"""')) return readBasic(r, true);
  if (r.peek() === '"') return readBasic(r, false);
  if (r.startsWith("'''")) return readLiteral(r, true);
  return readLiteral(r, false);
}

function readKey(r: Reader): string[] {
  const parts: string[] = [];
  for (;;) {
    r.skipInline();
    const c = r.peek();
    if (c === '"' || c === "'") parts.push(readString(r));
    else {
      const m = /^[A-Za-z0-9_-]+/.exec(r.src.slice(r.pos));
      if (!m) r.fail('expected a key');
      parts.push(m[0]);
      r.pos += m[0].length;
    }
    r.skipInline();
    if (r.peek() !== '.') return parts;
    r.pos++;
  }
}

function readValue(r: Reader): TomlValue {
  r.skipInline();
  const c = r.peek();
  if (c === '"' || c === "'") return readString(r);
  if (c === '[') {
    r.pos++;
    const arr: TomlValue[] = [];
    for (;;) {
      r.skipAll();
      if (r.peek() === ']') {
        r.pos++;
        return arr;
      }
      arr.push(readValue(r));
      r.skipAll();
      if (r.peek() === ',') r.pos++;
      else if (r.peek() !== ']') r.fail('expected , or ] in array');
    }
  }
  if (c === '{') {
    r.pos++;
    const table: TomlTable = {};
    r.skipInline();
    if (r.peek() === '}') {
      r.pos++;
      return table;
    }
    for (;;) {
      const key = readKey(r);
      if (r.peek() !== '=') r.fail('expected = in inline table');
      r.pos++;
      setPath(r, table, key, readValue(r));
      r.skipInline();
      if (r.peek() === ',') {
        r.pos++;
        continue;
      }
      if (r.peek() === '}') {
        r.pos++;
        return table;
      }
      r.fail('expected , or } in inline table');
    }
  }
  const m = /^[^\s,\]}#]+(?: [0-9:.+Z-]+)?/.exec(r.src.slice(r.pos));
  if (!m) r.fail('expected a value');
  const raw = m[0];
  r.pos += raw.length;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  const num = raw.replace(/_/g, '');
  if (/^[+-]?(?:0x[0-9a-fA-F]+|0o[0-7]+|0b[01]+|\d+)$/.test(num)) return Number(num.replace(/^([+-]?)0o/, '$10o'));
  if (/^[+-]?(?:\d+\.\d+|\d+(?:\.\d+)?[eE][+-]?\d+)$/.test(num) || /^[+-]?(?:inf|nan)$/.test(num))
    return Number(num.replace('inf', 'Infinity'));
  if (/^\d{4}-\d{2}-\d{2}|^\d{2}:\d{2}/.test(raw)) return raw; // dates/times kept verbatim
  return r.fail(`unsupported value "${raw}"`);
}

function setPath(r: Reader, root: TomlTable, path: string[], value: TomlValue): void {
  let node = root;
  path.slice(0, -1).forEach((k) => {
    const next = node[k];
    if (next === undefined) node[k] = {};
    else if (typeof next !== 'object' || Array.isArray(next)) r.fail(`key "${k}" is not a table`);
    node = node[k] as TomlTable;
  });
  const last = path[path.length - 1] as string;
  if (last in node) r.fail(`duplicate key "${path.join('.')}"`);
  node[last] = value;
}

function tableAt(r: Reader, root: TomlTable, path: string[], arrayOfTables: boolean): TomlTable {
  let node = root;
  path.forEach((k, i) => {
    const isLast = i === path.length - 1;
    let next = node[k];
    if (isLast && arrayOfTables) {
      if (next === undefined) next = node[k] = [];
      if (!Array.isArray(next)) r.fail(`"${k}" is not an array of tables`);
      const t: TomlTable = {};
      next.push(t);
      node = t;
      return;
    }
    if (next === undefined) next = node[k] = {};
    if (Array.isArray(next)) next = next[next.length - 1] as TomlTable; // sub-table of the last [[entry]]
    if (typeof next !== 'object') r.fail(`key "${k}" is not a table`);
    node = next as TomlTable;
  });
  return node;
}

export function parseToml(src: string): TomlTable {
  const r = new Reader(src.replace(/^\uFEFF/, ''));
  const root: TomlTable = {};
  let current = root;
  while (r.pos < r.src.length) {
    r.skipAll();
    if (r.pos >= r.src.length) break;
    if (r.peek() === '[') {
      const arrayOfTables = r.peek(1) === '[';
      r.pos += arrayOfTables ? 2 : 1;
      const path = readKey(r);
      if (!r.startsWith(arrayOfTables ? ']]' : ']')) r.fail('expected ] after table name');
      r.pos += arrayOfTables ? 2 : 1;
      current = tableAt(r, root, path, arrayOfTables);
      r.endOfLine();
      continue;
    }
    const key = readKey(r);
    if (r.peek() !== '=') r.fail('expected =');
    r.pos++;
    setPath(r, current, key, readValue(r));
    if (r.pos < r.src.length) r.endOfLine();
  }
  return root;
}
