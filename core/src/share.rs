//! Share links: a scenario (protocol, cluster, seed, network, clocks and fault plan) and,
//! optionally, a learner's exercise code, packed into a short URL-safe string that reopens the
//! exact run.
//!
//! The text is a version letter and base64url of the postcard bytes followed by a 32-bit check
//! of them. Decoding never panics: a truncated, altered or hand-made link gets a [`LinkError`]
//! that says what is wrong, and a scenario that decodes but is not valid is refused too.

use crate::scenario::Scenario;
use crate::trace::stable_hash;
use serde::{Deserialize, Serialize};

/// The version letter links of this format start with.
///
/// The compact form is positional (postcard): a value is its fields in order and an enum variant
/// its index, so protocols, fault kinds and parameter fields are only ever appended, and
/// `core/tests/golden/link_format.txt` pins the bytes of every protocol's defaults and of every
/// fault kind. A change that cannot be an append (a field removed, reordered or retyped) must
/// move this letter on and keep a decoder for the old format, so that links already shared still
/// open (`core/tests/golden/links.txt` holds links that must open to the same runs forever).
pub const LINK_VERSION: char = 'a';
/// The longest link text accepted (a URL fragment this long is already unwieldy).
pub const MAX_LINK_CHARS: usize = 16 * 1024;

/// A learner's code for an exercise, carried by a link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedCode {
    /// The exercise id.
    pub exercise: String,
    /// The code.
    pub code: String,
}

/// What a link reopens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedRun {
    /// The run: replaying it gives the same trace.
    pub scenario: Scenario,
    /// Exercise code to load, if the link carries some.
    pub code: Option<SharedCode>,
}

/// Why a link could not be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// Empty or longer than [`MAX_LINK_CHARS`].
    Length(usize),
    /// Not a Netsplit link (or made by a version of Netsplit too old to know).
    Version,
    /// Made by a newer version of Netsplit, whose link format (the letter) this one cannot read.
    NewerVersion(char),
    /// Characters outside base64url, or cut short.
    Encoding,
    /// The check does not match: the link was altered or cut.
    Tampered,
    /// The bytes are not a run.
    Malformed(String),
    /// A run, but not one that can be played.
    Invalid(String),
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkError::Length(0) => write!(f, "the link is empty"),
            LinkError::Length(n) => write!(
                f,
                "the link is {n} characters long; at most {MAX_LINK_CHARS} are read"
            ),
            LinkError::Version => write!(
                f,
                "this link was made by another version of Netsplit, or is not a Netsplit link"
            ),
            LinkError::NewerVersion(v) => write!(
                f,
                "this link was made by a newer version of Netsplit (link format '{v}'; this page reads '{LINK_VERSION}' and older): reload the page to get the newest version"
            ),
            LinkError::Encoding => write!(
                f,
                "the link has characters that do not belong in it, or was cut short"
            ),
            LinkError::Tampered => {
                write!(f, "the link was altered or cut (its check does not match)")
            }
            LinkError::Malformed(e) => write!(f, "the link does not hold a run ({e})"),
            LinkError::Invalid(e) => write!(f, "the link's run cannot be played: {e}"),
        }
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 3);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..chunk.len() + 1 {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * k) & 63) as usize]));
        }
    }
    out
}

fn from_base64url(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| ALPHABET.iter().position(|a| *a == c).map(|v| v as u32);
    let bytes = text.as_bytes();
    if bytes.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (k, c) in chunk.iter().enumerate() {
            n |= value(*c)? << (18 - 6 * k);
        }
        for k in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * k)) as u8);
        }
    }
    Some(out)
}

/// The 32-bit check appended to a link's bytes.
fn check(bytes: &[u8]) -> [u8; 4] {
    (stable_hash(bytes) as u32).to_le_bytes()
}

/// Packs a run into link text (URL-safe, no padding).
pub fn encode_link(run: &SharedRun) -> String {
    let mut bytes = postcard::to_allocvec(run).unwrap_or_default();
    let sum = check(&bytes);
    bytes.extend_from_slice(&sum);
    let mut out = String::from(LINK_VERSION);
    out.push_str(&base64url(&bytes));
    out
}

