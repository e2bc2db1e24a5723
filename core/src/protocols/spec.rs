//! [`ProtocolSpec`]: which protocol a scenario runs, with its parameters, generated from the
//! registry (`for_each_protocol!` in [`crate::protocols`]).
//!
//! It has two serde forms, read and written by the same type. A human-readable format (TOML in
//! lesson and scenario files, the command line's output) tags the parameters with the protocol's
//! name, `protocol = { name = "raft", heartbeat_us = 50_000 }`. A compact one (postcard: share
//! links, the embedded course, worker messages) writes the registry index and then the
//! parameters, which is small and quick to decode in the browser. The index is the entry's
//! position in the registry, so entries are only ever appended.

use crate::lab::Lab;
use crate::protocols::any::AnyProtocol;
use crate::scenario::Scenario;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A protocol of the registry, so code can name "the spec of protocol `P`" generically
/// ([`ProtocolSpec::of`]). Implemented by the registry for every entry.
pub trait Registered: Lab {
    /// Wraps parameters of this protocol as a [`ProtocolSpec`].
    fn spec(params: Self::Params) -> ProtocolSpec;
}

macro_rules! protocol_spec {
    ($($module:ident: $Type:ident),* $(,)?) => {
        /// Which protocol a scenario runs, with its parameters: one variant per registry entry.
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum ProtocolSpec {
            $(
                #[doc = concat!("The [`", stringify!($Type), "`](crate::protocols::", stringify!($module), ") protocol.")]
                $Type(<crate::protocols::$module::$Type as Lab>::Params),
            )*
        }

        $(
            impl Registered for crate::protocols::$module::$Type {
                fn spec(params: Self::Params) -> ProtocolSpec {
                    ProtocolSpec::$Type(params)
                }
            }
        )*

        impl ProtocolSpec {
            /// Every protocol's name, in registry order.
            pub const NAMES: &'static [&'static str] =
                &[$(<crate::protocols::$module::$Type as Lab>::NAME),*];

            /// The protocol's one name ([`Lab::NAME`]).
            pub fn name(&self) -> &'static str {
                match self {
                    $(ProtocolSpec::$Type(_) => <crate::protocols::$module::$Type as Lab>::NAME,)*
                }
            }

            /// The protocol, ready to run with its reference rules, behind the one type the page's
            /// simulator is built for ([`AnyProtocol`]).
            pub fn instantiate(&self) -> AnyProtocol {
                match self {
                    $(ProtocolSpec::$Type(p) => {
                        AnyProtocol::$Type(<crate::protocols::$module::$Type as Lab>::reference(p))
                    })*
                }
            }

            /// Every protocol with default parameters, in registry order.
            pub fn all_defaults() -> Vec<ProtocolSpec> {
                vec![$(ProtocolSpec::$Type(Default::default())),*]
            }

            /// The cluster sizes the protocol allows with these parameters.
            pub fn node_range(&self) -> (u32, u32) {
                match self {
                    $(ProtocolSpec::$Type(p) => <crate::protocols::$module::$Type as Lab>::node_range(p),)*
                }
            }

            /// Checks the parameters for a cluster of `nodes` nodes, naming what is wrong.
            pub fn validate(&self, nodes: u32) -> Result<(), String> {
                let (lo, hi) = self.node_range();
                if !(lo..=hi).contains(&nodes) {
                    return Err(format!("{} needs {lo}..={hi} nodes, not {nodes}", self.name()));
                }
                match self {
                    $(ProtocolSpec::$Type(p) => <crate::protocols::$module::$Type as Lab>::validate(p, nodes),)*
                }
            }

            /// The controls the page shows beside a live cluster ([`Lab::controls`]).
            pub fn controls(
                &self,
                nodes: u32,
                live: &[crate::fault::PlannedFault],
            ) -> Vec<crate::controls::Control> {
                match self {
                    $(ProtocolSpec::$Type(p) => <crate::protocols::$module::$Type as Lab>::controls(p, nodes, live),)*
                }
            }

            /// These parameters with control `id` set to `value`, or `None` if the protocol has no
            /// such control ([`Lab::set_control`]).
            pub fn with_control(&self, id: &str, value: u32) -> Option<ProtocolSpec> {
                let mut spec = self.clone();
                let known = match &mut spec {
                    $(ProtocolSpec::$Type(p) => <crate::protocols::$module::$Type as Lab>::set_control(p, id, value),)*
                };
                known.then_some(spec)
            }

            /// True if the page opens this protocol with the space-time diagram showing.
            pub fn opens_with_spacetime(&self) -> bool {
                match self {
                    $(ProtocolSpec::$Type(_) => <crate::protocols::$module::$Type as Lab>::OPENS_WITH_SPACETIME,)*
                }
            }

            /// Every protocol's golden runs ([`Lab::golden_runs`] of seeds `0..GOLDEN_SEEDS`), in
            /// registry order.
            pub fn golden_suites() -> Vec<Scenario> {
                let mut all = Vec::new();
                $(
                    for seed in 0..<crate::protocols::$module::$Type as Lab>::GOLDEN_SEEDS {
                        all.extend(<crate::protocols::$module::$Type as Lab>::golden_runs(seed));
                    }
                )*
                all
            }

            /// The golden runs of the protocol named `name` for one seed (any seed), or `None`
            /// for a name the registry does not have.
            pub fn golden_runs(name: &str, seed: u64) -> Option<Vec<Scenario>> {
                $(
                    if name == <crate::protocols::$module::$Type as Lab>::NAME {
                        return Some(<crate::protocols::$module::$Type as Lab>::golden_runs(seed));
                    }
                )*
                None
            }

            /// Every registered protocol's rule sets ([`Lab::RULE_SETS`]), in registry order.
            pub fn rule_sets() -> impl Iterator<Item = &'static crate::exercise::RuleSetInfo> {
                let all: [&'static [crate::exercise::RuleSetInfo]; ProtocolSpec::NAMES.len()] =
                    [$(<crate::protocols::$module::$Type as Lab>::RULE_SETS),*];
                all.into_iter().flatten()
            }

            /// Every registered protocol's measurements ([`Lab::MEASURES`]), in registry order.
            pub fn measures() -> impl Iterator<Item = &'static crate::measure::MeasureInfo> {
                let all: [&'static [crate::measure::MeasureInfo]; ProtocolSpec::NAMES.len()] =
                    [$(<crate::protocols::$module::$Type as Lab>::MEASURES),*];
                all.into_iter().flatten()
            }

            /// The parameters of protocol `P` as a spec.
            pub fn of<P: Registered>(params: P::Params) -> ProtocolSpec {
                P::spec(params)
            }
        }

        /// The human-readable form: tagged by `name`, as lessons and scenario files write it.
        #[cfg(feature = "authoring")]
        #[derive(Serialize, Deserialize)]
        #[serde(tag = "name", rename_all = "kebab-case")]
        enum Tagged {
            $($Type(<crate::protocols::$module::$Type as Lab>::Params),)*
        }

        /// The compact form: the registry index, then the parameters.
        #[derive(Serialize, Deserialize)]
        #[serde(rename = "ProtocolSpec", rename_all = "kebab-case")]
        enum Compact {
            $($Type(<crate::protocols::$module::$Type as Lab>::Params),)*
        }

        impl Serialize for ProtocolSpec {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                #[cfg(feature = "authoring")]
                if s.is_human_readable() {
                    return match self.clone() {
                        $(ProtocolSpec::$Type(p) => Tagged::$Type(p),)*
                    }
                    .serialize(s);
                }
                match self.clone() {
                    $(ProtocolSpec::$Type(p) => Compact::$Type(p),)*
                }
                .serialize(s)
            }
        }

        impl<'de> Deserialize<'de> for ProtocolSpec {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                #[cfg(feature = "authoring")]
                if d.is_human_readable() {
                    return Ok(match Tagged::deserialize(d)? {
                        $(Tagged::$Type(p) => ProtocolSpec::$Type(p),)*
                    });
                }
                Ok(match Compact::deserialize(d)? {
                    $(Compact::$Type(p) => ProtocolSpec::$Type(p),)*
                })
            }
        }
    };
}
super::for_each_protocol!(protocol_spec);

