/**
 * Regenerate publications from the journal: restore the newest snapshot taken before `fromSeq`
 * into a scratch HostCore, replay the journal after it and collect what each command publishes.
 * This is how a publisher catches up after a host restart or a long downstream outage, with
 * exactly the messages (and sequences) it would have sent live. Yields in chunks so the event
 * loop (and matching) keeps running while it works.
 */
import { HostCore } from '../core/host-core';
import type { MarketConfig } from '../../proto/market-config';
import { listSegments, readSegment } from '../durability/journal';
import type { Publication } from '../core/types';
import { decodeSnapshot, snapshotFiles } from '../durability/snapshot-store';
import { readFileSync } from 'node:fs';
import type { EpochStart } from '../core/epochs';

export class JournalGapError extends Error {
  constructor(
    message: string,
    /** the range up to this seq cannot be regenerated; from the next one on it can */
    readonly resumeAfter: number,
  ) {
    super(message);
  }
}

export interface ReplayChunk {
  publications: Publication[];
  upTo: number;
}

function scratchCore(dir: string, market: MarketConfig, fromSeq: number): HostCore {
  for (const { file, seq } of snapshotFiles(dir)) {
    if (seq >= fromSeq) continue;
    const s = decodeSnapshot(readFileSync(file), seq);
    if (s) return HostCore.fromState(market, s.engine, s.state, s.format);
  }
  // no snapshot before fromSeq: only a journal that starts at seq 1 can rebuild the state
  const first = listSegments(dir)[0];
  if (first && first.firstSeq > 1) {
    const oldest = snapshotFiles(dir).at(-1)?.seq ?? first.firstSeq - 1;
    throw new JournalGapError(`no snapshot before seq ${fromSeq} and the journal starts at ${first.firstSeq}`, oldest);
  }
  return new HostCore(market);
}

/** `epochs`: the host's epoch history, so that what is regenerated carries the epochs it had live. */
export async function* replayPublications(
  dir: string,
  market: MarketConfig,
  fromSeq: number,
  toSeq: number,
  epochs: EpochStart[] = [],
  chunk = 2000,
): AsyncGenerator<ReplayChunk> {
  const core = scratchCore(dir, market, fromSeq);
  core.epochs = epochs;
  let out: Publication[] = [];
  let steps = 0;
  for (const seg of listSegments(dir)) {
    const { records } = readSegment(seg.file);
    if (records.length === 0 || records[records.length - 1].seq <= core.lastSeq) continue;
    for (const rec of records) {
      if (rec.seq <= core.lastSeq) continue;
      if (rec.seq > toSeq) break;
      if (rec.seq !== core.lastSeq + 1) {
        // hand over what was regenerated before the gap, then report it
        if (out.length > 0 && core.lastSeq >= fromSeq) yield { publications: out, upTo: core.lastSeq };
        out = [];
        const after =
          snapshotFiles(dir)
            .filter((s) => s.seq >= rec.seq - 1)
            .at(-1)?.seq ?? rec.seq - 1;
        throw new JournalGapError(`journal no longer holds seq ${core.lastSeq + 1} (next is ${rec.seq})`, after);
      }
      const publish = rec.seq >= fromSeq;
      const r = core.execute(rec, { publish });
      const p = r.publication;
      if (p && (p.market.length > 0 || p.orders.length > 0)) out.push(p);
      if (++steps % chunk === 0) {
        if (publish) {
          yield { publications: out, upTo: core.lastSeq };
          out = [];
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    if (core.lastSeq >= toSeq) break;
  }
  if (core.lastSeq < toSeq) throw new JournalGapError(`journal ends at seq ${core.lastSeq}, before ${toSeq}`, toSeq);
  yield { publications: out, upTo: toSeq };
}
