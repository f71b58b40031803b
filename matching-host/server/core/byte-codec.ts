/**
 * Little-endian binary writer and reader shared by the journal's command codec and the snapshot's
 * reply section: fixed-width numbers (f64 keeps every JS number exact) and u16-length UTF-8 strings.
 */

/** Strings from a small vocabulary (symbols, assets) decode to the same string object each time. */
const INTERNED: [Buffer, string][] = [];

/** Little-endian writer into a growing buffer; `reset` to reuse it, `copy` for the bytes so far. */
export class ByteWriter {
  buf = Buffer.allocUnsafe(256);
  off = 0;
  reset(): void {
    this.off = 0;
  }
  copy(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.off));
  }
  u16(v: number): void {
    this.room(2);
    this.buf.writeUInt16LE(v, this.off);
    this.off += 2;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.off);
    this.off += b.length;
  }
  private room(n: number): void {
    if (this.off + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.off + n));
    this.buf.copy(next, 0, 0, this.off);
    this.buf = next;
  }
  u8(v: number): void {
    this.room(1);
    this.buf[this.off++] = v;
  }
  u32(v: number): void {
    this.room(4);
    this.buf.writeUInt32LE(v >>> 0, this.off);
    this.off += 4;
  }
  f64(v: number): void {
    this.room(8);
    this.buf.writeDoubleLE(v, this.off);
    this.off += 8;
  }
  str(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    if (n > 0xffff) throw new RangeError('string longer than 65535 bytes');
    this.room(2 + n);
    this.buf.writeUInt16LE(n, this.off);
    this.buf.write(s, this.off + 2, 'utf8');
    this.off += 2 + n;
  }
}

/** Bounds-checked little-endian reader over buf[start, end): a short record throws, never reads past it. */
export class ByteReader {
  off: number;
  constructor(
    private readonly buf: Buffer,
    start: number,
    private readonly end: number,
  ) {
    this.off = start;
  }
  private need(n: number): void {
    if (this.off + n > this.end) throw new RangeError('record ends early');
  }
  u8(): number {
    this.need(1);
    return this.buf[this.off++];
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.off);
    this.off += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.off);
    this.off += 4;
    return v;
  }
  f64(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.off);
    this.off += 8;
    return v;
  }
  str(): string {
    this.need(2);
    const n = this.buf.readUInt16LE(this.off);
    this.need(2 + n);
    const s = this.buf.toString('utf8', this.off + 2, this.off + 2 + n);
    this.off += 2 + n;
    return s;
  }
  /** A string from a small vocabulary (symbols, assets): the same string object each time. */
  interned(): string {
    this.need(2);
    const n = this.buf.readUInt16LE(this.off);
    this.need(2 + n);
    const start = this.off + 2;
    const buf = this.buf;
    // a byte loop: these strings are a few bytes long, shorter than the cost of a native compare call
    search: for (const [bytes, str] of INTERNED) {
      if (bytes.length !== n) continue;
      for (let i = 0; i < n; i++) if (bytes[i] !== buf[start + i]) continue search;
      this.off = start + n;
      return str;
    }
    const s = this.str();
    if (INTERNED.length < 64) INTERNED.push([Buffer.from(s, 'utf8'), s]);
    return s;
  }
}
