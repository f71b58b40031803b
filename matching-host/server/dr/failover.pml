/*
 * The matching-host failover protocol (README.md, "The lease"), checked exhaustively by spin.
 * Run by failover-model.test.ts; by hand: README.md, "Model".
 *
 * What stands for what
 *   Host(h)  two hosts, each primary or standby over time (host 0 starts primary at epoch 1,
 *            host 1 follows it; either may later take over from the other).
 *     primary  LeaseKeeper.renew() (lease-keeper.ts): t0 noted, then a write of the lease conditional on
 *              the version it last wrote; on success validUntil = t0 + leaseMs - marginMs; a
 *              refusal fences the host (dr-role.ts fence(), host.ts fence()).
 *              MatchingHost.submit() (host.ts): mayAcknowledge() when a command starts, journal,
 *              replicationGate.wait() (replication-source.ts: the standby confirmed it, or a lease
 *              write already dropped the standby from inSync), mayAcknowledge() again, ack.
 *              ReplicationSource.handle() (replication-source.ts): the standby's confirmations.
 *     standby  LeaseKeeper.asStandby() (lease-keeper.ts): reads the lease, counts on its own clock from the
 *              read that showed a new version; its takeover write: once that version stayed
 *              leaseMs, if it is in its inSync and another host holds it, writes {self, epoch + 1,
 *              version + 1, inSync: []} on condition of that version; then dr-role.ts promote().
 *              Replica.apply() (replica.ts): takes the primary's journal, refuses an older epoch;
 *              a newer epoch's history replaces a diverged one (the snapshot with discardAfter).
 *   the lease item in DynamoDB (proto/lease.ts): globals; a read or a conditional write is one
 *            atomic step of its caller, as DynamoDB applies it.
 *   Clock    the global tick. Every host's monotonic clock runs with it, paused or not: timers are
 *            kept relative (ticks left to validUntil, ticks since t0, ticks the standby has seen
 *            one version), saturating, so the state space is finite without bounding time.
 *   clients  folded into the primary: any command not yet acknowledged may reach it (a retry
 *            after LEASE_EXPIRED or FENCED reaches whichever host is primary then).
 *
 * Faults
 *   - Pauses: spin explores every interleaving, without fairness: any host may take no step for
 *     any number of ticks (a GC pause, a stopped VM) and resume with its old beliefs.
 *   - Clocks: a standby's clock may gain one tick on the primary's per lease period (leaseMs = 3
 *     ticks, marginMs = 1 tick): the most drift the margin is there to cover (README.md).
 *   - Lease writes: lost on the way, or applied with the answer lost (the writer gives up, not
 *     knowing), or answered late: a success's answer waits in the channel rsp[h] (size 1) for any
 *     number of ticks. Reads and refusals are taken at once: a read answered later only starts
 *     the count later and shows an older version (a takeover on it is refused by the condition);
 *     a refusal learnt later is the same as a write made later. A write applied later than it
 *     was sent only starts the standby's count later. So each of these is never worse.
 *   - Replication: by default the standby reads the primary's journal, and the primary the
 *     standby's confirmation, in one step whenever they like (never = lost). Over one FIFO stream
 *     resumed from the standby's last seq, a batch or confirmation that arrives late is one read
 *     later, and an older batch than one applied is a prefix (ignored) or of an older epoch
 *     (refused). -DREPL_CHANNELS sends them over channels of size 1 instead, lossy and delayed:
 *     the same verdicts for the model and every switch, at 26 million states (4 minutes, 4 GB).
 *
 * Bounds: 2 commands, 3 epochs (two failovers: the old primary rejoins, catches up, is put back
 * into inSync and takes over again), 6 lease versions (5 writes). Left out: client epochs
 * (exchange-epoch), the DR region and its runbooks, the peer health check (dr-role.ts
 * checkPeer): each only fences a host sooner, and the properties must hold without them.
 *
 * Properties (assertions; exhaustive search, no compression)
 *   (a) no two hosts acknowledge in the same epoch;
 *   (b) no acknowledged command is lost by a failover: it is in the journal of every host that
 *       becomes primary afterwards (checked at promotion, and at every ack against a host that
 *       is already primary at a newer epoch); and what a standby confirms is the primary's own
 *       history (its journal is a prefix of the primary's), which acks rely on;
 *   (c) no ack is decided while the lease names another holder or a newer epoch: a paused old
 *       primary never acknowledges once the standby could take over.
 *
 * Defect switches (spin -DNAME -a): each breaks the protocol as real code could, and spin must
 * find a violation:
 *   NO_ISR_CHECK        the standby takes over without being in inSync                      (b)
 *   NO_ISR_SHRINK       an unreplicated ack without first dropping the standby from inSync   (b)
 *   NO_ACK_LEASE_CHECK  no mayAcknowledge() just before the ack (only when the command starts) (c)
 *   NO_MARGIN           marginMs = 0: the allowed clock drift is enough                       (c)
 *   VALID_FROM_REPLY    validUntil counted from the write's answer instead of t0 before it    (c)
 *   COUNT_FROM_REQUEST  the standby counts from when it sent the read, not from its answer    (c)
 *   ISR_FROM_ANSWER     the primary counts the standby back in inSync only once that write's
 *                       answer is in (a write in flight or timed out may already be applied)  (b)
 *   SAME_EPOCH          a takeover keeps the epoch instead of raising it                       (a)
 *   WITNESS             not a defect: "fails" when a host becomes primary at epoch 3 after acks
 *                       at epochs 1 and 2, so a passing run is known to have covered that
 */

