import { RestartBudget } from './restart-budget';
import { supervisor } from './supervisor';

const killed = { code: null, signal: 'SIGKILL' as const };

describe('supervisor', () => {
  it('says each death and each return in a line of its own, every time (none swallowed as a repeat)', async () => {
    const said: string[] = [];
    const fatal: string[] = [];
    let t = 0;
    const s = supervisor({ say: (l) => said.push(l), fatal: (m) => fatal.push(m), now: () => t });
    let instances = 1;
    for (let i = 0; i < 3; i++, t += 1000) {
      // each instance has its own crash hook from watch(), as npm start wires them
      s.watch('the edge', () => Promise.resolve(void instances++))(killed);
      await new Promise((r) => setImmediate(r));
    }
    expect(fatal).toEqual([]);
    expect(said).toEqual(Array.from({ length: 3 }, () => ['the edge was killed (SIGKILL); restarting it', 'the edge is back']).flat());
    expect(instances).toBe(4);
  });

  it('gives up on the fourth death within five minutes, counted across instances', () => {
    const fatal: string[] = [];
    let t = 0;
    const s = supervisor({ say: () => undefined, fatal: (m) => fatal.push(m), now: () => t, budget: () => new RestartBudget(3, 300_000) });
    for (let i = 0; i < 4; i++, t += 10_000) s.watch('matching host us-east-1', () => Promise.resolve())({ code: 1, signal: null });
    expect(fatal).toEqual(['matching host us-east-1 exited with code 1 again: it died 3 times in 5 minutes; stopping the stack']);
  });

  it('waits for a restart under way when stopped, and restarts nothing after', async () => {
    const s = supervisor({ say: () => undefined, fatal: () => undefined });
    let ready!: () => void;
    let restarts = 0;
    s.watch('PGlite', () => {
      restarts++;
      return new Promise<void>((r) => (ready = r));
    })(killed);
    let stopped = false;
    const stopping = s.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(stopped).toBe(false);
    ready();
    await stopping;
    s.watch('PGlite', () => Promise.resolve(void restarts++))(killed);
    expect(restarts).toBe(1);
  });
});
