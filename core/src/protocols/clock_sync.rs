//! Physical clocks: Cristian-style clock synchronization, and a last-writer-wins
//! register that trusts those clocks.
//!
//! **Synchronization** (Cristian 1989, "Probabilistic clock synchronization"; the
//! same exchange is the core of NTP, RFC 5905 §8). n0 is the time server. Every
//! `sync_every_us` a client sends a request stamped with its own clock, `t0`; the
//! server answers with its clock, `ts`; the reply arrives when the client's clock
//! reads `t1`. The server read its clock somewhere inside the round trip, so the
//! client guesses the middle:
//!
//! ```text
//! offset = ts + (t1 - t0) / 2 - t1        error bound = (t1 - t0) / 2
//! ```
//!
//! and from then on reads `synced = local clock + offset`. The bound is honest
//! whatever the delays: the true server time at `t1` lies between `ts` and
//! `ts + (t1 - t0)`. A long or lopsided round trip makes the guess worse, and
//! drift makes it stale until the next sync. A handler cannot set the
//! simulator's clock (nor read true time), so the correction lives in the
//! client's memory as `offset_us`; a crash forgets it until the next sync.
//!
//! **Last-writer-wins** (the conflict rule of Dynamo-style stores and Cassandra).
//! n0 is also a register store. Clients write `x` stamped with their synced
//! clock, and the store keeps the write with the largest stamp (ties broken by
//! node id). That is only right if the stamps order writes the way they really
//! happened. Here the writes form a causal chain: the client holding a token
//! writes, waits `write_gap_us`, and passes the token (carrying the next sequence
//! number) to the next client, which writes on receipt. So write #k+1 happens
//! after write #k (Lamport 1978, §2), and therefore also later in true time, by
//! at least `write_gap_us` plus one message delay. If the next client's clock lags
//! by more than that, its write gets the smaller stamp and LWW silently discards
//! it, though everyone would agree it is the newer value.
//!
//! **The invariant** `lww-lost-update` needs the true order of writes, which no
//! node can read from a clock. It uses the causal order instead: the store
//! remembers the write with the largest sequence number it has received and
//! reports a violation while the write it keeps has a smaller one. Sequence
//! numbers grow only along the token chain, and a client ignores a token it has
//! already acted on (the network may duplicate it), so the chain never forks and
//! a larger number always means a write made later. Lost or unreceived writes are
//! not counted: the store can only lose what it saw.

pub mod invariants;
pub mod schedules;

use crate::actor::{Ctx, Field, NodeRef, Protocol, Violation};
use crate::id::NodeId;
use crate::lab::Lab;
use crate::scenario::Scenario;
use crate::time::{LocalTime, SimDuration};
use serde::{Deserialize, Serialize};

/// The time server and register store: n0.
pub const SERVER: NodeId = NodeId(0);

/// Parameters of the clock-sync and last-writer-wins workload.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClockSyncParams {
    /// How often each client asks the time server, on its own clock; 0 never syncs (raw clocks).
    pub sync_every_us: u64,
    /// When n1 makes the first write, on its own clock after it boots.
    pub first_write_us: u64,
    /// How long a client waits after its write before passing the token on, on its own clock.
    pub write_gap_us: u64,
    /// Writes in all; the token stops after the last one.
    pub writes: u64,
}

impl Default for ClockSyncParams {
    fn default() -> Self {
        ClockSyncParams {
            sync_every_us: 200_000,
            first_write_us: 100_000,
            write_gap_us: 40_000,
            writes: 12,
        }
    }
}

impl ClockSyncParams {
    /// Checks the parameters, naming the bad one.
    pub fn validate(&self, nodes: u32) -> Result<(), String> {
        if !(2..=16).contains(&nodes) {
            return Err(format!(
                "clock-sync needs 2..=16 nodes (n0 serves, the rest are clients), not {nodes}"
            ));
        }
        if self.first_write_us == 0 || self.write_gap_us == 0 {
            return Err("first_write_us and write_gap_us must be more than 0".into());
        }
        if self.writes > 10_000 {
            return Err(format!("writes must be at most 10000, not {}", self.writes));
        }
        Ok(())
    }

    /// The client that makes the write after `me`'s: clients n1..n(N-1) take turns.
    fn next_client(me: NodeId, nodes: u32) -> NodeId {
        let clients = nodes.saturating_sub(1).max(1);
        NodeId(me.0 % clients + 1)
    }
}

/// A clock-sync cluster: n0 serves time and stores `x`; every other node syncs and writes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ClockSync {
    /// The workload.
    pub params: ClockSyncParams,
}

