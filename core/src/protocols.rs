//! The protocols Netsplit can simulate, each in its own folder, and the one list that registers
//! them.
//!
//! # Adding a protocol
//! Write `protocols/<name>.rs` (and `protocols/<name>/` for its parts): the [`crate::actor::Protocol`] the nodes
//! run and its [`crate::lab::Lab`] (name, parameters, reference instance, golden runs). Declare
//! the module (`pub mod <name>;`) and add one line to `for_each_protocol!`; a test fails if the
//! second is forgotten. Everything that lists protocols (the [`ProtocolSpec`] enum a
//! scenario holds and its two serde forms, [`any::AnyProtocol`] that the page's one simulator
//! runs, the playground's picker, the golden digests, the README check) is generated from that
//! list or iterates it.
//!
//! [`ProtocolSpec`]: spec::ProtocolSpec

/// The registry: every protocol once, as `module: Type`, in share-link order.
///
/// The position of an entry is its index in the compact form of a scenario (share links, the
/// embedded course): **append only**. Calls `$then!` with the list, so each consumer generates
/// its own code from the same entries (the module declarations below, [`spec::ProtocolSpec`],
/// [`any::AnyProtocol`]).
macro_rules! for_each_protocol {
    ($then:ident) => {
        $then! {
            two_generals: TwoGenerals,
            heartbeat: Heartbeat,
            lamport: Lamport,
            vector_clock: VectorClock,
            hlc: Hlc,
            clock_sync: ClockSync,
            raft: Raft,
            phi_accrual: PhiAccrual,
            flp: Flp,
        }
    };
}
pub(crate) use for_each_protocol;

// The protocol modules, declared by hand so that rustfmt and editors find their files; a test
// (`every_protocol_module_is_registered`) fails if one is missing from the list above.
pub mod clock_sync;
pub mod flp;
pub mod heartbeat;
pub mod hlc;
pub mod lamport;
pub mod phi_accrual;
pub mod raft;
pub mod two_generals;
pub mod vector_clock;

pub mod any;
pub mod logical_clock;
pub mod spec;
