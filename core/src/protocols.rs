//! The protocols Netsplit can simulate. Each file teaches one idea.

pub mod heartbeat;
pub mod lamport;
pub mod two_generals;
