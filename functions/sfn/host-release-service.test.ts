/**
 * The release's decisions, with hosts that keep role, epoch, book and build in memory and the
 * lease's conditional write in memory (the state machine, the real hosts and the local fleet run
 * together in test/e2e/host-release.test.ts): what it refuses to start from, and what it refuses
 * to do when a step finds the region not as planned.
 */
import type { ControlStore } from '../shared/ports/control-store';
import type { HostAdminPort, HostHealth } from '../shared/ports/matching-host';
import { hostHealth } from '../../test/support/host-health';
import { MemoryLeaseStore } from '../../test/support/memory-lease-store';
import { HostReleaseService, type ReleaseState } from './host-release-service';

type FakeHost = HostAdminPort & { h: HostHealth; up: boolean };

function host(role: string, over: Partial<HostHealth> = {}): FakeHost {
  const f: FakeHost = {
    h: hostHealth(role, { version: 'v1', ...over }),
    up: true,
    health: () => (f.up ? Promise.resolve({ ...f.h }) : Promise.reject(new Error('14 UNAVAILABLE'))),
    fence: (epoch) => {
      if (!f.up) return Promise.reject(new Error('14 UNAVAILABLE'));
      f.h = { ...f.h, role: 'standby', epoch };
      return Promise.resolve({ ...f.h });
    },
    promote: (epoch) => {
      f.h = { ...f.h, role: 'primary', epoch };
      return Promise.resolve({ ...f.h });
    },
  };
  return f;
}

const ARN = 'arn:aws:states:us-east-1:000000000000:execution:exchange-local-host-release:t1';

function setup(o: { firing?: string[] } = {}) {
  const leases = new MemoryLeaseStore();
  const a = host('primary', { hostId: 'us-east-1a' });
  const b = host('standby', { hostId: 'us-east-1b' });
  const lock = { claimed: 0, released: 0 };
  const control = {
    claimRunbook: () => Promise.resolve(void lock.claimed++),
    releaseRunbook: () => Promise.resolve(void lock.released++),
  } as unknown as ControlStore;
  const replaced: [string, string][] = [];
  const service = new HostReleaseService({
    control,
    leases,
    hosts: { 'us-east-1': { 'us-east-1a': a, 'us-east-1b': b } },
    addresses: { 'us-east-1': { 'us-east-1a': '10.0.0.1:50051', 'us-east-1b': '10.0.0.2:50051' } },
    fleet: { replace: (id, v) => Promise.resolve(void replaced.push([id, v])) },
    alarms: () => ({ names: ['x'], firing: (b) => Promise.resolve({ firing: o.firing ?? [], breaches: b }) }),
    audit: { record: () => Promise.resolve(), recent: () => Promise.resolve([]) },
    notices: { announce: () => Promise.resolve() },
    region: 'us-east-1',
    watchSeconds: 0,
    pollSeconds: 1,
    readyTimeoutSeconds: 60,
  });
  leases.items.set('us-east-1', { region: 'us-east-1', holder: 'us-east-1a', epoch: 1, version: 7, inSync: ['us-east-1b'], leaseMs: 50 });
  const start = { input: { bundleVersion: 'v2' }, startedAt: new Date().toISOString(), executionArn: ARN };
  return { leases, a, b, lock, replaced, service, start };
}

describe('planning a release', () => {
  it('plans to replace the in-sync standby first and to fence the primary one epoch above the lease', async () => {
    const { service, start, lock } = setup();
    const plan = await service.plan(start);
    expect(plan).toMatchObject({
      primary: 'us-east-1a',
      standby: 'us-east-1b',
      second: 'us-east-1a',
      previous: 'v1',
      version: 'v2',
      newEpoch: 2,
    });
    expect(lock).toEqual({ claimed: 1, released: 0 });
  });

  it.each([
    ['a standby the lease does not list in sync', (s: ReturnType<typeof setup>) => void (s.leases.items.get('us-east-1')!.inSync = [])],
  ])('refuses to start from %s, and lets the runbook lock go', async (_, arrange) => {
    const s = setup();
    arrange(s);
    await expect(s.service.plan(s.start)).rejects.toMatchObject({ name: 'NotReleasable' });
    expect(s.lock).toEqual({ claimed: 1, released: 1 });
  });

  it('waits for a host that does not answer (an instance still booting): HostsNotAnswering, which the state retries', async () => {
    const s = setup();
    s.b.up = false;
    await expect(s.service.plan(s.start)).rejects.toMatchObject({ name: 'HostsNotAnswering' });
    expect(s.lock).toEqual({ claimed: 1, released: 1 });
  });

  it('has nothing to move when every host runs the version already (a deploy run again)', async () => {
    const s = setup();
    expect((await s.service.plan(s.start)).upToDate).toBe(false);
    s.a.h.version = 'v2';
    s.b.h.version = 'v2';
    expect((await s.service.plan(s.start)).upToDate).toBe(true);
  });

  it('refuses while a watched alarm fires (a release would be judged by an alarm it did not cause)', async () => {
    const s = setup({ firing: ['exchange-prod-host-dr-lag'] });
    await expect(s.service.plan(s.start)).rejects.toThrow(/alarms already firing: exchange-prod-host-dr-lag/);
  });

  it.each(['../../etc', 'v2/../../x', '', 'a'.repeat(65), 'v2;rm -rf'])(
    'refuses the version %j: it names a folder and an S3 key',
    async (v) => {
      const s = setup();
      await expect(s.service.plan({ ...s.start, input: { bundleVersion: v } })).rejects.toMatchObject({ name: 'InvalidInput' });
      expect(s.lock.claimed).toBe(0);
    },
  );
});

