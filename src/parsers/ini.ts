/**
 * A reader for Python-style INI files that follows `configparser.RawConfigParser` (Python 3.11)
 * with its default settings, which is how coverage.py reads `.coveragerc`, `setup.cfg` and
 * `tox.ini`:
 *
 * - sections are `[name]` (case-sensitive; text after the closing bracket is ignored);
 * - options are `key = value` or `key: value`, split at the first `=` or `:`; keys are lower-cased;
 * - a line indented deeper than its option line continues the value (lines joined with `\n`);
 *   blank lines inside a value are kept, trailing ones dropped;
 * - only whole-line comments (`#`, `;` after optional indentation) are comments: `80  # gate` is a
 *   value of `80  # gate` (configparser's `inline_comment_prefixes=None`);
 * - `[DEFAULT]` values are inherited by every section;
 * - strict mode: a duplicate section or option, or an option before any section header, is fatal
 *   (parsing stops there); a line that is neither a section, an option nor a continuation is a
 *   parsing error reported after the whole file was read, as configparser does.
 *
 * The npm `ini` package is not used: it mangles multi-line values (see the coverage-threshold spec).
 * Never throws.
 */

export interface IniValueLine {
  /** The text of this physical line of the value, stripped. */
  readonly text: string;
  /** 1-based line number. */
  readonly line: number;
}

export interface IniEntry {
  /** The key as configparser stores it (lower-cased unless `lowercaseKeys: false`). */
  readonly key: string;
  /** The key as written. */
  readonly rawKey: string;
  /** The value, continuation lines joined with `\n`, as `configparser` returns it. */
  readonly value: string;
  /** 1-based line of the `key = value` line. */
  readonly line: number;
  /** 1-based line of the last continuation line (equals `line` for a one-line value). */
  readonly endLine: number;
  /** Every physical line of the value, the first one included (it may be empty: `addopts =`). */
  readonly lines: readonly IniValueLine[];
}

export interface IniSection {
  readonly name: string;
  /** 1-based line of the first `[name]` header. */
  readonly line: number;
  /** Entries by key, in file order. */
  readonly entries: ReadonlyMap<string, IniEntry>;
}

export type IniErrorKind = "missing-section-header" | "duplicate-section" | "duplicate-option" | "parsing";

export interface IniError {
  readonly kind: IniErrorKind;
  /** Close to the message Python prints. */
  readonly message: string;
  /** 1-based. */
  readonly line: number;
}

export interface IniDocument {
  /** Sections in file order, `DEFAULT` excluded. */
  readonly sections: readonly IniSection[];
  /** The `[DEFAULT]` section, when present. */
  readonly defaults: IniSection | null;
  /**
   * The error configparser would raise for this text, or null. When a fatal error stops parsing
   * (duplicates, missing header), `sections` holds what was read before it.
   */
  readonly error: IniError | null;
}

export interface IniOptions {
  /** Lower-case option names (configparser's `optionxform`). Default true. */
  readonly lowercaseKeys?: boolean;
  /** Duplicate sections and options are errors. Default true. */
  readonly strict?: boolean;
  /** Whole-line comment prefixes. Default `#` and `;`. */
  readonly commentPrefixes?: readonly string[];
  /** Name of the defaults section. Default `DEFAULT`. */
  readonly defaultSection?: string;
}

interface MutableEntry {
  key: string;
  rawKey: string;
  line: number;
  parts: IniValueLine[];
}

interface MutableSection {
  name: string;
  line: number;
  entries: Map<string, MutableEntry>;
}

const SECTION_HEADER = /^\[(.+)\]/;
const OPTION_LINE = /^(.*?)\s*([=:])\s*(.*)$/;

/** Python's `str.strip()` strips the same whitespace as JS `trim()` for every practical input. */
function strip(s: string): string {
  return s.trim();
}

