//! The README stays true to the registry: it names every protocol a scenario file can use.

use netsplit_core::ProtocolSpec;

const README: &str = include_str!("../../README.md");

#[test]
fn the_readme_lists_every_registered_protocol_by_its_scenario_file_name() {
    let start = README
        .find("Protocols: ")
        .expect("README's lesson guide has a `Protocols:` list");
    let list = &README[start..];
    let list = &list[..list.find("\n3. ").unwrap_or(list.len())];
    for name in ProtocolSpec::NAMES {
        assert!(
            list.contains(&format!("`{name}`")),
            "README's protocol list does not name `{name}`: {list}"
        );
    }
}
