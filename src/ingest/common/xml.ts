/**
 * Record-oriented XML as a table: the repeated element whose children are all simple values is the
 * record ("row"), its child element names are the columns. Simple values outside the records (a
 * submission header's site code and reporting period) are returned as file-level values.
 *
 *   <ISTVReturn>
 *     <Header><SiteCode>XED01</SiteCode><ReportingPeriodStart>2021-07-01</ReportingPeriodStart>…</Header>
 *     <Assault><ArrivalDateTime>…</ArrivalDateTime><AssaultMethod>…</AssaultMethod>…</Assault>
 *     <Assault>…</Assault>
 *   </ISTVReturn>
 *
 * Parsed with fast-xml-parser; DOCTYPEs and entity declarations are refused. Each row keeps the line it
 * starts on.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { FileRejectedError } from '../../core/errors.js';
import type { ParsedTable } from './csv.js';

type XmlNode = Record<string | symbol, unknown>;

const META = XMLParser.getMetaDataSymbol() as symbol;

function isLeaf(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

function leafText(value: unknown): string {
  return value === null || value === undefined ? '' : String(value).trim();
}

/** Candidate record lists: arrays of elements whose own children are all leaves. */
function findRecordLists(node: unknown, path: string, found: { path: string; items: XmlNode[] }[]): void {
  if (node === null || typeof node !== 'object') return;
  for (const [name, value] of Object.entries(node as XmlNode)) {
    const items = Array.isArray(value) ? value : [value];
    const objects = items.filter((v): v is XmlNode => v !== null && typeof v === 'object');
    if (objects.length > 0 && objects.length === items.length && objects.every((o) => Object.values(o).every(isLeaf))) {
      found.push({ path: `${path}/${name}`, items: objects });
    }
    for (const v of objects) findRecordLists(v, `${path}/${name}`, found);
  }
}

function collectFileValues(node: unknown, skip: Set<unknown>, out: Record<string, string>): void {
  if (node === null || typeof node !== 'object' || skip.has(node)) return;
  for (const [name, value] of Object.entries(node as XmlNode)) {
    if (Array.isArray(value)) {
      for (const v of value) collectFileValues(v, skip, out);
    } else if (isLeaf(value)) {
      if (!name.startsWith('?') && !(name in out)) out[name] = leafText(value);
    } else {
      collectFileValues(value, skip, out);
    }
  }
}

export interface XmlTable {
  table: ParsedTable;
  /** Simple values outside the records, by element name (first occurrence). */
  fileValues: Record<string, string>;
}

/** Reads record-oriented XML (see above) into a table of strings. */
export function parseXmlTable(name: string, text: string): XmlTable {
  // Entity declarations are how XML bombs and external-entity reads work; record data never needs them.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new FileRejectedError(name, 'the XML declares a DOCTYPE or entities, which svo does not accept', 'export the data without a DOCTYPE');
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new FileRejectedError(name, `line ${valid.err.line}: the XML is not well formed (${valid.err.msg})`, 'expected record-oriented XML: one element per record, one child element per field');
  }
  const parser = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: true,
    processEntities: true,
    captureMetaData: true,
    isArray: () => false,
  });
  let doc: unknown;
  try {
    doc = parser.parse(text);
  } catch (error) {
    throw new FileRejectedError(name, `the XML cannot be read (${(error as Error).message})`);
  }
  const lists: { path: string; items: XmlNode[] }[] = [];
  findRecordLists(doc, '', lists);
  // Most occurrences wins; a one-record file is told from its header by the header's name and width.
  const headerLike = (path: string) => (/(?:^|\/)[^/]*(?:header|meta|submission)[^/]*$/i.test(path) ? 1 : 0);
  const width = (items: XmlNode[]) => new Set(items.flatMap((i) => Object.keys(i))).size;
  lists.sort((a, b) => b.items.length - a.items.length || headerLike(a.path) - headerLike(b.path) || width(b.items) - width(a.items));
  const records = lists[0];
  if (!records || records.items.length === 0) {
    throw new FileRejectedError(name, 'the XML holds no records', 'expected one element per record, each with one child element per field');
  }
  const header: string[] = [];
  for (const item of records.items) for (const key of Object.keys(item)) if (!header.includes(key)) header.push(key);
  // Byte offsets → line numbers for messages.
  const lineStarts: number[] = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineAt = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const rows = records.items.map((item) => header.map((h) => leafText(item[h])));
  const lines = records.items.map((item) => {
    const meta = item[META] as { startIndex?: number } | undefined;
    return meta?.startIndex !== undefined ? lineAt(meta.startIndex) : 0;
  });
  const fileValues: Record<string, string> = {};
  collectFileValues(doc, new Set(records.items), fileValues);
  return { table: { header, rows, simpleLines: false, lineOf: (i) => lines[i]! }, fileValues };
}