#[cfg(test)]
mod tests {
    use super::*;

    /// The scenario-file tag is the kebab-case of the registry entry; it must be the name too.
    #[cfg(feature = "authoring")]
    #[test]
    fn every_protocols_name_is_its_scenario_file_tag() {
        for spec in ProtocolSpec::all_defaults() {
            let text = toml::to_string(&spec).expect("serializes");
            let tag = text
                .lines()
                .find(|l| l.starts_with("name = "))
                .expect("tagged");
            assert_eq!(tag, format!("name = {:?}", spec.name()), "{text}");
        }
        assert_eq!(
            ProtocolSpec::NAMES.len(),
            ProtocolSpec::all_defaults().len()
        );
    }

    #[cfg(feature = "authoring")]
    #[test]
    fn every_protocol_round_trips_through_both_forms() {
        for spec in ProtocolSpec::all_defaults() {
            let text = toml::to_string(&spec).expect("toml");
            assert_eq!(toml::from_str::<ProtocolSpec>(&text).expect("reads"), spec);
            let bytes = postcard::to_allocvec(&spec).expect("postcard");
            assert_eq!(
                postcard::from_bytes::<ProtocolSpec>(&bytes).expect("reads"),
                spec
            );
        }
    }

    #[test]
    fn every_protocols_defaults_are_valid_at_the_smallest_cluster() {
        for spec in ProtocolSpec::all_defaults() {
            let (lo, hi) = spec.node_range();
            assert!(lo <= hi, "{}", spec.name());
            assert_eq!(spec.validate(lo), Ok(()), "{}", spec.name());
            assert!(spec.validate(hi + 1).is_err(), "{}", spec.name());
        }
    }

