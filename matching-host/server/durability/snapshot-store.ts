/**
 * Host snapshots on disk: `snapshot-<seq>.bin`, written to a temp file, fsync'd, renamed and the
 * directory fsync'd, so a crash leaves either the old set or the new file, never half of one.
 *
 * Layout: "MEXHOST2" | u32 CRC-32 of the rest | u32 engine bytes length | engine snapshot |
 * host state (HostCore.stateBytes: JSON of balances, holds, counters; binary idempotency replies).
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { open as openAsync, rename as renameAsync, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

const MAGIC = Buffer.from('MEXHOST2');
/** the format before binary replies: still read (its state is JSON v2), so a data directory upgrades */
const MAGIC_V1 = Buffer.from('MEXHOST1');

export interface HostSnapshot {
  seq: number;
  engine: Uint8Array;
  state: Buffer;
  /** how HostCore.fromState reads `state` */
  format: 'v3' | 'json-v2';
}

/** A snapshot's bytes, as chunks (the state is never copied into one buffer). */
export function encodeSnapshotChunks(engine: Uint8Array, state: Buffer[]): Buffer[] {
  const len = Buffer.allocUnsafe(4);
  len.writeUInt32LE(engine.length, 0);
  const body = [len, Buffer.from(engine.buffer, engine.byteOffset, engine.length), ...state];
  let crc = 0;
  for (const b of body) crc = crc32(b, crc);
  const head = Buffer.allocUnsafe(12);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(crc, 8);
  return [head, ...body];
}

export function decodeSnapshot(buf: Buffer, seq: number): HostSnapshot | null {
  if (buf.length < 16) return null;
  const magic = buf.subarray(0, 8);
  const format = magic.equals(MAGIC) ? 'v3' : magic.equals(MAGIC_V1) ? 'json-v2' : null;
  if (!format) return null;
  const body = buf.subarray(12);
  if (crc32(body) !== buf.readUInt32LE(8)) return null;
  const n = body.readUInt32LE(0);
  if (4 + n > body.length) return null;
  return { seq, engine: new Uint8Array(body.subarray(4, 4 + n)), state: body.subarray(4 + n), format };
}

export function snapshotFiles(dir: string): { file: string; seq: number }[] {
  return readdirSync(dir)
    .map((f) => /^snapshot-(\d{16})\.bin$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: join(dir, m[0]), seq: Number(m[1]) }))
    .sort((a, b) => b.seq - a.seq);
}

/** Newest snapshot that passes its checksum (a damaged newest one falls back to the previous). */
export function loadNewestSnapshot(dir: string): HostSnapshot | null {
  for (const { file, seq } of snapshotFiles(dir)) {
    const s = decodeSnapshot(readFileSync(file), seq);
    if (s) return s;
  }
  return null;
}

/**
 * Delete snapshots nobody needs: keep the newest two and the newest one taken before
 * `retainFrom` (a lagging publisher regenerates its messages from there). Returns the seq of the
 * oldest snapshot kept (0 if none): the journal is needed from there on.
 */
export function pruneSnapshots(dir: string, retainFrom: number): number {
  const all = snapshotFiles(dir);
  const keep = new Set(all.slice(0, 2));
  const forPublishers = all.find((s) => s.seq < retainFrom);
  if (forPublishers) keep.add(forPublishers);
  for (const s of all) if (!keep.has(s)) rmSync(s.file);
  // without a snapshot before retainFrom a publisher needs the journal from its very start
  return forPublishers ? Math.min(...[...keep].map((s) => s.seq)) : 0;
}

/** Write a snapshot atomically without blocking the event loop (the host writes while it keeps matching). */
export async function writeSnapshotAsync(dir: string, seq: number, chunks: Buffer[]): Promise<string> {
  const name = `snapshot-${String(seq).padStart(16, '0')}.bin`;
  const tmp = join(dir, `.${name}.tmp`);
  const fh = await openAsync(tmp, 'w');
  try {
    await writeChunks(fh, chunks);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    rmSync(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await renameAsync(tmp, join(dir, name));
  const dh = await openAsync(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
  return name;
}

async function writeChunks(fh: FileHandle, chunks: Buffer[]): Promise<void> {
  for (let i = 0; i < chunks.length; i += 512) {
    const part = chunks.slice(i, i + 512);
    let off = 0;
    const total = part.reduce((n, b) => n + b.length, 0);
    // writev may write less than asked; go on from where it stopped
    while (off < total) {
      const { bytesWritten } = await fh.writev(off === 0 ? part : [Buffer.concat(part).subarray(off)]);
      off += bytesWritten;
    }
  }
}
