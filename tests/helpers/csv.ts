/**
 * A strict RFC 4180 reader, enough to read back what the CLI and the export write: records end in CRLF (a bare LF
 * outside quotes stays inside its field), a quote opens only at a field's start, and the text must end with CRLF.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let isQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (isQuoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') isQuoted = false;
      else field += c;
    } else if (c === '"' && field === '') isQuoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  if (isQuoted || field !== '' || record.length > 0) throw new Error('CSV must end with CRLF, outside quotes');
  return records;
}
