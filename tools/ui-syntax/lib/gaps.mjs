// Valid syntax that the pinned grammars cannot parse yet. Each entry rewrites the construct into
// an equivalent the grammar knows, keeping every character's line and column, so a real error
// elsewhere in the file is still reported where it is. The test suite proves each entry is
// still needed (the sample fails without it): when a grammar upgrade fixes one, the test says so
// and the entry goes.

/** @typedef {{ lang: 'kotlin' | 'swift', name: string, why: string, pattern: RegExp, rewrite: (m: string, ...groups: string[]) => string, sample: string }} Gap */

/** @type {Gap[]} */
export const GAPS = [
  {
    lang: 'swift',
    name: 'nonisolated(unsafe)',
    why: 'Swift 5.10 modifier; uniffi writes it in the generated bindings',
    pattern: /\bnonisolated\(unsafe\)/g,
    rewrite: (m) => 'nonisolated' + ' '.repeat(m.length - 'nonisolated'.length),
    sample: 'struct S {\n    nonisolated(unsafe) static let v: Int = 1\n}\n',
  },
  {
    lang: 'swift',
    name: 'closure returning ()',
    why: 'a closure whose body is the empty tuple, e.g. `{ () }` in the generated bindings',
    pattern: /\{(\s*)\(\)(\s*)\}/g,
    rewrite: (_m, a, b) => `{${a}[]${b}}`,
    sample: 'func f() {\n    let writeReturn = { () }\n    g(writeReturn)\n}\n',
  },
  {
    lang: 'kotlin',
    name: 'fun interface',
    why: 'Kotlin 1.4 functional interfaces; fixed upstream after the last release that ships a wasm',
    pattern: /\bfun(\s+)interface\b/g,
    rewrite: (m) => ' '.repeat(3) + m.slice(3),
    sample: 'fun interface Clock {\n    fun now(): Long\n}\n',
  },
  {
    lang: 'kotlin',
    name: 'rangeUntil ..<',
    why: 'Kotlin 1.9 open-ended range operator',
    pattern: /\.\.</g,
    rewrite: () => '.. ',
    sample: 'fun f() {\n    for (i in 0..<3) println(i)\n}\n',
  },
];

/**
 * Applies the gaps of one language to a source text; the result has the same length and the
 * same line breaks.
 * @param {'kotlin' | 'swift'} lang
 * @param {string} source
 */
export function maskGaps(lang, source) {
  let out = source;
  for (const gap of GAPS) {
    if (gap.lang !== lang) continue;
    out = out.replace(gap.pattern, (...args) => {
      const m = args[0];
      const groups = args.slice(1, -2);
      const r = gap.rewrite(m, ...groups);
      if (r.length !== m.length) throw new Error(`gap ${gap.name} changed the text's length`);
      return r;
    });
  }
  return out;
}
