/**
 * A publisher's position (last journal seq whose publications the downstream confirmed), kept in
 * the host's data directory. It is only ever written after a confirm, so it can lag but never run
 * ahead: a stale cursor means a few messages are sent again, which consumers drop by sequence.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurably } from '../durability/durable-file';

export class CursorFile {
  readonly file: string;

  constructor(dir: string, name: string) {
    this.file = join(dir, `publisher-${name}.cursor`);
  }

  load(): number | null {
    try {
      const v = (JSON.parse(readFileSync(this.file, 'utf8')) as { seq?: unknown }).seq;
      return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null;
    } catch {
      return null;
    }
  }

  save(seq: number): void {
    writeFileDurably(this.file, JSON.stringify({ seq }));
  }
}
