import { RestartBudget } from './restart-budget';

describe('RestartBudget', () => {
  it('allows max restarts in a window, then refuses until the oldest leaves the window', () => {
    const b = new RestartBudget(3, 1000);
    expect([b.take(0), b.take(10), b.take(20), b.take(30)]).toEqual([true, true, true, false]);
    expect(b.take(999)).toBe(false);
    expect(b.take(1000)).toBe(true);
    expect(b.take(1005)).toBe(false);
    expect(b.take(1011)).toBe(true);
  });
});
