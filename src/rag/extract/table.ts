/**
 * Renders table rows as text lines a retriever and a model can read without the grid: with a header
 * row, each line reads "Header: value; Header2: value2", so a price keeps the name of what it prices.
 */
export function tableToText(rows: string[][]): string {
  const clean = rows.map((r) => r.map((c) => c.replace(/\s+/g, ' ').trim())).filter((r) => r.some((c) => c));
  if (clean.length === 0) return '';
  const [first, ...rest] = clean;
  const looksLikeHeader =
    rest.length > 0 && first!.filter((c) => c).length >= 2 && first!.every((c) => !/^[\d\s.,₽$%-]+$/.test(c));
  if (!looksLikeHeader) return clean.map((r) => r.filter((c) => c).join(' | ')).join('\n');
  const header = first!;
  return rest
    .map((row) =>
      row
        .map((cell, i) => (cell ? (header[i] ? `${header[i]}: ${cell}` : cell) : ''))
        .filter((c) => c)
        .join('; '),
    )
    .join('\n');
}

/** Parses CSV with quoted fields; the delimiter (`,` `;` or tab) is the most frequent one in line one. */
export function parseCsv(text: string): string[][] {
  const firstLine = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length);
  const delimiter = [',', ';', '\t'].sort(
    (a, b) => firstLine.split(b).length - firstLine.split(a).length,
  )[0] as string;
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === delimiter) {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
