/**
 * Splitting a large Markdown document into pieces that parse the same apart as together,
 * so that parsing stays linear: mdast-util-from-markdown with GFM slows down more than
 * linearly on very long documents (a 1 MB report took 15 s whole, a third of that in
 * pieces).
 *
 * A piece may only start at a line that is an ATX heading at column 0 (`# …` … `###### …`)
 * outside a fenced code block and outside an HTML block of kinds 1–5 (`<pre>`, `<!--`, …),
 * which are the only constructs that can hold such a line. A heading at column 0 ends
 * any paragraph, list, block quote or table before it, so the blocks on either side of
 * the cut are the same. The scan only finds cut points; the pieces are parsed by the
 * real parser. Small documents are not split at all.
 */

export interface Piece {
  text: string;
  /** Number of lines before this piece in the whole document. */
  lineOffset: number;
}

const SPLIT_ABOVE = 128 * 1024;
const PIECE_SIZE = 32 * 1024;

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const ATX = /^#{1,6}(?:[ \t]|$)/;
const HTML_START: ReadonlyArray<readonly [RegExp, RegExp]> = [
  [/^ {0,3}<(?:script|pre|style|textarea)(?:[\s>]|$)/i, /<\/(?:script|pre|style|textarea)>/i],
  [/^ {0,3}<!--/, /-->/],
  [/^ {0,3}<\?/, /\?>/],
  [/^ {0,3}<![A-Za-z]/, />/],
  [/^ {0,3}<!\[CDATA\[/, /\]\]>/],
];

export function splitDocument(text: string): Piece[] {
  if (text.length <= SPLIT_ABOVE) return [{ text, lineOffset: 0 }];
  const pieces: Piece[] = [];
  // Lines with their endings, as Markdown counts them (LF, CR LF, CR).
  const lineRe = /[^\r\n]*(?:\r\n|\r|\n|$)/g;
  let fence: { char: string; length: number } | null = null;
  let htmlEnd: RegExp | null = null;
  let start = 0;
  let startLine = 0;
  let line = 0;
  let m: RegExpExecArray | null;
  while ((m = lineRe.exec(text)) !== null) {
    const whole = m[0];
    if (whole === "") break;
    const at = m.index;
    const content = whole.replace(/[\r\n]+$/, "");
    if (fence !== null) {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(content);
      if (close?.[1] !== undefined && close[1][0] === fence.char && close[1].length >= fence.length) fence = null;
    } else if (htmlEnd !== null) {
      if (htmlEnd.test(content)) htmlEnd = null;
    } else {
      if (ATX.test(content) && at - start >= PIECE_SIZE) {
        pieces.push({ text: text.slice(start, at), lineOffset: startLine });
        start = at;
        startLine = line;
      }
      const open = FENCE_OPEN.exec(content);
      if (open?.[1] !== undefined && !(open[1][0] === "`" && (open[2] ?? "").includes("`"))) {
        fence = { char: open[1][0] ?? "`", length: open[1].length };
      } else {
        for (const [startRe, endRe] of HTML_START) {
          if (startRe.test(content)) {
            if (!endRe.test(content)) htmlEnd = endRe;
            break;
          }
        }
      }
    }
    line += 1;
  }
  pieces.push({ text: text.slice(start), lineOffset: startLine });
  return pieces;
}
