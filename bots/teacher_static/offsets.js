/* From a selection in a paragraph to offsets in its document: pure string work, no page.

   The server counts code points; JavaScript strings and DOM ranges count UTF-16 units. A
   paragraph element knows where its text starts in the document (data-start, code points);
   a selection inside it is two UTF-16 positions in the element's text. */

function isSpace(ch) {
  return /\s/.test(ch);
}

// How many code points the first `units` UTF-16 units of `text` hold.
export function codePointsIn(text, units) {
  let points = 0;
  for (let i = 0; i < units && i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length &&
      text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff;
    if (pair && i + 1 < units) {
      i += 1; // the low half belongs to the same code point
    }
    points += 1;
  }
  return points;
}

// text[start:end] as Python slices it: in code points.
export function codePointSlice(text, start, end) {
  return Array.from(text).slice(start, end).join("");
}

// The span of the document a selection covers: `from` and `to` are UTF-16 positions in
// `paragraph` (the element's text), `paragraphStart` where that text starts in the document.
// Whitespace at the selection's edges is left out (a double click takes the space after a
// word); null when nothing but whitespace is selected.
export function selectedSpan(paragraph, paragraphStart, from, to) {
  let lo = Math.max(0, Math.min(from, to));
  let hi = Math.min(paragraph.length, Math.max(from, to));
  while (lo < hi && isSpace(paragraph.charAt(lo))) {
    lo += 1;
  }
  while (hi > lo && isSpace(paragraph.charAt(hi - 1))) {
    hi -= 1;
  }
  if (lo >= hi || !Number.isInteger(paragraphStart) || paragraphStart < 0) {
    return null;
  }
  const start = paragraphStart + codePointsIn(paragraph, lo);
  const quote = paragraph.slice(lo, hi);
  return { start, end: start + codePointsIn(quote, quote.length), quote };
}