    /// A protocol file without its registry line would compile and be silently left out of
    /// scenarios, share links, the page and the golden runs.
    #[test]
    fn every_protocol_module_is_registered() {
        let shared = ["any", "logical_clock", "spec"];
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/protocols");
        let mut modules: Vec<String> = std::fs::read_dir(dir)
            .expect("protocols folder")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|f| f.strip_suffix(".rs").map(str::to_string))
            .filter(|m| !shared.contains(&m.as_str()))
            .collect();
        modules.sort();
        let mut registered: Vec<String> = ProtocolSpec::NAMES
            .iter()
            .map(|n| n.replace('-', "_"))
            .collect();
        registered.sort();
        assert_eq!(modules, registered);
    }

    /// A control the page draws must edit a parameter the protocol has, to a value it accepts,
    /// and a button must inject a fault that fits the cluster.
    #[test]
    fn every_protocols_controls_edit_its_parameters_and_fit_its_cluster() {
        use crate::controls::Control;
        let mut seen = 0;
        for spec in ProtocolSpec::all_defaults() {
            let (nodes, _) = spec.node_range();
            for control in spec.controls(nodes, &[]) {
                seen += 1;
                match control {
                    Control::Number {
                        id,
                        min,
                        max,
                        value,
                        ..
                    } => {
                        assert!(min <= value && value <= max, "{id}");
                        for v in [min, max] {
                            let edited = spec.with_control(&id, v).expect("a known control");
                            assert_eq!(edited.validate(nodes), Ok(()), "{id} = {v}");
                        }
                    }
                    Control::Toggle { id, on, .. } => {
                        let edited = spec.with_control(&id, u32::from(!on)).expect("known");
                        assert_ne!(edited, spec, "{id} changes something");
                        assert_eq!(edited.validate(nodes), Ok(()), "{id}");
                    }
                    Control::Button { id, fault, .. } => {
                        assert_eq!(fault.validate(nodes), Ok(()), "{id}");
                    }
                }
            }
            assert_eq!(spec.with_control("no-such-control", 1), None);
        }
        assert!(
            seen >= 3,
            "Raft's two controls and the two generals' rounds"
        );
    }
}
