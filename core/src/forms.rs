//! Two serde forms for one enum: tagged by a field in human-readable formats, by index in compact
//! ones.
//!
//! Lesson and scenario files write an enum as a table with a tag field, `{ kind = "crash", node =
//! 1 }`, which reads well and survives reordering. Share links, the embedded course and worker
//! messages use postcard, which cannot read tagged tables (they need a self-describing format) and
//! writes the variant's index instead: small, and quick to decode in the browser. [`two_forms!`]
//! declares the enum once and derives both forms from that declaration, choosing by
//! [`serde::Serializer::is_human_readable`], so no mirror type is ever written by hand.
//!
//! The compact form is positional: variants and fields are only ever appended (see
//! [`crate::share`] for what a link version promises).

/// Declares `pub enum $Name` with struct and unit variants, and serde impls that write it tagged by
/// `$tag` (kebab-case variant names, unknown fields refused) in human-readable formats and by
/// variant index in compact ones. Without the `authoring` feature (the page) every format gets
/// the compact form.
macro_rules! two_forms {
    (
        $(#[$attr:meta])*
        pub enum $Name:ident tagged $tag:literal {
            $(
                $(#[$vattr:meta])*
                $V:ident $({
                    $(
                        $(#[$fattr:meta])*
                        $f:ident : $t:ty
                    ),* $(,)?
                })?
            ),* $(,)?
        }
    ) => {
        $(#[$attr])*
        pub enum $Name {
            $(
                $(#[$vattr])*
                $V $({ $( $(#[$fattr])* $f: $t ),* })?,
            )*
        }

        const _: () = {
            use serde::{Deserialize, Deserializer, Serialize, Serializer};

            #[cfg(feature = "authoring")]
            #[derive(Serialize, Deserialize)]
            #[serde(tag = $tag, rename_all = "kebab-case", deny_unknown_fields)]
            enum Tagged {
                $($V $({ $($f: $t),* })?,)*
            }

            #[derive(Serialize, Deserialize)]
            #[serde(rename_all = "kebab-case", deny_unknown_fields)]
            enum Compact {
                $($V $({ $($f: $t),* })?,)*
            }

            impl Serialize for $Name {
                fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    #[cfg(feature = "authoring")]
                    if s.is_human_readable() {
                        return match self.clone() {
                            $($Name::$V $({ $($f),* })? => Tagged::$V $({ $($f),* })?,)*
                        }
                        .serialize(s);
                    }
                    match self.clone() {
                        $($Name::$V $({ $($f),* })? => Compact::$V $({ $($f),* })?,)*
                    }
                    .serialize(s)
                }
            }

            impl<'de> Deserialize<'de> for $Name {
                fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    #[cfg(feature = "authoring")]
                    if d.is_human_readable() {
                        return Ok(match Tagged::deserialize(d)? {
                            $(Tagged::$V $({ $($f),* })? => $Name::$V $({ $($f),* })?,)*
                        });
                    }
                    Ok(match Compact::deserialize(d)? {
                        $(Compact::$V $({ $($f),* })? => $Name::$V $({ $($f),* })?,)*
                    })
                }
            }
        };
    };
}
pub(crate) use two_forms;
