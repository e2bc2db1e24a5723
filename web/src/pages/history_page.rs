//! The history checker's page (`#/check`): "check your own history" ([`HistoryCheck`]), with
//! what the checker reads and where the examples come from.

use crate::history_check::HistoryCheck;
use yew::prelude::*;

/// The page.
#[function_component(HistoryPage)]
pub fn history_page() -> Html {
    html! {
        <main id="main" class="page">
            <h1>{"Check a history"}</h1>
            <p>{"Is a history linearizable? Give the checker the operations clients performed on a shared object, each with its call and its return, and it looks for one order of them all that respects real time (an operation that returned before another was called comes first) and the object's rules (a read returns the last write before it). It reads Porcupine's JSON (a register, a compare-and-set register or a key-value store), Jepsen's EDN of a key-value store, and Jepsen's etcd logs; the examples are Porcupine's own test histories, recorded by Jepsen against etcd. It runs in a worker of its own, so a hard history never stops the page."}</p>
            <HistoryCheck />
        </main>
    }
}
