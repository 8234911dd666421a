/**
 * A small, strict XML reader for Maven `pom.xml`: elements, attributes, text, comments, CDATA,
 * processing instructions, a DOCTYPE without an internal subset, the five predefined entities and
 * character references. Mismatched or unclosed tags are errors. Never throws.
 * (No XML parser is among the project's dependencies; this is enough for the POM's plain XML.)
 */

export interface XmlElement {
  /** Local name (namespace prefix dropped). */
  readonly name: string;
  readonly attrs: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** Direct text content, entities decoded, trimmed. */
  readonly text: string;
  /** 1-based line of the start tag. */
  readonly line: number;
}

export type XmlResult = { readonly ok: true; readonly root: XmlElement } | { readonly ok: false; readonly error: string; readonly line: number };

interface Building {
  name: string;
  rawName: string;
  attrs: Map<string, string>;
  children: XmlElement[];
  text: string;
  line: number;
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;

export function parseXml(text: string): XmlResult {
  let i = 0;
  let line = 1;
  const stack: Building[] = [];
  let root: XmlElement | null = null;
  const advance = (to: number) => {
    for (let k = i; k < to && k < text.length; k++) if (text[k] === "\n") line++;
    i = to;
  };
  const fail = (error: string): XmlResult => ({ ok: false, error, line });
  if (text.charCodeAt(0) === 0xfeff) i = 1;

  while (i < text.length) {
    const lt = text.indexOf("<", i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    const top = stack[stack.length - 1];
    if (chunk.trim() !== "") {
      if (!top) return fail("text outside the root element");
      const decoded = decodeEntities(chunk);
      if (decoded === null) return fail("an unknown entity");
      top.text += decoded;
    }
    if (lt < 0) {
      advance(text.length);
      break;
    }
    advance(lt);
    if (text.startsWith("<!--", i)) {
      const end = text.indexOf("-->", i + 4);
      if (end < 0) return fail("an unclosed comment");
      advance(end + 3);
      continue;
    }
    if (text.startsWith("<![CDATA[", i)) {
      const end = text.indexOf("]]>", i + 9);
      if (end < 0) return fail("an unclosed CDATA section");
      if (!top) return fail("CDATA outside the root element");
      top.text += text.slice(i + 9, end);
      advance(end + 3);
      continue;
    }
    if (text.startsWith("<?", i)) {
      const end = text.indexOf("?>", i + 2);
      if (end < 0) return fail("an unclosed processing instruction");
      advance(end + 2);
      continue;
    }
    if (text.startsWith("<!", i)) {
      const end = text.indexOf(">", i + 2);
      if (end < 0 || text.slice(i, end).includes("[")) return fail("an unsupported DOCTYPE");
      advance(end + 1);
      continue;
    }
    if (text.startsWith("</", i)) {
      const m = NAME.exec(text.slice(i + 2, i + 300));
      const end = text.indexOf(">", i + 2);
      if (!m || end < 0) return fail("a malformed end tag");
      const open = stack.pop();
      if (!open || open.rawName !== m[0]) return fail(`</${m[0]}> does not close <${open?.rawName ?? "nothing"}>`);
      const el: XmlElement = { name: open.name, attrs: open.attrs, children: open.children, text: open.text.trim(), line: open.line };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      else if (root) return fail("more than one root element");
      else root = el;
      advance(end + 1);
      continue;
    }
    // start tag
    const m = NAME.exec(text.slice(i + 1, i + 300));
    if (!m) return fail("a malformed tag");
    const rawName = m[0];
    const startLine = line;
    let j = i + 1 + rawName.length;
    const attrs = new Map<string, string>();
    let selfClosing = false;
    for (;;) {
      while (j < text.length && /\s/.test(text[j] ?? "")) j++;
      if (j >= text.length) return fail(`<${rawName}> is not closed`);
      if (text[j] === ">") {
        j++;
        break;
      }
      if (text.startsWith("/>", j)) {
        selfClosing = true;
        j += 2;
        break;
      }
      const an = NAME.exec(text.slice(j, j + 300));
      if (!an) return fail(`a malformed attribute in <${rawName}>`);
      j += an[0].length;
      while (/\s/.test(text[j] ?? "")) j++;
      if (text[j] !== "=") return fail(`attribute ${an[0]} has no value`);
      j++;
      while (/\s/.test(text[j] ?? "")) j++;
      const q = text[j];
      if (q !== '"' && q !== "'") return fail(`attribute ${an[0]} is not quoted`);
      const close = text.indexOf(q, j + 1);
      if (close < 0) return fail(`attribute ${an[0]} is not closed`);
      attrs.set(an[0], decodeEntities(text.slice(j + 1, close)) ?? "");
      j = close + 1;
    }
    advance(j);
    const name = rawName.includes(":") ? rawName.slice(rawName.indexOf(":") + 1) : rawName;
    if (selfClosing) {
      const el: XmlElement = { name, attrs, children: [], text: "", line: startLine };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      else if (root) return fail("more than one root element");
      else root = el;
    } else {
      if (stack.length === 0 && root) return fail("more than one root element");
      stack.push({ name, rawName, attrs, children: [], text: "", line: startLine });
    }
  }
  if (stack.length > 0) return fail(`<${stack[stack.length - 1]?.rawName}> is never closed`);
  if (!root) return fail("no root element");
  return { ok: true, root };
}

function decodeEntities(s: string): string | null {
  let bad = false;
  const out = s.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);/g, (_m, e: string) => {
    if (e.startsWith("#x")) return String.fromCodePoint(Math.min(parseInt(e.slice(2), 16), 0x10ffff));
    if (e.startsWith("#")) return String.fromCodePoint(Math.min(parseInt(e.slice(1), 10), 0x10ffff));
    const named: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
    const v = named[e];
    if (v === undefined) {
      bad = true;
      return "";
    }
    return v;
  });
  return bad ? null : out;
}

export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

export function descendants(el: XmlElement, name: string, out: XmlElement[] = []): XmlElement[] {
  for (const c of el.children) {
    if (c.name === name) out.push(c);
    descendants(c, name, out);
  }
  return out;
}
