//! Sequential models of the objects Netsplit's lessons check, one file each.
//!
//! Each model's `Input` and `Output` types are also its JSON form in Porcupine-style
//! histories (serde's default, externally tagged enums; see [`crate::history::json`]):
//!
//! | model | inputs | outputs |
//! |---|---|---|
//! | [`Register`] | `"Read"`, `{"Write":3}` | `{"Read":3}`, `"Write"` |
//! | [`CasRegister`] | `"Read"`, `{"Write":3}`, `{"Cas":{"from":1,"to":2}}` | `{"Read":3}` or `{"Read":null}`, `"Write"`, `{"Cas":true}` |
//! | [`KeyValue`] | `{"Get":{"key":"x"}}`, `{"Put":{"key":"x","value":"a"}}`, `{"Append":{"key":"x","value":"b"}}` | `{"Get":"ab"}`, `"Put"`, `"Append"` |
//! | [`Set`] | `{"Add":3}`, `"Read"` | `"Add"`, `{"Read":[1,3]}` |
//! | [`Counter`] | `{"Increment":1}`, `"Read"` | `"Increment"`, `{"Read":7}` |
//! | [`Store`] | the simulator's [`crate::client::Input`] | [`crate::client::OpResult`] |
//!
//! [`Store`] is the model of a simulated run's own history ([`crate::sim::Sim::history`]).
//!
//! An output of `null` (or none) is an unknown outcome.

pub mod cas_register;
pub mod counter;
pub mod key_value;
pub mod register;
pub mod set;
pub mod store;

pub use cas_register::{CasInput, CasOutput, CasRegister};
pub use counter::{Counter, CounterInput, CounterOutput};
pub use key_value::{KeyValue, KvInput, KvOutput};
pub use register::{Register, RegisterInput, RegisterOutput};
pub use set::{Set, SetInput, SetOutput};
pub use store::{KeyState, Store};