#ifndef L
#define L 3 /* leaseMs */
#endif
#ifdef NO_MARGIN
#define M 0
#else
#define M 1 /* marginMs */
#endif
#define D 1          /* drift: a standby's clock may gain this much on the primary's over leaseMs */
#define WAIT (L - D) /* global ticks a fast standby clock counts as leaseMs */
#ifndef NCMD
#define NCMD 2
#endif
#ifndef MAXEP
#define MAXEP 3
#endif
#ifndef MAXVER
#define MAXVER 6
#endif

#define S 0 /* role: standby */
#define P 1 /* role: primary */

/* a log: entry i (0-based) is the command id (1..3) in bits 2i..2i+1, 0 past its end */
#define E(l, i) (((l) >> (2 * (i))) & 3)
#define LEN(l) ((E(l, 0) != 0 -> 1 : 0) + (E(l, 1) != 0 -> 1 : 0) + (E(l, 2) != 0 -> 1 : 0))
#define SET(l) (((1 << E(l, 0)) | (1 << E(l, 1)) | (1 << E(l, 2))) & 14)
#define MASK(k) ((1 << (2 * (k))) - 1)
#define BIT(x) (1 << (x))

/* the lease item (proto/lease.ts): holder, epoch, version, inSync (bit per host) */
byte sHolder = 0;
byte sEpoch = 1;
byte sVer = 1;
byte sIsr = 2;

/* the answer to a lease write that succeeded: epoch, version; it may wait here for any time */
chan rsp[2] = [1] of { byte, byte };
#ifdef REPL_CHANNELS
chan repl[2] = [1] of { byte, byte }; /* a batch to host h: the sender's epoch, its journal */
chan rack[2] = [1] of { byte, byte }; /* a confirmation to host h: the epoch of the history held, its length */
#endif

byte role[2];
byte ep[2];       /* the host's epoch */
byte fol[2];      /* the epoch whose history the host's log is (Replica's historyEpoch) */
byte lg[2];       /* journal */
byte ver[2];      /* primary: version it last wrote; standby: version it last saw (0: none) */
byte left[2];     /* primary: ticks until validUntil */
byte since[2];    /* ticks since t0 of the write whose answer waits in rsp */
byte same[2];     /* standby: ticks since it saw ver change */
bit seenOk[2];    /* standby: the version it saw lets it take over */
byte rep[2];      /* primary: highest seq the standby confirmed in this epoch */
byte ackSeq[2];   /* primary: highest seq acknowledged (all of its log at promotion) */
bit isrMaybe[2];  /* primary: the store's inSync may hold the standby */
bit pendIsr[2];   /* primary: the write whose answer waits puts the standby in inSync */

byte acked;            /* commands acknowledged to clients, bit c */
byte ackBy[MAXEP + 1]; /* 1 + the host that acknowledged in each epoch */

