/**
 * A strict RFC 4180 reader for the tests: CRLF records, quoted fields with doubled quotes. It throws
 * on anything a spreadsheet would read differently (a bare LF, a quote inside an unquoted field).
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const n = text.length;
  if (n === 0) return rows;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= n) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`quote in an unquoted field at ${i}`);
        field += text[i++];
      }
    }
    row.push(field);
    if (i >= n) throw new Error('the last record has no CRLF');
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] !== '\r' || text[i + 1] !== '\n') throw new Error(`bare line break at ${i}`);
    i += 2;
    rows.push(row);
    row = [];
    if (i >= n) return rows;
  }
}
