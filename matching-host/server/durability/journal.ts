/**
 * Append-only command journal with group commit.
 *
 * Record: u32 payload length | u32 CRC-32 of the payload | payload (one command, command-codec.ts).
 * `append` only buffers; the records appended while one fdatasync is in flight are written and
 * synced together by the next one, so throughput grows with load instead of collapsing to one
 * fsync per command. `append` returns a promise that settles once the record is on disk: the
 * caller acks only then.
 *
 * Segments: the journal is a directory of files `journal-<first seq>.log`. A snapshot at seq N
 * lets recovery skip every segment that ends at or before N (`rotate` starts a new segment).
 */
import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readdirSync, readSync, rmSync, writeSync } from 'node:fs';
import { fdatasync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { decodeCommand, encodeCommand } from './command-codec';
import type { HostCommand } from '../core/types';

const HEADER = 8;
/** a record larger than this is corruption, not a command */
const MAX_RECORD = 1 << 20;
/** bytes read at a time when scanning a segment */
const SCAN_BLOCK = 4 << 20;

export type JournalRecord = HostCommand;

/** CRC-32 (IEEE, as zlib) tables for slice-by-4: per-record checks on recovery without a native call each. */
const CRC_TABLES = (() => {
  const t = new Int32Array(4 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) for (let k = 1; k < 4; k++) t[k * 256 + n] = (t[(k - 1) * 256 + n] >>> 8) ^ t[t[(k - 1) * 256 + n] & 0xff];
  return t;
})();

/** CRC-32 of buf[start, end), equal to zlib's crc32 of the same bytes. */
export function crc32Range(buf: Uint8Array, start: number, end: number): number {
  const t = CRC_TABLES;
  let c = -1;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    c ^= buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24);
    c = t[768 + (c & 0xff)] ^ t[512 + ((c >>> 8) & 0xff)] ^ t[256 + ((c >>> 16) & 0xff)] ^ t[c >>> 24];
  }
  for (; i < end; i++) c = t[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

export function segmentName(firstSeq: number): string {
  return `journal-${String(firstSeq).padStart(16, '0')}.log`;
}

/** Journal segments in the directory, oldest first. */
export function listSegments(dir: string): { file: string; firstSeq: number }[] {
  return readdirSync(dir)
    .map((f) => /^journal-(\d{16})\.log$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: join(dir, m[0]), firstSeq: Number(m[1]) }))
    .sort((a, b) => a.firstSeq - b.firstSeq);
}

export function encodeRecord(rec: JournalRecord): Buffer {
  const payload = encodeCommand(rec);
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  payload.copy(out, HEADER);
  return out;
}

export interface SegmentScan {
  records: number;
  validBytes: number;
  tornBytes: number;
}

/**
 * Decode a segment record by record (streaming: recovery of millions of commands never holds
 * them all). Stops at the first record that is incomplete or fails its checksum: that can only be
 * the tail a crash tore (records are appended in order and synced before any ack), and
 * `validBytes` tells where it starts so the writer can cut it off. A record that passes its
 * checksum but does not decode is damage, not a torn write, and throws. Records up to `afterSeq`
 * are only checksummed, not decoded or passed on. `block`: bytes read at a time (tests vary it).
 */
