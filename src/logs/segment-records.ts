/**
 * An app's segment files as records. Each batch of events is one record: a header line
 * `#FIRSTID MS SOURCE PROCESS COUNT BYTES\n`, then the BYTES bytes of its COUNT lines exactly as the
 * process wrote them, each ending with `\n`. The app's lines stay verbatim (`grep` works on the files),
 * and writing a batch costs one small header: no conversion, escaping or copy of the lines themselves.
 * Segments written by twelve before records, one `ID MS SOURCE PROCESS TEXT\n` line per event, are read
 * as records of one line each.
 */

export interface SegmentRecord {
  firstId: number;
  count: number;
  /** Epoch milliseconds when the batch was read. */
  ms: number;
  source: string;
  process: string;
  /** The lines are bytes [start, end) of the segment, the last one ending with `\n`. */
  start: number;
  end: number;
}

const NEWLINE = 10;
const SPACE = 32;
const HASH = 35;

/** The header of a record whose content is `bytes` bytes of `count` lines. */
export function encodeHeader(firstId: number, ms: number, source: string, process: string, count: number, bytes: number): Buffer {
  return Buffer.from(`#${firstId} ${ms} ${source} ${process} ${count} ${bytes}\n`);
}

/**
 * The records in a segment's bytes (a whole file, or a part of one starting at a record), oldest first.
 * A torn last record (twelve stopped mid-write) is left out. A segment is all records or all legacy
 * lines, as its first byte says; in one of records, a line that is not a header (a damaged file) is
 * skipped to the next header, and never read as a legacy event.
 */
export function scanRecords(data: Buffer): SegmentRecord[] {
  const records: SegmentRecord[] = [];
  const legacy = data.length > 0 && data[0] !== HASH;
  let at = 0;
  while (at < data.length) {
    const newline = data.indexOf(NEWLINE, at);
    if (newline === -1) break;
    const record = legacy ? legacyLine(data, at, newline) : data[at] === HASH ? recordHeader(data, at, newline) : undefined;
    if (record && record.end > data.length) break;
    if (record) records.push(record);
    at = record ? record.end : newline + 1;
  }
  return records;
}

/** The record a header line starts, or undefined if it is not one. */
function recordHeader(data: Buffer, at: number, newline: number): SegmentRecord | undefined {
  const fields = data.toString('latin1', at + 1, newline).split(' ');
  if (fields.length !== 6) return undefined;
  const [firstId, ms, count, bytes] = [Number(fields[0]), Number(fields[1]), Number(fields[4]), Number(fields[5])];
  if (![firstId, ms, count, bytes].every(Number.isSafeInteger) || count < 1 || bytes < count) return undefined;
  return { firstId, ms, source: fields[2]!, process: fields[3]!, count, start: newline + 1, end: newline + 1 + bytes };
}

/** An event line of the format before records: `ID MS SOURCE PROCESS TEXT`. */
function legacyLine(data: Buffer, at: number, newline: number): SegmentRecord | undefined {
  const spaces: number[] = [];
  for (let i = at; spaces.length < 4; i = spaces.at(-1)! + 1) {
    const space = data.indexOf(SPACE, i);
    if (space === -1 || space > newline) return undefined;
    spaces.push(space);
  }
  const [a, b, c, d] = spaces as [number, number, number, number];
  if (a === at) return undefined;
  const firstId = Number(data.toString('latin1', at, a));
  const ms = Number(data.toString('latin1', a + 1, b));
  if (!Number.isSafeInteger(firstId) || !Number.isFinite(ms)) return undefined;
  return {
    firstId, ms, count: 1, source: data.toString('latin1', b + 1, c), process: data.toString('latin1', c + 1, d),
    start: d + 1, end: newline + 1,
  };
}

/** The lines of a record, as text. */
export function recordLines(data: Buffer, record: SegmentRecord): string[] {
  const text = data.toString('utf8', record.start, record.end - 1);
  return record.count === 1 ? [text] : text.split('\n');
}