describe('the handover', () => {
  const planned = async (s: ReturnType<typeof setup>): Promise<ReleaseState> => ({ ...s.start, plan: await s.service.plan(s.start) });

  it('hands the book over: fenced at the plan’s epoch, promoted at the next, the lease then the new primary’s', async () => {
    const s = setup();
    const state = await planned(s);
    state.fencing = await s.service.fence(state);
    expect(s.a.h).toMatchObject({ role: 'standby', epoch: 2 });
    expect(s.leases.items.get('us-east-1')).toMatchObject({ holder: '', epoch: 2 });
    await s.service.verify(state);
    state.promoted = await s.service.promote(state);
    expect(s.b.h).toMatchObject({ role: 'primary', epoch: 3 });
  });

  it('stops when the lease moved past the plan (a host took it over by itself meanwhile)', async () => {
    const s = setup();
    const state = await planned(s);
    s.leases.items.set('us-east-1', { region: 'us-east-1', holder: 'us-east-1b', epoch: 5, version: 9, inSync: [], leaseMs: 50 });
    await expect(s.service.fence(state)).rejects.toMatchObject({ name: 'HandoverFailed' });
    expect(s.a.h.role).toBe('primary');
  });

  it('refuses to promote a standby whose book differs from the fenced primary’s', async () => {
    const s = setup();
    const state = await planned(s);
    state.fencing = await s.service.fence(state);
    s.b.h.checksum = 'other';
    await expect(s.service.verify(state)).rejects.toMatchObject({ name: 'ChecksumMismatch' });
  });
});

describe('failing back and aborting', () => {
  const switched = async (s: ReturnType<typeof setup>): Promise<ReleaseState> => {
    const state: ReleaseState = { ...s.start, plan: await s.service.plan(s.start) };
    state.replaced = { at: Date.now() };
    state.fencing = await s.service.fence(state);
    state.promoted = await s.service.promote(state);
    await s.service.followNewPrimary(state);
    // the new primary's lease, with the old build in sync
    s.leases.items.set('us-east-1', {
      region: 'us-east-1',
      holder: 'us-east-1b',
      epoch: 3,
      version: 12,
      inSync: ['us-east-1a'],
      leaseMs: 50,
    });
    return state;
  };

  it('gives the book back to the old build, verified, at epochs above every one handed out', async () => {
    const s = setup();
    const state = await switched(s);
    const f = await s.service.failback(state);
    expect(f).toMatchObject({ handedBack: true, epoch: 5 });
    expect(s.a.h).toMatchObject({ role: 'primary', epoch: 5 });
    expect(s.b.h).toMatchObject({ role: 'standby', epoch: 5 });
  });

  it('with the new build gone, promotes the old only if the lease listed it in sync, after the lease ran out', async () => {
    const s = setup();
    const state = await switched(s);
    s.b.up = false;
    const t0 = Date.now();
    await s.service.failback(state);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    expect(s.a.h.role).toBe('primary');

    const t = setup();
    const other = await switched(t);
    t.b.up = false;
    t.leases.items.get('us-east-1')!.inSync = [];
    await expect(t.service.failback(other)).rejects.toThrow(/was not in sync with it: an operator decides/);
    expect(t.a.h.role).toBe('standby');
  });

  it('an abort leaves the lease alone when the old primary does not answer (it could be given nothing back)', async () => {
    const s = setup();
    const state: ReleaseState = { ...s.start, plan: await s.service.plan(s.start), replaced: { at: Date.now() } };
    state.fencing = await s.service.fence(state);
    const before = { ...s.leases.items.get('us-east-1') };
    s.a.up = false;
    const r = await s.service.abort(state);
    expect(r.notes.join()).toMatch(/does not answer/);
    expect(s.leases.items.get('us-east-1')).toEqual(before);
  }, 15_000);

  it('a failback that cannot verify the old build gives the fenced new build the book back', async () => {
    const s = setup();
    const state = await switched(s);
    s.b.h.lastSeq = 99;
    s.b.h.checksum = 'c99';
    await expect(s.service.failback(state)).rejects.toMatchObject({ name: 'HandoverFailed' });
    expect(s.b.h.role).toBe('primary');
  }, 20_000);

  it('an abort after the fence gives the old primary the book back and the standby its old build; a promoted standby is left alone', async () => {
    const s = setup();
    const state: ReleaseState = { ...s.start, plan: await s.service.plan(s.start), replaced: { at: Date.now() } };
    s.b.h.version = 'v2';
    state.fencing = await s.service.fence(state);
    await s.service.abort(state);
    expect(s.a.h.role).toBe('primary');
    expect(s.a.h.epoch).toBeGreaterThan(2);
    expect(s.replaced).toEqual([['us-east-1b', 'v1']]);

    const t = setup();
    const other: ReleaseState = { ...t.start, plan: await t.service.plan(t.start), replaced: { at: Date.now() } };
    other.fencing = await t.service.fence(other);
    await t.service.promote(other);
    const r = await t.service.abort(other);
    expect(r.notes.join()).toMatch(/holds the book .* it keeps it on v2/);
    expect(t.replaced).toEqual([]);
  });
});
