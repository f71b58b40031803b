/**
 * npm start's watch over what it started: a component that dies is named at once in one line and
 * restarted; one that dies three times in five minutes ends the stack (`fatal`). The budget is per
 * component, whichever process instance died, and a stop waits for restarts under way, so nothing
 * comes up after the stack has stopped.
 */
import type { ProcessExit } from './processes';
import { RestartBudget } from './restart-budget';

export interface Supervisor {
  /** the crash hook of one instance of `name`; `restart` brings up the next (resolves once it is ready) */
  watch(name: string, restart: () => Promise<unknown>): (exit: ProcessExit) => void;
  /** no more restarts; resolves once those under way have settled */
  stop(): Promise<void>;
}

export function supervisor(o: {
  say: (line: string) => void;
  fatal: (message: string) => void;
  now?: () => number;
  budget?: () => RestartBudget;
}): Supervisor {
  const budgets = new Map<string, RestartBudget>();
  const underway = new Set<Promise<void>>();
  let stopped = false;
  return {
    watch: (name, restart) => (exit) => {
      if (stopped) return;
      const how = exit.signal ? `was killed (${exit.signal})` : `exited with code ${exit.code}`;
      let budget = budgets.get(name);
      if (!budget) budgets.set(name, (budget = o.budget?.() ?? new RestartBudget()));
      if (!budget.take((o.now ?? Date.now)())) {
        o.fatal(`${name} ${how} again: it died 3 times in 5 minutes; stopping the stack`);
        return;
      }
      o.say(`${name} ${how}; restarting it`);
      const r: Promise<void> = restart().then(
        () => o.say(`${name} is back`),
        (e: unknown) => o.fatal(`${name} did not come back: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`),
      );
      underway.add(r);
      void r.finally(() => underway.delete(r));
    },
    stop: async () => {
      stopped = true;
      await Promise.allSettled([...underway]);
    },
  };
}
