/**
 * One publisher: moves publications from the host to one downstream, in journal order, at least
 * once, never blocking matching. It reads the in-memory outbox while it keeps up and regenerates
 * from the journal when it has fallen behind it; a failed send is retried with backoff (cockatiel)
 * until the downstream is back, and the cursor advances only after the downstream confirmed.
 */
import { ExponentialBackoff, TimeoutStrategy, handleAll, retry, timeout, wrap } from 'cockatiel';
import type { Logger } from 'pino';
import type { Outbox } from './outbox';
import type { Publication } from '../core/types';
import { JournalGapError, type ReplayChunk } from './publication-replay';
import { CursorFile } from './cursor-file';

/** A downstream: `publish` resolves only when every message of the batch is confirmed. */
export interface PublicationSink {
  readonly name: string;
  /** `signal` aborts when the attempt timed out or the publisher stops */
  publish(batch: Publication[], signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export interface PublisherOptions {
  sink: PublicationSink;
  outbox: Outbox;
  replay: (fromSeq: number, toSeq: number) => AsyncIterable<ReplayChunk>;
  /** where the cursor persists; without it the publisher starts at `startSeq` */
  cursorFile?: CursorFile;
  /** cursor to use when none is stored */
  startSeq: number;
  log: Logger;
  batchMax?: number;
  /** cursor writes at most this often (ms) */
  saveEveryMs?: number;
  onPublished?: (name: string, messages: number, cursor: number) => void;
  onError?: (name: string, error: unknown) => void;
  onGap?: (name: string, fromSeq: number, toSeq: number) => void;
}

export class Publisher {
  cursor: number;
  private stopped = false;
  private readonly abort = new AbortController();
  private running: Promise<void> | null = null;
  private lastSave = 0;
  private savedCursor: number;

  constructor(private readonly o: PublisherOptions) {
    this.cursor = o.cursorFile?.load() ?? o.startSeq;
    this.savedCursor = this.cursor;
  }

  get name(): string {
    return this.o.sink.name;
  }

  /**
   * Where this publisher would resume after a crash: the cursor on disk (which lags the one in
   * memory), or the in-memory one for a publisher without a file. Retention keeps the journal and a
   * snapshot from here.
   */
  get resumeSeq(): number {
    return this.o.cursorFile ? this.savedCursor : this.cursor;
  }

  start(): void {
    this.running ??= this.loop().catch((e: unknown) => this.o.log.error({ publisher: this.name, err: e }, 'publisher stopped on an error'));
  }

  /** Resolves once everything durable at call time is confirmed downstream (tests, shutdown). */
  async caughtUp(timeoutMs = 10_000): Promise<boolean> {
    const target = this.o.outbox.durableSeq;
    const until = Date.now() + timeoutMs;
    while (this.cursor < target) {
      if (Date.now() > until) return false;
      await new Promise((r) => setTimeout(r, 10));
    }
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.o.outbox.wakeAll();
    await this.running;
    this.saveCursor(true);
    await this.o.sink.close();
  }

  private async loop(): Promise<void> {
    const { outbox } = this.o;
    const max = this.o.batchMax ?? 500;
    while (!this.stopped) {
      if (this.cursor >= outbox.durableSeq) {
        this.saveCursor(true);
        await outbox.changed();
        continue;
      }
      const read = outbox.read(this.cursor + 1, max);
      if (read) {
        await this.deliver(read.publications, read.upTo);
        continue;
      }
      // behind the memory window: regenerate from the journal up to where the window starts
      const to = outbox.coveredFrom - 1;
      try {
        for await (const chunk of this.o.replay(this.cursor + 1, to)) {
          for (let i = 0; i < chunk.publications.length && !this.stopped; i += max) {
            const part = chunk.publications.slice(i, i + max);
            const last = i + max >= chunk.publications.length;
            await this.deliver(part, last ? chunk.upTo : part[part.length - 1].seq);
          }
          if (chunk.publications.length === 0) this.cursor = Math.max(this.cursor, chunk.upTo);
          if (this.stopped) return;
        }
      } catch (e) {
        if (this.stopped) return;
        if (e instanceof JournalGapError) {
          // the journal no longer covers part of the range (retention keeps what a resuming
          // publisher needs, so this means lost files): skip only what cannot be regenerated
          // (if the error names no later point, give the range up rather than loop on it)
          const resume = e.resumeAfter > this.cursor ? Math.min(to, e.resumeAfter) : to;
          this.o.log.error(
            { publisher: this.name, from: this.cursor + 1, to: resume, err: e },
            'publications lost: journal does not cover them',
          );
          this.o.onGap?.(this.name, this.cursor + 1, resume);
          this.cursor = Math.max(this.cursor, resume);
        } else {
          // e.g. a file being rotated or too many open files: try again shortly
          this.o.log.warn({ publisher: this.name, err: e }, 'regenerating from the journal failed; retrying');
          this.o.onError?.(this.name, e);
          await new Promise((r) => setTimeout(r, 1_000));
        }
      }
    }
  }

  private async deliver(batch: Publication[], upTo: number): Promise<void> {
    if (batch.length > 0) {
      const policy = retry(handleAll, {
        maxAttempts: Number.MAX_SAFE_INTEGER,
        backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 5_000 }),
      });
      policy.onFailure(({ reason }) => {
        const err = 'error' in reason ? reason.error : reason.value;
        this.o.onError?.(this.name, err);
        this.o.log.warn({ publisher: this.name, err }, 'publish failed; retrying');
      });
      // a downstream that stops answering (no confirm, no close) must not hang the publisher or shutdown
      const attempt = timeout(30_000, TimeoutStrategy.Aggressive);
      try {
        await wrap(policy, attempt).execute(({ signal }) => this.o.sink.publish(batch, signal), this.abort.signal);
      } catch (e) {
        if (this.stopped) return;
        throw e;
      }
      let messages = 0;
      for (const p of batch) messages += p.market.length + p.orders.length;
      this.o.onPublished?.(this.name, messages, upTo);
    }
    this.cursor = Math.max(this.cursor, upTo);
    this.saveCursor(false);
  }

  private saveCursor(force: boolean): void {
    const f = this.o.cursorFile;
    if (!f || this.cursor === this.savedCursor) return;
    const now = Date.now();
    if (!force && now - this.lastSave < (this.o.saveEveryMs ?? 200)) return;
    this.lastSave = now;
    this.savedCursor = this.cursor;
    f.save(this.cursor);
  }
}