export function scanSegment(file: string, onRecord: (rec: JournalRecord) => void, afterSeq = 0, block = SCAN_BLOCK): SegmentScan {
  // read in blocks into one reused buffer: a single buffer the size of the file costs ~10x more in page faults
  const fd = openSync(file, 'r');
  try {
    let buf = Buffer.allocUnsafe(Math.max(Math.min(block, fstatSync(fd).size), HEADER));
    let have = 0; // bytes in buf
    let base = 0; // file offset of buf[0]
    let eof = false;
    let off = 0;
    let records = 0;
    for (;;) {
      if (!eof && (off + HEADER > have || off + HEADER + buf.readUInt32LE(off) > have)) {
        // keep the partial record, refill behind it (growing only for a record longer than the buffer)
        buf.copy(buf, 0, off, have);
        have -= off;
        base += off;
        off = 0;
        const want = have >= HEADER ? Math.min(HEADER + buf.readUInt32LE(0), HEADER + MAX_RECORD) : 0;
        if (want > buf.length) {
          const bigger = Buffer.allocUnsafe(want);
          buf.copy(bigger, 0, 0, have);
          buf = bigger;
        }
        const n = readSync(fd, buf, have, buf.length - have, base + have);
        if (n === 0) eof = true;
        have += n;
        continue;
      }
      if (off + HEADER > have) break;
      const len = buf.readUInt32LE(off);
      if (len > MAX_RECORD || off + HEADER + len > have) break;
      const start = off + HEADER;
      if (crc32Range(buf, start, start + len) !== buf.readUInt32LE(off + 4)) break;
      // records a snapshot already covers are checked but not decoded (seq is the f64 after the type byte)
      if (len < 9 || buf.readDoubleLE(start + 1) > afterSeq) onRecord(decodeCommand(buf, start, start + len));
      records++;
      off = start + len;
    }
    const size = fstatSync(fd).size;
    return { records, validBytes: base + off, tornBytes: size - (base + off) };
  } finally {
    closeSync(fd);
  }
}

/**
 * Walk the records framed in `buf` (a batch a primary shipped): each one's seq and byte range.
 * Unlike a segment's tail, a shipped batch must be whole: anything malformed throws.
 */
export function forEachRecord(buf: Buffer, onRecord: (rec: JournalRecord) => void): void {
  let off = 0;
  while (off < buf.length) {
    if (off + HEADER > buf.length) throw new Error('replicated batch ends inside a record header');
    const len = buf.readUInt32LE(off);
    const start = off + HEADER;
    if (len > MAX_RECORD || start + len > buf.length) throw new Error('replicated batch ends inside a record');
    if (crc32Range(buf, start, start + len) !== buf.readUInt32LE(off + 4)) throw new Error('replicated record fails its checksum');
    onRecord(decodeCommand(buf, start, start + len));
    off = start + len;
  }
}

/** All records of a segment (tests and tools; recovery streams with scanSegment). */
export function readSegment(file: string): { records: JournalRecord[]; validBytes: number; tornBytes: number } {
  const records: JournalRecord[] = [];
  const r = scanSegment(file, (rec) => records.push(rec));
  return { records, validBytes: r.validBytes, tornBytes: r.tornBytes };
}

export interface FlushStats {
  /** seq of the last record the flush made durable */
  lastSeq: number;
  records: number;
  bytes: number;
  syncMs: number;
}

export class Journal {
  private fd: number;
  private pending: Buffer[] = [];
  private pendingFirstSeq = 0;
  private pendingLastSeq = 0;
  private rotateRequested = false;
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private flushing = false;
  private failed: Error | null = null;
  private closed = false;
  /** highest seq known to be on disk */
  durableSeq = 0;
  /** called after every group commit (metrics) */
  onFlush: ((s: FlushStats) => void) | null = null;
  /**
   * called with each batch once it is on disk (replication ships it then: a standby never holds a
   * record its primary could lose in a crash and number again)
   */
  onWrite: ((records: Buffer, firstSeq: number, lastSeq: number) => void) | null = null;

  private constructor(
    readonly dir: string,
    private file: string,
  ) {
    this.fd = openSync(file, 'a');
  }

  /**
   * Open the newest segment for appending (cutting off a torn tail) or start the first one.
   * `scanned` is what recovery's own scan of that segment found, which spares a second read.
   */
  static open(dir: string, nextSeq: number, scanned?: { file: string; validBytes: number; tornBytes: number }): Journal {
    const segs = listSegments(dir);
    if (segs.length === 0) {
      const file = join(dir, segmentName(nextSeq));
      closeSync(openSync(file, 'a'));
      return new Journal(dir, file);
    }
    const last = segs[segs.length - 1];
    const { tornBytes, validBytes } = scanned?.file === last.file ? scanned : scanSegment(last.file, () => undefined, Infinity);
    if (tornBytes > 0) {
      const fd = openSync(last.file, 'r+');
      ftruncateSync(fd, validBytes);
      fdatasyncSync(fd);
      closeSync(fd);
    }
    return new Journal(dir, last.file);
  }