/// One write of the register, as the store sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StoredWrite {
    /// Position in the token chain: a larger number was written later.
    pub seq: u64,
    /// The value written (the write's sequence number, so `x = 3` is write #3).
    pub value: u64,
    /// The writer's synced clock when it wrote, in microseconds: LWW's timestamp.
    pub ts_us: i64,
    /// Who wrote it (breaks ties between equal stamps).
    pub writer: NodeId,
}

impl StoredWrite {
    /// The order LWW keeps writes by: stamp, then writer.
    fn lww_key(&self) -> (i64, NodeId) {
        (self.ts_us, self.writer)
    }
}

/// A message.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// Client to server: "what time is it? I asked at `t0_us` on my clock."
    TimeRequest {
        /// The client's own (uncorrected) clock when it asked.
        t0_us: i64,
    },
    /// Server to client: "my clock read `server_us` when your request stamped `t0_us` arrived."
    TimeReply {
        /// Echoed from the request, so the client needs no memory of it.
        t0_us: i64,
        /// The server's clock when it answered.
        server_us: i64,
    },
    /// Client to store: "set x = `value`, stamped `ts_us`."
    Write {
        /// Position in the token chain.
        seq: u64,
        /// The new value.
        value: u64,
        /// The writer's synced clock.
        ts_us: i64,
    },
    /// Client to client: "your turn: write number `seq`, which comes after mine."
    Token {
        /// The sequence number of the write to make.
        seq: u64,
    },
}

/// What a timer means.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// Time to ask the server for the time again.
    Sync,
    /// n1's first write.
    FirstWrite,
    /// The gap after write `seq` is over: pass the token on.
    PassToken {
        /// The write just made.
        seq: u64,
    },
}

/// Persisted: the store's register, and the last token each client acted on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Durable {
    /// Store: the write LWW keeps, if any.
    pub kept: Option<StoredWrite>,
    /// Store: the received write with the largest sequence number (the one made last).
    pub newest: Option<StoredWrite>,
    /// Store: writes received (duplicates included).
    pub writes_received: u64,
    /// Client: the largest sequence number this client has written, so a duplicated token is ignored.
    pub last_written: u64,
}

/// In memory: the client's clock correction, lost on a crash.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Volatile {
    /// Added to the local clock to estimate the server's: `synced = local + offset_us`.
    pub offset_us: i64,
    /// Half the round trip of the last sync: the estimate is within this of the server's clock then. `None` before the first sync.
    pub bound_us: Option<i64>,
    /// Syncs completed since boot.
    pub syncs: u64,
}

impl ClockSync {
    fn synced(v: &Volatile, ctx: &Ctx<'_, Self>) -> i64 {
        ctx.now().0.saturating_add(v.offset_us)
    }

    fn ask_time(&self, ctx: &mut Ctx<'_, Self>) {
        let t0_us = ctx.now().0;
        ctx.send(SERVER, Msg::TimeRequest { t0_us });
    }

    fn write(&self, d: &mut Durable, v: &Volatile, seq: u64, ctx: &mut Ctx<'_, Self>) {
        d.last_written = seq;
        let ts_us = Self::synced(v, ctx);
        ctx.note(format!("writes x = {seq} stamped {}", LocalTime(ts_us)));
        ctx.send(
            SERVER,
            Msg::Write {
                seq,
                value: seq,
                ts_us,
            },
        );
        if seq < self.params.writes {
            ctx.set_timer(
                SimDuration(self.params.write_gap_us),
                Timer::PassToken { seq },
            );
        }
    }

    fn store(&self, d: &mut Durable, from: NodeId, seq: u64, value: u64, ts_us: i64) -> bool {
        let w = StoredWrite {
            seq,
            value,
            ts_us,
            writer: from,
        };
        d.writes_received += 1;
        if d.newest.is_none_or(|n| seq > n.seq) {
            d.newest = Some(w);
        }
        let wins = d.kept.is_none_or(|k| w.lww_key() > k.lww_key());
        if wins {
            d.kept = Some(w);
        }
        wins
    }
}

impl Protocol for ClockSync {
    type Msg = Msg;
    type Timer = Timer;
    type Durable = Durable;
    type Volatile = Volatile;
    type Monitor = ();

    fn boot(&self, d: &mut Durable, ctx: &mut Ctx<'_, Self>) -> Volatile {
        if ctx.id() == SERVER {
            return Volatile::default();
        }
        if self.params.sync_every_us > 0 {
            self.ask_time(ctx);
            ctx.set_timer(SimDuration(self.params.sync_every_us), Timer::Sync);
        }
        // Only n1's first boot starts the chain; a restart must not fork it.
        if ctx.id() == NodeId(1) && d.last_written == 0 && self.params.writes > 0 {
            ctx.set_timer(SimDuration(self.params.first_write_us), Timer::FirstWrite);
        }
        Volatile::default()
    }

