/**
 * Reads a large CSV police extract with worker threads: this thread reads the file into chunks of
 * whole records and sends them out; each worker parses its chunks and reads their rows (dates, codes,
 * places, people, pseudonyms), the bulk of the work; this thread merges the readings back in file
 * order (IncidentMerger), so incidents, people and rejects are exactly those of the single-threaded
 * path, which read-parallel.test.ts checks.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { requestedWorkers, workerEntry } from '../../workers/entry.js';
import { FileRejectedError } from '../../core/errors.js';
import type { LocatorEntry } from '../../core/geo/locator.js';
import type { CsvChunkText } from '../common/csv.js';
import type { Reject } from '../common/types.js';
import type { PoliceColumn } from './columns.js';
import type { IncidentMerger, RowReading, TransformOptions } from './transform.js';

/** Below this many rows a file is read in this thread: starting workers costs more than it saves. */
export const PARALLEL_MIN_ROWS = 50_000;

/** Chunks in flight per worker: enough to keep it busy while this thread merges. */
const IN_FLIGHT_PER_WORKER = 4;

/** What a worker needs to read rows as this thread would (all of it copyable to a thread). */
export interface ReaderSetup {
  name: string;
  headerText: string;
  width: number;
  mapping: [PoliceColumn, number][];
  options: Omit<TransformOptions, 'pseudonymiser' | 'locateLsoa'>;
  secret: Uint8Array;
  boundaries: LocatorEntry[];
}

export interface ChunkRequest {
  seq: number;
  chunk: CsvChunkText;
}

/**
 * A chunk's readings, packed for the trip between threads. Copying a thread's message costs per
 * value, and a chunk has about 8,000 strings: as separate strings their copying took workers a
 * second per million rows. So the text of every reading goes as one string with the lengths of its
 * parts, and this thread slices it apart. Crime references are the exception: new ones are kept as
 * keys for the rest of the file, and a slice would keep the whole chunk's text alive with them.
 */
export interface PackedReadings {
  line: Int32Array;
  crimeRef: string[];
  /** Each row's PACKED_PARTS parts, one after the other. */
  text: string;
  /** The length of each part in `text` (-1 for null), PACKED_PARTS per row. */
  lengths: Int32Array;
  recognised: Uint8Array;
  /** The few refused parts: row index, which part, and the reject. */
  rejects: [row: number, part: RejectPart, reject: Reject][];
}

/** The parts of a reading packed into PackedReadings.text, in this order. */
const PACKED_PARTS = 7;

type RejectPart = 'reject' | 'incidentReject' | 'victimReject' | 'suspectReject';
const REJECT_PARTS: readonly RejectPart[] = ['reject', 'incidentReject', 'victimReject', 'suspectReject'];

export type ChunkReply = { seq: number; packed: PackedReadings } | { seq: number; error: { message: string; hint: string | null; fileRejected: boolean } };

/** Packs readings for the trip to this thread (in a worker). */
export function packReadings(readings: readonly RowReading[]): PackedReadings {
  const n = readings.length;
  const line = new Int32Array(n);
  const crimeRef = new Array<string>(n);
  const recognised = new Uint8Array(n);
  const lengths = new Int32Array(n * PACKED_PARTS);
  const parts: string[] = [];
  const rejects: PackedReadings['rejects'] = [];
  let at = 0;
  const pack = (value: string | null) => {
    lengths[at++] = value === null ? -1 : value.length;
    if (value !== null) parts.push(value);
  };
  for (let i = 0; i < n; i++) {
    const r = readings[i]!;
    line[i] = r.line;
    crimeRef[i] = r.crimeRef;
    recognised[i] = r.recognised ? 1 : 0;
    pack(r.occurredFrom);
    pack(r.fields);
    pack(r.hocrCode);
    pack(r.victim?.fragment ?? null);
    pack(r.victim?.key ?? null);
    pack(r.suspect?.fragment ?? null);
    pack(r.suspect?.key ?? null);
    for (const part of REJECT_PARTS) {
      const reject = r[part];
      if (reject !== null) rejects.push([i, part, reject]);
    }
  }
  return { line, crimeRef, text: parts.join(''), lengths, recognised, rejects };
}

