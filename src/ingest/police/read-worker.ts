/**
 * A worker thread of the parallel police extract reader (read-parallel.ts): parses the chunks of CSV
 * text it is sent and reads their rows with PoliceRowReader, exactly as the single-threaded path does.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LsoaLocator } from '../../core/geo/locator.js';
import { FileRejectedError } from '../../core/errors.js';
import { csvChunkParser } from '../common/csv.js';
import { createPseudonymiser } from '../common/pseudonymise.js';
import { PoliceRowReader, type RowReading } from './transform.js';
import { packReadings, type ChunkReply, type ChunkRequest, type ReaderSetup } from './read-parallel.js';

const setup = workerData as ReaderSetup;
const locator = setup.boundaries.length > 0 ? new LsoaLocator(setup.boundaries) : null;
const reader = new PoliceRowReader(new Map(setup.mapping), {
  ...setup.options,
  pseudonymiser: createPseudonymiser(Buffer.from(setup.secret)),
  locateLsoa: locator ? (lon, lat) => locator.locate(lon, lat) : null,
});
const parse = csvChunkParser(setup.name, setup.headerText, setup.width);

parentPort!.on('message', (request: ChunkRequest) => {
  let reply: ChunkReply;
  try {
    const table = parse(request.chunk);
    // A crime accepted earlier in this chunk certainly has its incident whatever came before the
    // chunk, so its fields need not be read again (the merge would ignore them).
    const accepted = new Set<string>();
    const known = (crimeRef: string) => accepted.has(crimeRef);
    const readings: RowReading[] = new Array(table.rows.length);
    for (let i = 0; i < table.rows.length; i++) {
      const r = reader.read(table.rows[i]!, table.lineOf(i), known);
      if (r.reject === null && r.incidentReject === null && r.victimReject === null && r.suspectReject === null) accepted.add(r.crimeRef);
      readings[i] = r;
    }
    reply = { seq: request.seq, packed: packReadings(readings) };
  } catch (error) {
    const e = error as Error;
    reply = { seq: request.seq, error: { message: e.message, hint: error instanceof FileRejectedError ? (error.hint ?? null) : null, fileRejected: error instanceof FileRejectedError } };
  }
  parentPort!.postMessage(reply);
});