    fn on_message(
        &self,
        d: &mut Durable,
        v: &mut Volatile,
        from: NodeId,
        msg: Msg,
        ctx: &mut Ctx<'_, Self>,
    ) {
        match msg {
            Msg::TimeRequest { t0_us } => {
                if ctx.id() == SERVER {
                    let server_us = ctx.now().0;
                    ctx.send(from, Msg::TimeReply { t0_us, server_us });
                }
            }
            Msg::TimeReply { t0_us, server_us } => {
                // Cristian: the server read its clock somewhere in the round trip; guess the middle.
                // The bound rounds half the round trip up, so integer division never makes it a
                // microsecond too small.
                let t1_us = ctx.now().0;
                let rtt = t1_us.saturating_sub(t0_us).max(0);
                v.offset_us = server_us.saturating_add(rtt / 2).saturating_sub(t1_us);
                v.bound_us = Some((rtt + 1) / 2);
                v.syncs += 1;
                ctx.note(format!(
                    "synced: offset {} ± {}",
                    LocalTime(v.offset_us),
                    LocalTime((rtt + 1) / 2)
                ));
            }
            Msg::Write { seq, value, ts_us } => {
                if ctx.id() == SERVER && !self.store(d, from, seq, value, ts_us) {
                    ctx.note(format!(
                        "discards x = {value} from {from}: stamp {} is older than the kept one",
                        LocalTime(ts_us)
                    ));
                }
            }
            Msg::Token { seq } => {
                if ctx.id() != SERVER && seq > d.last_written {
                    self.write(d, v, seq, ctx);
                }
            }
        }
    }

    fn on_timer(&self, d: &mut Durable, v: &mut Volatile, timer: Timer, ctx: &mut Ctx<'_, Self>) {
        match timer {
            Timer::Sync => {
                self.ask_time(ctx);
                ctx.set_timer(SimDuration(self.params.sync_every_us), Timer::Sync);
            }
            Timer::FirstWrite => {
                if d.last_written == 0 {
                    self.write(d, v, 1, ctx);
                }
            }
            Timer::PassToken { seq } => {
                let next = ClockSyncParams::next_client(ctx.id(), ctx.cluster_size());
                if next == ctx.id() {
                    // The only client: the chain runs through its own memory.
                    self.write(d, v, seq + 1, ctx);
                } else {
                    ctx.send(next, Msg::Token { seq: seq + 1 });
                }
            }
        }
    }

    fn inspect(&self, id: NodeId, d: &Durable, v: Option<&Volatile>) -> Vec<Field> {
        if id == SERVER {
            let show = |w: Option<StoredWrite>| {
                w.map_or_else(
                    || "none".to_string(),
                    |w| {
                        format!(
                            "x = {} (write #{} by {}, stamped {})",
                            w.value,
                            w.seq,
                            w.writer,
                            LocalTime(w.ts_us)
                        )
                    },
                )
            };
            return vec![
                Field::new("role", "time server and store"),
                Field::new("kept by LWW (durable)", show(d.kept)),
                Field::new("newest write received", show(d.newest)),
                Field::new("writes received", d.writes_received),
            ];
        }
        let mut fields = vec![Field::new("role", "client")];
        if let Some(v) = v {
            match v.bound_us {
                Some(b) => {
                    fields.push(Field::new("clock correction", LocalTime(v.offset_us)));
                    fields.push(Field::new(
                        "error bound (half the round trip)",
                        LocalTime(b),
                    ));
                }
                None => fields.push(Field::new("clock correction", "not synced yet")),
            }
            fields.push(Field::new("syncs since boot", v.syncs));
        }
        fields.push(Field::new("last write made (durable)", d.last_written));
        fields
    }

    fn badge(&self, id: NodeId, d: &Durable, v: Option<&Volatile>) -> String {
        if id == SERVER {
            return d.kept.map_or_else(
                || "time · x unset".into(),
                |k| format!("time · x={}", k.value),
            );
        }
        match v.and_then(|v| v.bound_us.map(|b| (v.offset_us, b))) {
            Some((o, b)) => format!("{}±{}", LocalTime(o), LocalTime(b)),
            None => String::new(),
        }
    }

    fn has_invariants(&self) -> bool {
        true
    }

