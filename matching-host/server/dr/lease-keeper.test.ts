import pino from 'pino';
import type { Lease, LeaseStore } from '../../proto/lease';
import { MemoryLeaseStore } from '../../../test/support/memory-lease-store';
import { LeaseKeeper } from './lease-keeper';

const LEASE = 3_000;
const MARGIN = 500;
let clock = 0;

interface Member {
  keeper: LeaseKeeper;
  host: { role: 'primary' | 'standby'; epoch: number };
  holders: Lease[];
  inSync: string[];
}

function member(store: LeaseStore, id: string, role: 'primary' | 'standby', failover = true): Member {
  const m: Member = { host: { role, epoch: 1 }, holders: [], inSync: [] } as unknown as Member;
  m.keeper = new LeaseKeeper({
    store,
    region: 'us-east-1',
    follow: 'us-east-1',
    id,
    leaseMs: LEASE,
    marginMs: MARGIN,
    failover,
    log: pino({ level: 'silent' }),
    now: () => clock,
    host: m.host,
    inSync: () => m.inSync,
    onHolder: (l) => {
      m.holders.push(l);
      // what DrRole does: a primary that lost the lease fences itself at its epoch
      if (m.host.role === 'primary' && l.epoch >= m.host.epoch) Object.assign(m.host, { role: 'standby', epoch: l.epoch });
      return Promise.resolve();
    },
    onWon: (l) => {
      Object.assign(m.host, { role: 'primary', epoch: l.epoch });
      return Promise.resolve();
    },
    onChange: () => undefined,
  });
  return m;
}

/** a primary holding the lease with its standby in sync, and the standby counting from its first look */
async function watchedPair(): Promise<{ store: MemoryLeaseStore; p: Member; s: Member }> {
  const store = new MemoryLeaseStore();
  const p = member(store, 'a', 'primary');
  const s = member(store, 'b', 'standby');
  p.inSync = ['b'];
  await p.keeper.step();
  await p.keeper.step();
  await s.keeper.step();
  return { store, p, s };
}

beforeEach(() => {
  clock = 1_000;
});

