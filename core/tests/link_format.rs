//! The compact form share links are made of stays readable by older links.
//!
//! postcard is positional, so a link made today decodes tomorrow only if every value it holds is
//! written the same way. `golden/link_format.txt` pins the bytes of every protocol's default
//! parameters, of one fault of every kind and of one input of every kind. New protocols and fault kinds append lines
//! (`NETSPLIT_BLESS=1` adds them); a changed line means old links would no longer open, or open
//! to another run.
#![cfg(feature = "authoring")]

use netsplit_core::client::Input;
use netsplit_core::share::LINK_VERSION;
use netsplit_core::{Fault, ProtocolSpec};

const GOLDEN: &str = "tests/golden/link_format.txt";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One line per pinned value: what it is, and its compact bytes.
fn lines() -> Vec<String> {
    let mut out = Vec::new();
    for spec in ProtocolSpec::all_defaults() {
        let bytes = postcard::to_allocvec(&spec).expect("compact");
        out.push(format!("protocol {} {}", spec.name(), hex(&bytes)));
    }
    for fault in Fault::examples() {
        let text = toml::to_string(&netsplit_core::PlannedFault {
            at_us: 0,
            fault: fault.clone(),
        })
        .expect("toml");
        let kind = text
            .lines()
            .find_map(|l| l.strip_prefix("kind = "))
            .expect("tagged")
            .trim_matches('"')
            .to_string();
        let bytes = postcard::to_allocvec(&fault).expect("compact");
        out.push(format!("fault {kind} {}", hex(&bytes)));
    }
    for input in Input::examples() {
        let text = toml::to_string(&input).expect("toml");
        let op = text
            .lines()
            .find_map(|l| l.strip_prefix("op = "))
            .expect("tagged")
            .trim_matches('"')
            .to_string();
        let bytes = postcard::to_allocvec(&input).expect("compact");
        out.push(format!("input {op} {}", hex(&bytes)));
    }
    out
}

#[test]
fn every_pinned_value_of_the_link_format_is_written_as_before() {
    let now = lines();
    let golden = std::fs::read_to_string(GOLDEN).unwrap_or_default();
    let pinned: Vec<&str> = golden.lines().filter(|l| !l.starts_with('#')).collect();
    for line in &pinned {
        let name = line.rsplit_once(' ').map_or(*line, |(n, _)| n);
        let current = now
            .iter()
            .find(|l| l.rsplit_once(' ').map(|(n, _)| n) == Some(name));
        assert_eq!(
            current.map(String::as_str),
            Some(*line),
            "the compact form of `{name}` changed, so share links already made would not open, or \
             would open to another run. Append new fields and variants only; if the change cannot \
             be an append, move LINK_VERSION on from '{LINK_VERSION}' and keep a decoder for the old format"
        );
    }
    let new: Vec<&String> = now
        .iter()
        .filter(|l| {
            !pinned
                .iter()
                .any(|p| p.rsplit_once(' ').map(|(n, _)| n) == l.rsplit_once(' ').map(|(n, _)| n))
        })
        .collect();
    if std::env::var_os("NETSPLIT_BLESS").is_some() {
        let mut text = if golden.is_empty() {
            format!(
                "# The compact (postcard) bytes of every protocol's defaults and of one fault of every kind,\n\
                 # link format '{LINK_VERSION}'. Lines are only ever appended (NETSPLIT_BLESS=1 cargo test -p netsplit-core --features authoring --test link_format).\n"
            )
        } else {
            golden.clone()
        };
        for l in &new {
            text.push_str(l);
            text.push('\n');
        }
        std::fs::write(GOLDEN, text).expect("write golden");
        return;
    }
    assert!(
        new.is_empty(),
        "new protocols or fault kinds: pin them with NETSPLIT_BLESS=1 cargo test -p netsplit-core --features authoring --test link_format: {new:?}"
    );
}