hidden byte he; /* message fields: used only inside one atomic step, so kept out of the state */
hidden byte hv;
hidden int clock; /* the global time, for the story a counterexample tells (spin -t); nothing depends on it */

/* (b): every command acknowledged so far is in host x's log */
#define HELD(x) assert((acked & ~SET(lg[x])) == 0)

#ifdef WITNESS
#define WITNESS_CHECK(e) assert(!(e == 3 && ackBy[1] != 0 && ackBy[2] != 0))
#else
#define WITNESS_CHECK(e) skip
#endif

/* dr-role.ts promote(): primary at epoch e (inSync: []), its history is that epoch's, all it holds counts as acked */
#define PROMOTE(e, v, validFor) \
  printf("t=%d host %d promoted at epoch %d, may ack for %d ticks, log %d\n", clock, h, e, validFor, lg[h]); \
  role[h] = P; ep[h] = e; fol[h] = e; ver[h] = v; left[h] = validFor; \
  ackSeq[h] = LEN(lg[h]); rep[h] = 0; isrMaybe[h] = 0; same[h] = 0; seenOk[h] = 0; \
  HELD(h); \
  WITNESS_CHECK(e)

/* host.ts fence(): a write refused by the condition; standby at the lease's epoch, its log still its own epoch's */
#define FENCE \
  printf("t=%d host %d refused at v%d: fenced at epoch %d\n", clock, h, ver[h], sEpoch); \
  role[h] = S; fol[h] = ep[h]; ep[h] = (sEpoch > ep[h] -> sEpoch : ep[h]); \
  ver[h] = 0; left[h] = 0; rep[h] = 0; ackSeq[h] = 0; isrMaybe[h] = 0

/* validUntil - now once the write's answer is in: t0 + leaseMs - marginMs, t0 noted before the write */
#ifdef VALID_FROM_REPLY
#define VALIDITY (L - M)
#else
#define VALIDITY (since[h] < L - M -> L - M - since[h] : 0)
#endif

/*
 * A conditional write of the lease, by host h (DynamoDB applies it atomically), applied when it is
 * sent: applied later it would only start the standby's count later. It may be lost on the way, or
 * its answer lost (the writer gives up, not knowing); a refusal is taken at once (learning it later
 * is the same as writing later). A success's answer may wait in rsp[h] for any number of ticks.
 */
#define WRITE(cv, e, isr, refused) \
  if \
  :: (cv) == sVer -> \
       sHolder = h; sEpoch = e; sVer++; sIsr = (isr -> BIT(1 - h) : 0); \
       printf("t=%d host %d writes v%d: epoch %d, inSync %d\n", clock, h, sVer, sEpoch, sIsr); \
       if \
       :: rsp[h]!sEpoch, sVer \
       :: printf("t=%d   its answer is lost\n", clock) \
       fi \
  :: (cv) != sVer -> refused \
  :: printf("t=%d host %d: a write on v%d is lost\n", clock, h, cv) \
  fi

#ifdef NO_ACK_LEASE_CHECK
#define MAYACK 1
#else
#define MAYACK (left[h] > 0) /* mayAcknowledge(): now < validUntil */
#endif
#ifdef NO_ISR_SHRINK
#define UNREPLICATED_OK 1 /* the timeout path of ReplicationSource.wait() as it was: no lease write first */
#else
#define UNREPLICATED_OK (!isrMaybe[h])
#endif

/* the epoch a takeover writes: every change of holder raises it */
#ifdef SAME_EPOCH
#define NEXT_EPOCH ep[h]
#else
#define NEXT_EPOCH (ep[h] + 1)
#endif

/* a standby may take over the lease it reads: another host holds it and it is in inSync */
#ifdef NO_ISR_CHECK
#define ELIGIBLE (sHolder != h)
#else
#define ELIGIBLE (sHolder != h && (sIsr & BIT(h)) != 0)
#endif

/* MatchingHost.submit() of command c (host.ts): mayAcknowledge() at the start, then journaled */
#define TAKE(c) \
  :: atomic { role[h] == P && left[h] > 0 && (acked & BIT(c)) == 0 && (SET(lg[h]) & BIT(c)) == 0 -> \
       printf("t=%d host %d takes command %d\n", clock, h, c); \
       lg[h] = lg[h] | (c << (2 * LEN(lg[h]))) }

