//! The protocols Netsplit can simulate. Each file teaches one idea.

pub mod heartbeat;
pub mod two_generals;
