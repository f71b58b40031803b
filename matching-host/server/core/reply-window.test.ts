import { ReplyWindow, type TimedReply } from './reply-window';

interface R extends TimedReply {
  id: string;
}
const reply = (account: number, id: string, time?: number): R => ({ account, id, ...(time === undefined ? {} : { time }) });
const window = (ms = 1_000, capacity = 3): ReplyWindow<R> => new ReplyWindow<R>(ms, capacity, (r) => r.id);

describe('ReplyWindow', () => {
  it("keys replies by account and the caller's id", () => {
    const w = window();
    w.add({ ...reply(1, 'a'), time: 0 });
    expect(w.get(1, 'a')).toMatchObject({ id: 'a' });
    expect(w.get(2, 'a')).toBeUndefined();
  });

  it('forgets an id only once a later request comes more than the window after it', () => {
    const w = window(1_000);
    w.add({ ...reply(1, 'a'), time: 0 });
    w.add({ ...reply(1, 'b'), time: 1_000 });
    expect(w.get(1, 'a')).toBeDefined();
    w.add({ ...reply(1, 'c'), time: 1_001 });
    expect(w.get(1, 'a')).toBeUndefined();
    expect(w.toArray().map((r) => r.id)).toEqual(['b', 'c']);
  });

  it('has room once what it outlives is forgotten, and forgets the oldest when added to while full', () => {
    const w = window(1_000, 2);
    w.add({ ...reply(1, 'a'), time: 0 });
    w.add({ ...reply(1, 'b'), time: 10 });
    expect(w.hasRoom(500)).toBe(false);
    expect(w.hasRoom(1_001)).toBe(true);
    w.add({ ...reply(1, 'c'), time: 20 });
    expect(w.toArray().map((r) => r.id)).toEqual(['b', 'c']);
    expect(w.size).toBe(2);
  });

  it('restores exactly what a snapshot held, refuses an id twice, and stamps replies that had no time', () => {
    const w = window(1_000);
    w.restore(reply(1, 'old'));
    w.restore(reply(1, 'b', 5));
    expect(() => w.restore(reply(1, 'b', 6))).toThrow(/twice/);
    w.add({ ...reply(1, 'c'), time: 2_000 });
    // 'old' ran at an unknown time: it gets a whole window from the next request
    expect(w.get(1, 'old')?.time).toBe(2_000);
    w.add({ ...reply(1, 'd'), time: 3_001 });
    expect(w.toArray().map((r) => r.id)).toEqual(['d']);
  });
});