/// Opens link text made by [`encode_link`].
pub fn decode_link(text: &str) -> Result<SharedRun, LinkError> {
    let text = text.trim();
    if text.is_empty() || text.len() > MAX_LINK_CHARS {
        return Err(LinkError::Length(text.len()));
    }
    let body = match text.chars().next() {
        Some(LINK_VERSION) => &text[1..],
        Some(v) if v.is_ascii_lowercase() && v > LINK_VERSION => {
            return Err(LinkError::NewerVersion(v))
        }
        _ => return Err(LinkError::Version),
    };
    let mut bytes = from_base64url(body).ok_or(LinkError::Encoding)?;
    if bytes.len() < 4 {
        return Err(LinkError::Encoding);
    }
    let sum = bytes.split_off(bytes.len() - 4);
    if sum != check(&bytes) {
        return Err(LinkError::Tampered);
    }
    let (run, rest): (SharedRun, &[u8]) =
        postcard::take_from_bytes(&bytes).map_err(|e| LinkError::Malformed(e.to_string()))?;
    if !rest.is_empty() {
        return Err(LinkError::Malformed(format!(
            "{} bytes left over",
            rest.len()
        )));
    }
    run.scenario.validate().map_err(LinkError::Invalid)?;
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fault::{random_plan, NemesisConfig};
    use crate::rng::{Ratio, Rng};
    use crate::scenario::ProtocolSpec;
    use crate::SimOptions;

    fn digest(s: &Scenario) -> String {
        let (_, r) = s.run(SimOptions::default()).expect("runs");
        r.trace().digest()
    }

    #[test]
    fn base64url_round_trips_every_length() {
        for n in 0..40u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37).wrapping_add(n)).collect();
            assert_eq!(from_base64url(&base64url(&bytes)), Some(bytes));
        }
    }

    /// Every scenario of the determinism suite, with extra random fault plans and code, comes back
    /// equal and replays to the same digest.
    #[test]
    fn a_link_reopens_the_same_run() {
        let mut rng = Rng::stream(7, 0x5A4E);
        let suite = ProtocolSpec::golden_suites()
            .into_iter()
            .filter(|s| s.seed < 2);
        for (k, mut s) in suite.enumerate() {
            let cfg = NemesisConfig {
                nodes: s.nodes,
                horizon_us: 500_000,
                faults: 4,
                max_drop: Ratio::percent(30),
            };
            s.faults.extend(random_plan(&mut rng, &cfg));
            s.faults.sort_by_key(|f| f.at_us);
            s.duration_us = s.duration_us.min(1_000_000);
            let run = SharedRun {
                scenario: s.clone(),
                code: (k % 2 == 0).then(|| SharedCode {
                    exercise: "raft-vote".into(),
                    code: "fn grant_vote(a) {\n  a > 1 // é\n}".into(),
                }),
            };
            let text = encode_link(&run);
            assert!(text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
            let back = decode_link(&text).expect("opens");
            assert_eq!(back, run);
            assert_eq!(digest(&back.scenario), digest(&s), "{}", s.protocol.name());
        }
    }

    #[test]
    fn links_are_compact() {
        let s = crate::protocols::heartbeat::schedules::heartbeat_under_nemesis(3);
        let text = encode_link(&SharedRun {
            scenario: s.clone(),
            code: None,
        });
        assert!(
            text.len() < 40 + 16 * s.faults.len(),
            "{} chars for {} faults",
            text.len(),
            s.faults.len()
        );
    }

    #[test]
    fn an_altered_or_cut_link_is_refused_with_a_reason() {
        let run = SharedRun {
            scenario: crate::protocols::two_generals::schedules::lossy_generals(1),
            code: None,
        };
        let text = encode_link(&run);
        let mut chars: Vec<char> = text.chars().collect();
        let mid = chars.len() / 2;
        chars[mid] = if chars[mid] == 'A' { 'B' } else { 'A' };
        let altered: String = chars.into_iter().collect();
        assert_eq!(decode_link(&altered), Err(LinkError::Tampered));
        assert_eq!(
            decode_link(&text[..text.len() - 3]),
            Err(LinkError::Tampered)
        );
        assert_eq!(decode_link("zzz"), Err(LinkError::NewerVersion('z')));
        assert_eq!(decode_link("Zzz"), Err(LinkError::Version));
        assert!(LinkError::NewerVersion('c')
            .to_string()
            .contains("newer version of Netsplit"));
        assert_eq!(decode_link("a$$$"), Err(LinkError::Encoding));
        assert_eq!(decode_link(""), Err(LinkError::Length(0)));
        // A well-formed link whose run is not playable (0 nodes) is refused as invalid.
        let mut bad = run.clone();
        bad.scenario.nodes = 0;
        assert!(matches!(
            decode_link(&encode_link(&bad)),
            Err(LinkError::Invalid(_))
        ));
        let mut raft = run;
        raft.scenario.protocol = ProtocolSpec::Raft(Default::default());
        raft.scenario.nodes = 99;
        assert!(matches!(
            decode_link(&encode_link(&raft)),
            Err(LinkError::Invalid(_))
        ));
    }

    /// Seeded garbage, and valid links with random bytes changed, never panic.
    #[test]
    fn garbage_never_panics() {
        let mut rng = Rng::stream(11, 0xF422);
        let good = encode_link(&SharedRun {
            scenario: crate::protocols::two_generals::schedules::lossy_generals(2),
            code: None,
        });
        let alphabet: Vec<char> = "aAbZz09-_$%é ".chars().collect();
        for _ in 0..5_000 {
            let len = rng.below(120);
            let junk: String = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len() as u64) as usize])
                .collect();
            let _ = decode_link(&junk);
            // A valid link with its check recomputed over altered bytes reaches the decoder.
            let mut bytes = from_base64url(&good[1..]).unwrap();
            bytes.truncate(bytes.len() - 4);
            for _ in 0..1 + rng.below(4) {
                let i = rng.below(bytes.len() as u64) as usize;
                bytes[i] = rng.below(256) as u8;
            }
            let sum = check(&bytes);
            bytes.extend_from_slice(&sum);
            let _ = decode_link(&format!("{LINK_VERSION}{}", base64url(&bytes)));
        }
    }
}