  /** false once a write or sync failed: the host must stop acknowledging */
  get healthy(): boolean {
    return this.failed === null && !this.closed;
  }

  get size(): number {
    return fstatSync(this.fd).size;
  }

  /**
   * Buffer a record made by `encodeRecord`; resolves when it is durable. (The host encodes before
   * executing, so a command that cannot be journaled never runs.)
   */
  append(seq: number, record: Buffer): Promise<void> {
    return this.appendRecords(seq, seq, record);
  }

  /** Buffer contiguous records `firstSeq..lastSeq`, already framed (a standby writes what it was sent). */
  appendRecords(firstSeq: number, lastSeq: number, records: Buffer): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.closed) return Promise.reject(new Error('journal closed'));
    if (this.pending.length === 0) this.pendingFirstSeq = firstSeq;
    this.pending.push(records);
    this.pendingLastSeq = lastSeq;
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.flushing) this.scheduleFlush();
    return p;
  }

  private scheduleFlush(): void {
    this.flushing = true;
    // Let the commands already queued in this turn of the event loop join the batch.
    setImmediate(() => this.flush());
  }

  private flush(): void {
    const batch = this.pending;
    const waiters = this.waiters;
    const lastSeq = this.pendingLastSeq;
    const firstSeq = this.pendingFirstSeq;
    if (this.rotateRequested && batch.length > 0) {
      // a new segment starts at a batch boundary, named by the batch's first record
      this.rotateRequested = false;
      closeSync(this.fd);
      this.file = join(this.dir, segmentName(this.pendingFirstSeq));
      this.fd = openSync(this.file, 'a');
    }
    this.pending = [];
    this.waiters = [];
    const data = batch.length === 1 ? batch[0] : Buffer.concat(batch);
    const t0 = performance.now();
    const done = (err: Error | null): void => {
      if (err) {
        // A failed write or sync leaves durability unknown: refuse everything from now on.
        this.failed = err;
        for (const w of waiters) w.reject(err);
        for (const w of this.waiters) w.reject(err);
        this.waiters = [];
        this.pending = [];
        this.flushing = false;
        return;
      }
      if (batch.length > 0) this.durableSeq = lastSeq;
      this.onFlush?.({ lastSeq, records: batch.length, bytes: data.length, syncMs: performance.now() - t0 });
      for (const w of waiters) w.resolve();
      if (this.pending.length > 0 || this.waiters.length > 0) this.flush();
      else this.flushing = false;
    };
    // The write itself only copies into the page cache (microseconds), so it runs here; only the
    // fdatasync goes to the thread pool. One pool round trip per batch instead of two.
    try {
      let off = 0;
      while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
    } catch (e) {
      done(e as Error);
      return;
    }
    fdatasync(this.fd, (e) => {
      if (!e && batch.length > 0) this.onWrite?.(data, firstSeq, lastSeq);
      done(e);
    });
  }

  /** Resolves when everything appended so far is durable. */
  async drain(): Promise<void> {
    if (this.failed) throw this.failed;
    if (this.pending.length === 0 && !this.flushing) return;
    await new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Start a new segment with the next batch (after a snapshot, so old segments can be pruned). */
  rotate(): void {
    this.rotateRequested = true;
  }

  /** Delete segments whose every record is at or before `seq` (covered by a snapshot). */
  prune(seq: number): void {
    const segs = listSegments(this.dir);
    for (let i = 0; i + 1 < segs.length; i++) if (segs[i + 1].firstSeq <= seq + 1 && segs[i].file !== this.file) rmSync(segs[i].file);
  }

  async close(): Promise<void> {
    await this.drain();
    this.closed = true;
    closeSync(this.fd);
  }

  /** For tests of crash behaviour: write raw bytes synchronously. */
  writeRaw(bytes: Buffer): void {
    writeSync(this.fd, bytes);
  }
}