    /// No lost update under last-writer-wins ([`invariants::lww_lost_update`]).
    fn check(&self, _monitor: &mut (), nodes: &[NodeRef<'_, Self>]) -> Vec<Violation> {
        let Some(store) = nodes.iter().find(|n| n.id == SERVER) else {
            return Vec::new();
        };
        invariants::lww_lost_update(store.durable.kept, store.durable.newest)
            .into_iter()
            .collect()
    }
}

impl Lab for ClockSync {
    const NAME: &'static str = "clock-sync";
    type Params = ClockSyncParams;

    fn reference(params: &ClockSyncParams) -> Self {
        ClockSync {
            params: params.clone(),
        }
    }

    fn node_range(_: &ClockSyncParams) -> (u32, u32) {
        (2, 16)
    }

    fn validate(params: &ClockSyncParams, nodes: u32) -> Result<(), String> {
        params.validate(nodes)
    }

    fn golden_runs(seed: u64) -> Vec<Scenario> {
        vec![
            crate::protocols::clock_sync::schedules::lww_lost_write(seed),
            crate::protocols::clock_sync::schedules::lww_synced(seed),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::clock_sync::schedules::{lww_lost_write, lww_synced};
    use crate::SimOptions;

    #[test]
    fn a_lagging_writer_loses_its_later_write_to_lww() {
        for seed in 0..20 {
            let (o, _) = lww_lost_write(seed).run(SimOptions::default()).unwrap();
            assert!(
                o.violations
                    .iter()
                    .any(|v| v.invariant == "lww-lost-update"),
                "seed {seed}: {:?}",
                o.violations
            );
        }
    }

    #[test]
    fn synced_clocks_keep_every_causally_later_write() {
        for seed in 0..20 {
            let (o, r) = lww_synced(seed).run(SimOptions::default()).unwrap();
            assert!(o.violations.is_empty(), "seed {seed}: {:?}", o.violations);
            let store = &r.node_views()[0];
            assert!(
                store
                    .fields
                    .iter()
                    .any(|f| f.name.starts_with("kept") && f.value.starts_with("x = 6 ")),
                "seed {seed}: the last write wins: {:?}",
                store.fields
            );
        }
    }

    #[test]
    fn a_client_estimates_the_servers_clock_within_its_bound() {
        for seed in 0..20 {
            let s = lww_synced(seed);
            let (_, r) = s.run(SimOptions::default()).unwrap();
            let views = r.node_views();
            let server_skew = views[0].skew_us;
            for v in &views[1..] {
                let field = |name: &str| {
                    v.fields
                        .iter()
                        .find(|f| f.name.starts_with(name))
                        .map(|f| f.value.clone())
                        .unwrap_or_default()
                };
                assert!(field("clock correction").ends_with("ms"), "{:?}", v.fields);
                // The scenario's clocks do not drift, so the last estimate is still good now:
                // local + offset is within the bound of the server's clock.
                let offset = parse_ms(&field("clock correction"));
                let bound = parse_ms(&field("error bound"));
                let error = (v.skew_us + offset - server_skew).abs();
                assert!(
                    error <= bound,
                    "seed {seed} {}: error {error} > bound {bound}",
                    v.id
                );
            }
        }
    }

    fn parse_ms(text: &str) -> i64 {
        let t = text.trim_end_matches("ms");
        let (neg, t) = t.strip_prefix('-').map_or((false, t), |r| (true, r));
        let (ms, us) = t.split_once('.').unwrap_or((t, "0"));
        let v = ms.parse::<i64>().unwrap() * 1_000 + us.parse::<i64>().unwrap();
        if neg {
            -v
        } else {
            v
        }
    }

    #[test]
    fn a_duplicated_token_does_not_fork_the_chain() {
        let mut s = lww_synced(4);
        s.network.duplicate = crate::Ratio::percent(50);
        let (o, r) = s.run(SimOptions::default()).unwrap();
        assert!(o.violations.is_empty(), "{:?}", o.violations);
        let notes = r
            .trace()
            .events()
            .iter()
            .filter(|e| matches!(&e.kind, crate::EventKind::Note { text, .. } if text.starts_with("writes x")))
            .count();
        assert_eq!(notes, 6, "one write per sequence number");
    }

    #[test]
    fn next_client_cycles_through_the_clients_only() {
        let next = |n, size| ClockSyncParams::next_client(NodeId(n), size);
        assert_eq!(
            [next(1, 4), next(2, 4), next(3, 4)],
            [NodeId(2), NodeId(3), NodeId(1)]
        );
        assert_eq!(next(1, 2), NodeId(1));
    }
}
