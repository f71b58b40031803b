/**
 * Ask `probe` until `ok` holds (a probe that throws counts as not yet), or fail after `ms` naming
 * what was awaited and the last answer: for conditions reached by other processes.
 */
export async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000, everyMs = 50): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown = 'nothing yet';
  for (;;) {
    try {
      const v = await probe();
      if (ok(v)) return v;
      last = v;
    } catch (e) {
      last = e instanceof Error ? e.message : e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
