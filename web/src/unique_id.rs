//! Ids unique in the page, for what one component instance points at inside itself (an SVG
//! marker, an `aria-describedby` target): two instances on one page must not share an id.

use std::cell::Cell;
use yew::prelude::*;

thread_local! {
    static NEXT: Cell<u64> = const { Cell::new(0) };
}

/// An id `"{prefix}-{n}"` fixed for the life of the component and different from every other
/// instance's.
#[hook]
pub fn use_unique_id(prefix: &'static str) -> AttrValue {
    let id = use_state(|| {
        let n = NEXT.with(|c| {
            let n = c.get();
            c.set(n + 1);
            n
        });
        AttrValue::from(format!("{prefix}-{n}"))
    });
    (*id).clone()
}
