//! # netsplit-core
//!
//! A deterministic simulator of small clusters, for teaching distributed systems.
//!
//! A [`Protocol`] says what each node does when it boots, receives a message
//! or sees a timer fire. Handlers only *emit effects* through [`Ctx`] (send,
//! broadcast, set a timer, note something); the [`Sim`] applies them. The
//! network loses, duplicates and delays messages and can be partitioned; nodes
//! crash (losing their `Volatile` state but keeping their `Durable` state) and
//! restart; clocks skew and drift. All randomness comes from one required seed,
//! so a [`Scenario`] and its seed always give the same [`Trace`] and digest,
//! natively and in the browser.
//!
//! ```
//! use netsplit_core::{Scenario, SimOptions};
//!
//! let scenario: Scenario = toml_like();
//! let (first, _) = scenario.run(SimOptions::default()).unwrap();
//! let (again, _) = scenario.run(SimOptions::default()).unwrap();
//! assert_eq!(first.digest, again.digest); // same seed, same run
//! assert!(first.steps > 0);
//! # fn toml_like() -> Scenario {
//! #     use netsplit_core::{ProtocolSpec, protocols::heartbeat::Heartbeat, NetConfig};
//! #     Scenario { protocol: ProtocolSpec::Heartbeat(Heartbeat::default()), nodes: 3, seed: 42,
//! #         network: NetConfig::default(), clocks: vec![], faults: vec![], duration_us: 500_000, max_steps: 10_000 }
//! # }
//! ```

pub mod actor;
pub mod adversary;
pub mod bench;
pub mod causality;
pub mod check;
pub mod client;
pub mod clock;
pub mod controls;
pub mod exercise;
pub mod fault;
mod forms;
pub mod frame;
#[cfg(feature = "grader")]
pub mod grade;
pub mod history;
pub mod id;
pub mod lab;
pub mod lab_host;
pub mod live;
pub mod measure;
pub mod net;
pub mod panels;
pub mod protocols;
mod queue;
pub mod replay;
pub mod rng;
pub mod scenario;
pub mod schedules;
pub mod session;
pub mod share;
pub mod sim;
pub mod time;
pub mod trace;

pub use actor::{Ctx, Field, LogCell, LogView, NodeRef, Protocol, Violation};
pub use clock::ClockSetting;
pub use controls::{Control, NodeAction};
pub use fault::{random_plan, Fault, NemesisConfig, PlannedFault};
pub use id::{MsgId, NodeId, TimerId};
pub use lab::Lab;
pub use net::{NetConfig, Network};
pub use rng::{Ratio, Rng};
pub use scenario::{Outcome, ProtocolSpec, Runner, Scenario};
pub use sim::{InFlight, NodeView, Sim, SimOptions};
pub use time::{LocalTime, SimDuration, SimTime};
pub use trace::{DropReason, EventKind, Stamp, Trace, TraceEvent};