/* its ack, seq k: replicationGate.wait() let it through (confirmed, or the standby dropped), mayAcknowledge() again */
#define ACK(k) \
  :: atomic { role[h] == P && E(lg[h], k - 1) != 0 && (acked & BIT(E(lg[h], k - 1))) == 0 && MAYACK && \
              (rep[h] >= k || UNREPLICATED_OK) -> \
       printf("t=%d host %d acks command %d (seq %d, confirmed up to %d) at epoch %d\n", clock, h, E(lg[h], k - 1), k, rep[h], ep[h]); \
       assert(ackBy[ep[h]] == 0 || ackBy[ep[h]] == h + 1); /* (a) */ \
       assert(sHolder == h && sEpoch == ep[h]);             /* (c) */ \
       ackBy[ep[h]] = h + 1; \
       acked = acked | BIT(E(lg[h], k - 1)); \
       ackSeq[h] = (ackSeq[h] < k -> k : ackSeq[h]); \
       if \
       :: role[1 - h] == P && ep[1 - h] > ep[h] -> HELD(1 - h) /* (b) against a newer primary */ \
       :: else -> skip \
       fi }

proctype Host(byte h) {
  do
  /* ---------------- primary ---------------- */

  /*
   * LeaseKeeper.renew(): t0 now; the standby stays in (or goes back into) inSync only if it holds
   * everything acknowledged, or it is dropped (ReplicationSource: it did not confirm in time).
   */
  :: atomic { role[h] == P && empty(rsp[h]) && ver[h] < MAXVER ->
       if
       :: pendIsr[h] = 0
       :: rep[h] >= ackSeq[h] -> pendIsr[h] = 1
       fi;
#ifndef ISR_FROM_ANSWER
       isrMaybe[h] = isrMaybe[h] | pendIsr[h]; /* from now on, whether or not we learn the outcome */
#endif
       since[h] = 0;
       WRITE(ver[h], ep[h], pendIsr[h], FENCE);
       if
       :: empty(rsp[h]) -> pendIsr[h] = 0
       :: nempty(rsp[h]) -> skip
       fi }

  TAKE(1)
#if NCMD > 1
  TAKE(2)
#endif
#if NCMD > 2
  TAKE(3)
#endif
  ACK(1)
#if NCMD > 1
  ACK(2)
#endif
#if NCMD > 2
  ACK(3)
#endif

#ifdef REPL_CHANNELS
  /* ReplicationSource.ship(): the journal to the standby, stamped with our epoch (not sending it: lost) */
  :: atomic { role[h] == P && nfull(repl[1 - h]) -> repl[1 - h]!ep[h], lg[h] }

  /* ReplicationSource.handle(): the standby confirms what it holds of this epoch's history */
  :: atomic { rack[h]?he, hv ->
       if
       :: role[h] == P && he == ep[h] && hv > rep[h] ->
            printf("t=%d host %d: the standby confirms seq %d\n", clock, h, hv);
            rep[h] = hv
       :: else -> skip
       fi }
#else
  /*
   * ReplicationSource.handle(): the standby confirms what it holds of this epoch's history. Read
   * from the standby itself: a confirmation that arrives later is one not yet read.
   */
  :: atomic { role[h] == P && role[1 - h] == S && fol[1 - h] == ep[h] && LEN(lg[1 - h]) > rep[h] ->
       assert((lg[h] & MASK(LEN(lg[1 - h]))) == lg[1 - h]); /* (b): a prefix of ours */
       printf("t=%d host %d: the standby confirms seq %d\n", clock, h, LEN(lg[1 - h]));
       rep[h] = LEN(lg[1 - h]) }
#endif

  /* ---------------- standby ---------------- */

  /*
   * LeaseKeeper.asStandby(): read the lease. One step: a reply that arrives later only starts the count
   * later and shows an older version (a takeover on it is refused by the condition): never worse.
   */
  :: atomic { role[h] == S ->
       if
       :: sHolder == h && sEpoch > ep[h] -> PROMOTE(sEpoch, sVer, 0) /* our takeover applied, its answer lost: renew first */
       :: else ->
            ep[h] = (sEpoch > ep[h] -> sEpoch : ep[h]);
            if
            :: sVer != ver[h] ->
                 ver[h] = sVer; seenOk[h] = (ELIGIBLE -> 1 : 0);
                 printf("t=%d host %d reads v%d: holder %d, epoch %d, inSync %d\n", clock, h, sVer, sHolder, sEpoch, sIsr);
#ifdef COUNT_FROM_REQUEST
                 /* counted from when the read was sent, which may be any time before */
                 if
                 :: same[h] = 0
                 :: same[h] = WAIT - 1
                 :: same[h] = WAIT
                 fi
#else
                 same[h] = 0 /* a new version: count leaseMs from this reply */
#endif
            :: else -> skip
            fi
       fi }

  /* its takeover write: the same version for leaseMs, in its inSync, held by the other host */
  :: atomic { role[h] == S && empty(rsp[h]) && seenOk[h] && same[h] >= WAIT && ep[h] < MAXEP && ver[h] < MAXVER ->
       since[h] = 0;
       printf("t=%d host %d takes over\n", clock, h);
       WRITE(ver[h], NEXT_EPOCH, 0, printf("t=%d host %d: takeover refused\n", clock, h)) }

#ifdef REPL_CHANNELS
  /* Replica.apply(): a batch refused from an older epoch; a newer epoch's history replaces ours; confirmed */
  :: atomic { repl[h]?he, hv ->
       if
       :: role[h] == S && he >= ep[h] && (he > fol[h] || (hv & MASK(LEN(lg[h]))) == lg[h]) ->
            printf("t=%d host %d applies the primary's journal %d\n", clock, h, hv);
            ep[h] = he; fol[h] = he; lg[h] = hv;
            if
            :: nfull(rack[1 - h]) -> rack[1 - h]!he, LEN(hv)
            :: full(rack[1 - h]) -> skip /* the one before is still unread: this one is lost */
            fi
       :: else -> skip
       fi }
#else
  /*
   * Replica.apply(): a batch from the primary, refused from an older epoch; a newer epoch's history
   * replaces ours. Read from the primary itself: over one FIFO stream, resumed from our last seq,
   * a batch that arrives later only brings a shorter prefix later (or is refused by its epoch).
   */
  :: atomic { role[h] == S && role[1 - h] == P && ep[1 - h] >= ep[h] && (lg[h] != lg[1 - h] || fol[h] != ep[1 - h]) &&
              (ep[1 - h] > fol[h] || (lg[1 - h] & MASK(LEN(lg[h]))) == lg[h]) ->
       printf("t=%d host %d applies the primary's journal %d\n", clock, h, lg[1 - h]);
       ep[h] = ep[1 - h]; fol[h] = ep[h]; lg[h] = lg[1 - h] }
#endif

  /* ---------------- the answer to a write that succeeded ---------------- */

  :: atomic { rsp[h]?he, hv ->
       if
       :: role[h] == P ->
            /* renewed (or our takeover, already found by a read): the store's inSync is what we wrote */
            ver[h] = hv; left[h] = VALIDITY; isrMaybe[h] = pendIsr[h];
            printf("t=%d host %d: v%d written, may ack for %d ticks\n", clock, h, hv, left[h])
       :: role[h] == S -> PROMOTE(he, hv, VALIDITY) /* took over */
       fi;
       since[h] = 0; pendIsr[h] = 0 }
  od
}

/* timers of host x on a global tick (saturating where nothing depends on more) */
#define TICK(x) \
  if :: left[x] > 0 -> left[x]-- :: else -> skip fi; \
  if :: nempty(rsp[x]) && since[x] < L - M -> since[x]++ :: empty(rsp[x]) || since[x] >= L - M -> skip fi; \
  if :: role[x] == S && ver[x] != 0 && same[x] < WAIT -> same[x]++ :: else -> skip fi

proctype Clock() {
  do
  :: atomic { TICK(0); TICK(1); clock++; printf("t=%d\n", clock) }
  od
}

init {
  atomic {
    /* host 0 has just written version 1 (holder 0, epoch 1, inSync {1}); host 1 follows it */
    role[0] = P; ep[0] = 1; fol[0] = 1; ver[0] = 1; left[0] = L - M; isrMaybe[0] = 1;
    role[1] = S; ep[1] = 1; fol[1] = 1;
    run Host(0);
    run Host(1);
    run Clock()
  }
}