/** Unpacks a chunk's readings and merges them in order (in this thread), through one scratch reading: the merger keeps none of it. */
function mergePacked(c: PackedReadings, merger: IncidentMerger): void {
  const r: RowReading = { line: 0, reject: null, crimeRef: '', occurredFrom: '', fields: null, hocrCode: '', recognised: false, incidentReject: null, victim: null, victimReject: null, suspect: null, suspectReject: null };
  const { text, lengths } = c;
  let offset = 0;
  let at = 0;
  const next = (): string | null => {
    const length = lengths[at++]!;
    if (length < 0) return null;
    offset += length;
    return text.slice(offset - length, offset);
  };
  let nextReject = 0;
  for (let i = 0; i < c.line.length; i++) {
    r.line = c.line[i]!;
    r.crimeRef = c.crimeRef[i]!;
    r.occurredFrom = next()!;
    r.fields = next();
    r.hocrCode = next()!;
    r.recognised = c.recognised[i] === 1;
    const victim = next();
    const victimKey = next();
    const suspect = next();
    const suspectKey = next();
    r.victim = victim === null ? null : { fragment: victim, key: victimKey };
    r.suspect = suspect === null ? null : { fragment: suspect, key: suspectKey };
    r.reject = r.incidentReject = r.victimReject = r.suspectReject = null;
    for (; nextReject < c.rejects.length && c.rejects[nextReject]![0] === i; nextReject++) {
      const [, part, reject] = c.rejects[nextReject]!;
      r[part] = reject;
    }
    merger.merge(r);
  }
}

/**
 * Worker threads for a file of `rows` rows: SVO_INGEST_WORKERS if set (0 = none), else one per core
 * up to four (the merge in this thread keeps up with about that many), none on one core or for a
 * small file.
 */
export function readerWorkers(rows: number, env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): number {
  return requestedWorkers(env) ?? (cores > 1 && rows >= PARALLEL_MIN_ROWS ? Math.min(cores, 4) : 0);
}

/**
 * Reads every row of a CSV file's chunks in `workers` threads and merges the readings in order;
 * `onChunk` reports progress. Throws FileRejectedError for a file-level problem found in any chunk.
 */
export async function readInWorkers(
  path: string,
  csv: { header: readonly string[]; headerText: string; chunkTexts: Iterable<CsvChunkText> },
  setup: Omit<ReaderSetup, 'name' | 'headerText' | 'width'>,
  workers: number,
  merger: IncidentMerger,
  onChunk: () => void,
): Promise<void> {
  const chunks = csv.chunkTexts[Symbol.iterator]();
  const full: ReaderSetup = { ...setup, name: path, headerText: csv.headerText, width: csv.header.length };
  const { script, options } = workerEntry(import.meta.url, 'read-worker');
  const pool = Array.from({ length: workers }, () => new Worker(script, { ...options, workerData: full }));
  try {
    await new Promise<void>((resolve, reject) => {
      const replies = new Map<number, ChunkReply>();
      let sent = 0;
      let merged = 0;
      let done = false;
      let next = 0;
      const fail = (error: Error) => {
        if (done) return;
        done = true;
        reject(error);
      };
      const send = (worker: Worker) => {
        const chunk = chunks.next();
        if (chunk.done) return false;
        worker.postMessage({ seq: sent++, chunk: chunk.value } satisfies ChunkRequest);
        return true;
      };
      let exhausted = false;
      const drain = () => {
        // Merge every reply that is next in file order; replies arrive in any order.
        for (let reply = replies.get(next); reply !== undefined; reply = replies.get(next)) {
          replies.delete(next);
          next++;
          if ('error' in reply) {
            const { message, hint, fileRejected } = reply.error;
            const prefix = `${path}: `;
            fail(fileRejected ? new FileRejectedError(path, message.startsWith(prefix) ? message.slice(prefix.length) : message, hint ?? undefined) : new Error(message));
            return;
          }
          mergePacked(reply.packed, merger);
          merged++;
          onChunk();
        }
        if (exhausted && merged === sent && !done) {
          done = true;
          resolve();
        }
      };
      for (const worker of pool) {
        worker.on('message', (reply: ChunkReply) => {
          if (done) return;
          replies.set(reply.seq, reply);
          try {
            if (!exhausted && !send(worker)) exhausted = true;
            drain();
          } catch (error) {
            fail(error as Error);
          }
        });
        worker.on('error', fail);
        worker.on('exit', (code) => {
          if (code !== 0) fail(new Error(`an ingest worker thread stopped with exit code ${code}`));
        });
      }
      try {
        for (let i = 0; i < IN_FLIGHT_PER_WORKER && !exhausted; i++) {
          for (const worker of pool) {
            if (!send(worker)) {
              exhausted = true;
              break;
            }
          }
        }
        drain();
      } catch (error) {
        fail(error as Error);
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
