/**
 * The failover protocol's model (failover.pml), checked by spin on every test run: the protocol as
 * written must pass an exhaustive search, and every defect switch must fail it. A model that
 * stopped checking anything (a guard that never opens, an assertion that cannot fire) fails here.
 */
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** protocol defects real code could have; each must make spin find a violation */
const DEFECTS = [
  'NO_ISR_CHECK',
  'NO_ISR_SHRINK',
  'NO_ACK_LEASE_CHECK',
  'NO_MARGIN',
  'VALID_FROM_REPLY',
  'COUNT_FROM_REQUEST',
  'ISR_FROM_ANSWER',
  'SAME_EPOCH',
] as const;
/** not a defect: "fails" once two failovers with acks before each happened, so the passing search covered them */
const WITNESS = 'WITNESS';

interface Verdict {
  errors: number;
  output: string;
}

function missingTool(): string | null {
  for (const [tool, args] of [
    ['spin', ['-V']],
    ['gcc', ['--version']],
  ] as const) {
    try {
      execFileSync(tool, args, { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed: the failover model needs it (apt-get install -y ${tool})`;
    }
  }
  return null;
}

/** spin -a, gcc, pan in a directory of its own; `define` switches a defect on */
async function check(define: string | null): Promise<Verdict> {
  const dir = mkdtempSync(join(tmpdir(), 'failover-model-'));
  try {
    copyFileSync(join(__dirname, 'failover.pml'), join(dir, 'failover.pml'));
    const spin = await exec('spin', [...(define ? [`-D${define}`] : []), '-a', 'failover.pml'], { cwd: dir });
    // spin reports a syntax error and still exits 0, sometimes with a pan.c
    if (/error/i.test(spin.stdout + spin.stderr)) throw new Error(`spin -a failed:\n${spin.stdout}${spin.stderr}`);
    // the full search runs long enough to pay for -O1; a defect's search stops at its first error
    await exec('gcc', [define ? '-O0' : '-O1', '-w', '-DSAFETY', '-o', 'pan', 'pan.c'], { cwd: dir });
    // -m: room for the whole depth (about 360), so a search is never cut short by it
    const { stdout } = await exec('./pan', ['-m100000', '-w21'], { cwd: dir, maxBuffer: 1 << 24 });
    const errors = /errors: (\d+)/.exec(stdout);
    if (!errors) throw new Error(`pan said nothing recognisable:\n${stdout}`);
    return { errors: Number(errors[1]), output: stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Start every search now, at most two at a time (the whole run takes a few seconds of two cores). */
function searches(jobs: (string | null)[]): Map<string | null, Promise<Verdict>> {
  let active = 0;
  const waiting: (() => void)[] = [];
  const limited = async (job: string | null): Promise<Verdict> => {
    if (active >= 2) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await check(job);
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
  const out = new Map<string | null, Promise<Verdict>>();
  for (const job of jobs) {
    const p = limited(job);
    // awaited by its test later: a failure before then is not an unhandled rejection
    p.catch(() => undefined);
    out.set(job, p);
  }
  return out;
}

describe('failover model (spin)', () => {
  const missing = missingTool();
  let runs: Map<string | null, Promise<Verdict>>;
  beforeAll(() => {
    runs = missing ? new Map<string | null, Promise<Verdict>>() : searches([null, ...DEFECTS, WITNESS]);
  });
  const verdict = (job: string | null): Promise<Verdict> => {
    if (missing) throw new Error(missing);
    const p = runs.get(job);
    if (!p) throw new Error(`no run for ${job}`);
    return p;
  };

  it('the protocol passes an exhaustive search', async () => {
    const v = await verdict(null);
    expect(v.output).toContain('Full statespace search for');
    expect(v.output).toMatch(/assertion violations\s+\+/);
    expect(v.output).not.toContain('Search not completed');
    expect(v.output).not.toContain('max search depth too small');
    expect(v.errors).toBe(0);
    // every statement of the model ran somewhere in the search (pan lists the ones that never did):
    // only the loops' ends, which nothing should reach
    const unreached = [...v.output.matchAll(/^\s+failover\.pml:\d+, state \d+, "(.*)"$/gm)].map((m) => m[1]);
    expect(unreached).toContain('-end-');
    expect(unreached.filter((s) => s !== '-end-')).toEqual([]);
  }, 120_000);

  it.each(DEFECTS)(
    '%s makes spin find a violation',
    async (defect) => {
      const v = await verdict(defect);
      expect(v.output).toContain('assertion violated');
      expect(v.errors).toBeGreaterThanOrEqual(1);
    },
    120_000,
  );

  it('the passing search reaches two failovers with acks before each', async () => {
    const v = await verdict(WITNESS);
    expect(v.output).toContain('assertion violated');
    expect(v.errors).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
