/** Line/column (1-based) of the text that ran, shifted by where that text starts, to a range. */
export function errorRange(doc: string, offset: number, line: number, column: number): { from: number; to: number } {
  const before = doc.slice(offset);
  const lines = before.split("\n");
  let pos = offset;
  for (let i = 0; i < Math.min(line - 1, lines.length - 1); i++) pos += lines[i].length + 1;
  pos = Math.min(doc.length, pos + Math.max(0, column - 1));
  let end = pos;
  while (end < doc.length && /[\w."]/.test(doc[end])) end++;
  if (end === pos) end = Math.min(doc.length, pos + 1);
  return { from: pos, to: end };
}