describe('LeaseKeeper', () => {
  it('a primary claims the lease and may acknowledge until its write began plus the lease less the margin', async () => {
    const store = new MemoryLeaseStore();
    const p = member(store, 'a', 'primary');
    await p.keeper.step();
    expect(store.items.get('us-east-1')).toMatchObject({ holder: 'a', epoch: 1, version: 1 });
    await p.keeper.step(); // first renewal
    expect(p.keeper.mayAcknowledge()).toBe(true);
    clock += LEASE - MARGIN - 1;
    expect(p.keeper.mayAcknowledge()).toBe(true);
    clock += 1;
    expect(p.keeper.mayAcknowledge()).toBe(false);
  });

  it('a primary past its lease acknowledges nothing while the store is unreachable, and resumes once a renewal succeeds', async () => {
    const store = new MemoryLeaseStore();
    const p = member(store, 'a', 'primary');
    await p.keeper.step();
    store.reachable = false;
    clock += LEASE;
    await p.keeper.step();
    expect(p.keeper.mayAcknowledge()).toBe(false);
    store.reachable = true;
    await p.keeper.step();
    expect(p.keeper.mayAcknowledge()).toBe(true);
  });

  it('the in-sync standby takes the lease only after seeing the same version for a whole lease, at the next epoch', async () => {
    const store = new MemoryLeaseStore();
    const p = member(store, 'a', 'primary');
    const s = member(store, 'b', 'standby');
    p.inSync = ['b'];
    await p.keeper.step();
    await p.keeper.step();
    await s.keeper.step(); // sees the version: counting starts
    clock += LEASE - 1;
    await s.keeper.step();
    expect(s.host.role).toBe('standby');
    // the primary stopped acknowledging before the standby may take over
    expect(p.keeper.mayAcknowledge()).toBe(false);
    clock += 1;
    await s.keeper.step();
    expect(s.host).toEqual({ role: 'primary', epoch: 2 });
    expect(s.keeper.mayAcknowledge()).toBe(true);
    expect(store.items.get('us-east-1')).toMatchObject({ holder: 'b', epoch: 2, inSync: [] });
    // the old primary wakes: its renewal loses, it stops at once and learns who holds the lease
    await p.keeper.step();
    expect(p.keeper.mayAcknowledge()).toBe(false);
    expect(p.holders.at(-1)).toMatchObject({ holder: 'b', epoch: 2 });
    expect(p.host).toEqual({ role: 'standby', epoch: 2 });
  });

  it('a renewal restarts the standby count', async () => {
    const { p, s } = await watchedPair();
    clock += LEASE - 100;
    await p.keeper.step();
    await s.keeper.step();
    clock += 200;
    await s.keeper.step();
    expect(s.host.role).toBe('standby');
    expect(p.keeper.mayAcknowledge()).toBe(true);
  });

  it('a standby not in the in-sync set never takes over (it may lack acknowledged commands)', async () => {
    const store = new MemoryLeaseStore();
    const p = member(store, 'a', 'primary');
    const s = member(store, 'b', 'standby');
    await p.keeper.step();
    await s.keeper.step();
    clock += LEASE * 10;
    await s.keeper.step();
    expect(s.host.role).toBe('standby');
  });

  it('a follower with failover off (the DR replica) never takes over by itself', async () => {
    const store = new MemoryLeaseStore();
    const p = member(store, 'a', 'primary');
    const w = member(store, 'w', 'standby', false);
    p.inSync = ['w'];
    await p.keeper.step();
    await p.keeper.step();
    await w.keeper.step();
    clock += LEASE * 10;
    await w.keeper.step();
    expect(w.host.role).toBe('standby');
    expect(w.holders.at(-1)).toMatchObject({ holder: 'a' });
  });

  it('of two standbys that both count the lease lapsed, exactly one wins', async () => {
    const store = new MemoryLeaseStore();
    const p = member(store, 'a', 'primary');
    const b = member(store, 'b', 'standby');
    const c = member(store, 'c', 'standby');
    p.inSync = ['b', 'c'];
    await p.keeper.step();
    await p.keeper.step();
    await Promise.all([b.keeper.step(), c.keeper.step()]);
    clock += LEASE;
    await Promise.all([b.keeper.step(), c.keeper.step()]);
    expect([b.host.role, c.host.role].sort()).toEqual(['primary', 'standby']);
    expect(store.items.get('us-east-1')?.epoch).toBe(2);
  });

  it('a released lease is taken at the standby’s next look, after the primary stopped acknowledging', async () => {
    const { p, s } = await watchedPair();
    await p.keeper.release();
    expect(p.keeper.mayAcknowledge()).toBe(false);
    await s.keeper.step(); // sees the release
    await s.keeper.step();
    expect(s.host).toEqual({ role: 'primary', epoch: 2 });
  });

  it('a restarted primary whose lease was taken meanwhile never serves as primary', async () => {
    const store = new MemoryLeaseStore();
    store.items.set('us-east-1', { region: 'us-east-1', holder: 'b', epoch: 3, version: 9, inSync: [], leaseMs: LEASE });
    const p = member(store, 'a', 'primary');
    p.host.epoch = 2;
    await p.keeper.step();
    expect(p.keeper.mayAcknowledge()).toBe(false);
    expect(p.host).toEqual({ role: 'standby', epoch: 3 });
  });

  it('a takeover whose answer was lost still promotes (the lease names this host), and acknowledges only after a renewal', async () => {
    const { store, s } = await watchedPair();
    clock += LEASE;
    store.loseNextAnswer = true;
    await s.keeper.step();
    expect(s.host.role).toBe('standby');
    await s.keeper.step();
    expect(s.host).toEqual({ role: 'primary', epoch: 2 });
    expect(s.keeper.mayAcknowledge()).toBe(false);
    await s.keeper.step();
    expect(s.keeper.mayAcknowledge()).toBe(true);
  });

  it('a standby a write put back in the in-sync set counts as listed even when that write’s answer was lost', async () => {
    const store = new MemoryLeaseStore();
    const p = member(store, 'a', 'primary');
    await p.keeper.step();
    await p.keeper.step();
    expect([...p.keeper.members()]).toEqual([]);
    p.inSync = ['b'];
    store.loseNextAnswer = true;
    await p.keeper.step();
    // applied in the store: the primary must wait for b (or drop it by a write) before any ack
    expect(store.items.get('us-east-1')?.inSync).toEqual(['b']);
    expect([...p.keeper.members()]).toEqual(['b']);
    p.inSync = [];
    await p.keeper.step(); // refused (its own unanswered write moved the version), renewed from there
    expect(p.keeper.mayAcknowledge()).toBe(true);
    expect(store.items.get('us-east-1')?.inSync).toEqual([]);
    expect([...p.keeper.members()]).toEqual([]);
  });
});
