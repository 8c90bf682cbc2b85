// The iOS app's localisations (Vietnamese first, English second), checked where a compiler
// would not: every .strings file parses, each table has the same keys and the same format
// specifiers in every language, and every key the Swift sources name exists.
import path from 'node:path';

/**
 * Parses an Apple .strings file ("key" = "value"; with /* *\/ and // comments).
 * @returns {{ entries: Map<string, { value: string, line: number }>, problems: { line: number, column: number, text: string }[] }}
 */
export function parseStrings(text) {
  const entries = new Map();
  const problems = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = () => ({ line, column: i - lineStart + 1 });
  const fail = (what) => {
    problems.push({ ...pos(), text: what });
    return false;
  };
  const skip = () => {
    for (;;) {
      if (text[i] === '\n') {
        i++;
        line++;
        lineStart = i;
      } else if (/\s/.test(text[i] ?? '')) i++;
      else if (text.startsWith('/*', i)) {
        const end = text.indexOf('*/', i + 2);
        if (end < 0) return fail('unterminated comment');
        for (let j = i; j < end; j++) if (text[j] === '\n') { line++; lineStart = j + 1; }
        i = end + 2;
      } else if (text.startsWith('//', i)) {
        while (i < text.length && text[i] !== '\n') i++;
      } else return true;
    }
  };
  const quoted = () => {
    if (text[i] !== '"') return null;
    let out = '';
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\n') return null;
      if (text[i] === '\\') {
        const c = text[i + 1];
        out += c === 'n' ? '\n' : c === 't' ? '\t' : c;
        i += 2;
      } else out += text[i++];
    }
    if (text[i] !== '"') return null;
    i++;
    return out;
  };
  while (skip() && i < text.length) {
    const at = line;
    const key = quoted();
    if (key === null) { fail('expected a quoted key'); break; }
    if (!skip() || text[i] !== '=') { fail('expected ='); break; }
    i++;
    if (!skip()) break;
    const value = quoted();
    if (value === null) { fail('expected a quoted value'); break; }
    if (!skip() || text[i] !== ';') { fail('expected ;'); break; }
    i++;
    if (entries.has(key)) problems.push({ line: at, column: 1, text: `duplicate key "${key}"` });
    entries.set(key, { value, line: at });
  }
  return { entries, problems };
}

const SPECIFIER = /%(?:\d+\$)?[-+ 0#]*\d*(?:\.\d+)?(?:hh|h|ll|l|q|z|t|j)?[@dDuUxXoOfeEgGcCsSpaAF]/g;

/** The format specifiers of a text, in order (positions ignored: a translation may reorder). */
export function specifiers(text) {
  return (text.replaceAll('%%', '').match(SPECIFIER) ?? []).map((s) => s.replace(/^%\d+\$/, '%')).sort();
}

/**
 * @param {{ file: string, text: string }[]} stringsFiles  `…/xx.lproj/Table.strings`
 * @param {{ file: string, text: string }[]} swiftFiles
 * @returns {string[]} problems as `file:line:column: STRINGS message`
 */
export function checkStrings(stringsFiles, swiftFiles) {
  const out = [];
  // table → language → entries
  const tables = new Map();
  for (const { file, text } of stringsFiles) {
    const lproj = path.basename(path.dirname(file));
    if (!lproj.endsWith('.lproj')) continue;
    const lang = lproj.slice(0, -'.lproj'.length);
    const table = path.join(path.dirname(path.dirname(file)), path.basename(file));
    const { entries, problems } = parseStrings(text);
    for (const p of problems) out.push(`${file}:${p.line}:${p.column}: STRINGS ${p.text}`);
    if (!tables.has(table)) tables.set(table, new Map());
    tables.get(table).set(lang, { file, entries });
  }
  for (const langs of tables.values()) {
    const all = new Set([...langs.values()].flatMap((l) => [...l.entries.keys()]));
    for (const [lang, { file, entries }] of langs) {
      for (const key of all) {
        const e = entries.get(key);
        if (!e) {
          out.push(`${file}:1:1: STRINGS "${key}" has no ${lang} text`);
          continue;
        }
        // The key's own specifiers (SwiftUI's interpolated keys) or, for plain keys, those of
        // the other languages: a translation must format the same arguments.
        const want = key.includes('%') ? specifiers(key) : null;
        const got = specifiers(e.value);
        const other = [...langs.values()].map((l) => l.entries.get(key)).find((x) => x && x !== e);
        const expected = want ?? (other ? specifiers(other.value) : got);
        if (expected.join() !== got.join()) {
          out.push(`${file}:${e.line}:1: STRINGS "${key}" formats ${got.join(' ') || 'nothing'}, expected ${expected.join(' ') || 'nothing'}`);
        }
      }
    }
  }
  // Keys named in Swift: a literal whose first segment is one the Localizable table uses.
  const localizable = [...tables.entries()].find(([t]) => path.basename(t) === 'Localizable.strings');
  if (!localizable) return out;
  const [, langs] = localizable;
  const keys = new Set([...langs.values()].flatMap((l) => [...l.entries.keys()]));
  const prefixes = new Set([...keys].map((k) => k.split('.')[0]));
  // A key with SwiftUI interpolations, by its text and its number of arguments.
  const shapes = new Set([...keys].map((k) => `${k.split(' ')[0]}#${specifiers(k).length}`));
  const literal = /"([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)((?: \\\((?:[^"()]|\((?:[^"()]|\([^"()]*\))*\))*\))*)"/g;
  for (const { file, text } of swiftFiles) {
    for (const m of text.matchAll(literal)) {
      const [, key, interpolations] = m;
      if (!prefixes.has(key.split('.')[0])) continue;
      const args = (interpolations.match(/ \\\(/g) ?? []).length;
      const known = args === 0 ? keys.has(key) : shapes.has(`${key}#${args}`);
      if (known) continue;
      const before = text.slice(0, m.index);
      const line = before.split('\n').length;
      const column = m.index - before.lastIndexOf('\n');
      out.push(`${file}:${line}:${column}: STRINGS "${key}"${args ? ` with ${args} argument(s)` : ''} is not in Localizable.strings`);
    }
  }
  return out;
}