export function parseIni(text: string, options: IniOptions = {}): IniDocument {
  const lowercase = options.lowercaseKeys ?? true;
  const strict = options.strict ?? true;
  const commentPrefixes = options.commentPrefixes ?? ["#", ";"];
  const defaultName = options.defaultSection ?? "DEFAULT";

  const sections = new Map<string, MutableSection>();
  let defaults: MutableSection | null = null;
  const addedSections = new Set<string>();
  const addedOptions = new Set<string>();
  let current: MutableSection | null = null;
  let currentEntry: MutableEntry | null = null;
  let indentLevel = 0;
  const badLines: number[] = [];
  let fatal: IniError | null = null;

  // Python's universal newlines: \r\n, \r and \n all end a line.
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    const lineNo = i + 1;
    const stripped = strip(raw);
    const isComment = commentPrefixes.some((p) => stripped.startsWith(p));
    const value = isComment ? "" : stripped;
    if (value === "") {
      // empty_lines_in_values=True: an empty (not comment) line inside a value is kept.
      if (!isComment && current !== null && currentEntry !== null && currentEntry.key !== "") {
        currentEntry.parts.push({ text: "", line: lineNo });
      }
      continue;
    }
    const firstNonSpace = raw.search(/\S/);
    const curIndent = firstNonSpace < 0 ? 0 : firstNonSpace;
    // configparser tests `optname` for truth: nothing continues an option with an empty name.
    if (current !== null && currentEntry !== null && currentEntry.key !== "" && curIndent > indentLevel) {
      currentEntry.parts.push({ text: value, line: lineNo });
      continue;
    }
    indentLevel = curIndent;
    const header = SECTION_HEADER.exec(value);
    if (header) {
      const name = header[1] ?? "";
      if (name === defaultName) {
        if (defaults === null) defaults = { name, line: lineNo, entries: new Map() };
        current = defaults;
      } else {
        const existing = sections.get(name);
        if (existing) {
          if (strict && addedSections.has(name)) {
            fatal = {
              kind: "duplicate-section",
              message: `While reading from line ${lineNo}: section '${name}' already exists`,
              line: lineNo,
            };
            break;
          }
          current = existing;
        } else {
          current = { name, line: lineNo, entries: new Map() };
          sections.set(name, current);
        }
        addedSections.add(name);
      }
      currentEntry = null;
      continue;
    }
    if (current === null) {
      fatal = {
        kind: "missing-section-header",
        message: `File contains no section headers (line ${lineNo}: '${raw.slice(0, 80)}')`,
        line: lineNo,
      };
      break;
    }
    const option = OPTION_LINE.exec(value);
    if (!option) {
      badLines.push(lineNo);
      continue;
    }
    const rawKey = (option[1] ?? "").replace(/\s+$/, "");
    // Like configparser, an empty key is an error but is still stored (so a second one is a duplicate).
    if (rawKey === "") badLines.push(lineNo);
    const key = lowercase ? rawKey.toLowerCase() : rawKey;
    const optionId = `${current.name}\u0000${key}`;
    if (strict && addedOptions.has(optionId)) {
      fatal = {
        kind: "duplicate-option",
        message: `While reading from line ${lineNo}: option '${key}' in section '${current.name}' already exists`,
        line: lineNo,
      };
      break;
    }
    addedOptions.add(optionId);
    currentEntry = { key, rawKey, line: lineNo, parts: [{ text: strip(option[3] ?? ""), line: lineNo }] };
    current.entries.set(key, currentEntry);
  }

  let error: IniError | null = fatal;
  if (error === null && badLines.length > 0) {
    const first = badLines[0] ?? 1;
    error = {
      kind: "parsing",
      message: `Source contains parsing errors: line ${badLines.join(", line ")}`,
      line: first,
    };
  }

  return {
    sections: [...sections.values()].map(freeze),
    defaults: defaults ? freeze(defaults) : null,
    error,
  };
}

function freeze(section: MutableSection): IniSection {
  const entries = new Map<string, IniEntry>();
  for (const [key, e] of section.entries) {
    // configparser joins the parts with "\n" and strips trailing whitespace (dropping trailing blank lines).
    const value = e.parts.map((p) => p.text).join("\n").replace(/\s+$/, "");
    let last = e.line;
    for (const p of e.parts) if (p.text !== "") last = p.line;
    entries.set(key, { key, rawKey: e.rawKey, value, line: e.line, endLine: last, lines: e.parts.filter((p, i) => i === 0 || p.text !== "") });
  }
  return { name: section.name, line: section.line, entries };
}

/** The section called `name` (case-sensitive, as in configparser), if any. */
export function iniSection(doc: IniDocument, name: string): IniSection | undefined {
  return doc.sections.find((s) => s.name === name);
}

/** An option of a section, falling back to `[DEFAULT]` as configparser does. */
export function iniValue(doc: IniDocument, section: string, key: string): IniEntry | undefined {
  const s = iniSection(doc, section);
  if (!s) return undefined;
  return s.entries.get(key) ?? doc.defaults?.entries.get(key);
}
