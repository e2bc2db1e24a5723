//! A corpus of hostile and broken solutions to the Lamport exercise (`tick(clock)`,
//! `receive(clock, msg_time)`): each must be stopped with a message that names what stopped it,
//! quickly, while the grader stays usable. The tests grade every one; `netsplit bench` times them.

/// `(name, code, text the message must contain)`.
pub type HostileScript = (&'static str, String, &'static str);

/// The right `receive`, to pair with a hostile `tick` (and the other way round).
const RECEIVE: &str = "fn receive(clock, msg_time) { max(clock, msg_time) + 1 }";
/// The right `tick`.
const TICK: &str = "fn tick(clock) { clock + 1 }";

/// A solution whose `tick` has `body`.
fn tick(body: &str) -> String {
    format!("fn tick(clock) {{ {body} }}\n{RECEIVE}")
}

/// Every hostile script, in a fixed order.
pub fn corpus() -> Vec<HostileScript> {
    const PER_CALL: &str = "one call may run";
    const NESTED: &str = "nested calls";
    const TOO_LARGE: &str = "grew too large";
    let nested_parens = format!("{}1{}", "(".repeat(400), ")".repeat(400));
    vec![
        // Loops that never end, in every spelling.
        ("loop", tick("loop { } clock"), PER_CALL),
        ("while true", tick("while true { } clock"), PER_CALL),
        ("do while", tick("do { } while true; clock"), PER_CALL),
        ("do until", tick("do { } until false; clock"), PER_CALL),
        ("a billion-step range", tick("let s = 0; for i in 0..1000000000 { s += i; } s"), PER_CALL),
        ("a loop that counts forever", tick("let n = clock; while n >= clock { n += 1; } n"), PER_CALL),
        ("a loop of throws caught", tick("loop { try { throw 1; } catch { } } clock"), PER_CALL),
        ("a caught endless loop", tick("try { loop { } } catch { } clock + 1"), PER_CALL),
        ("a sort whose comparator never returns", tick("let a = [3, 1, 2]; a.sort(|x, y| { loop { } }); clock + 1"), PER_CALL),
        ("a print flood", tick("loop { print(\"again\"); } clock"), PER_CALL),
        ("a debug flood", tick("loop { debug(clock); } clock"), PER_CALL),
        ("a loop in receive", format!("{TICK}\nfn receive(clock, msg_time) {{ while clock < msg_time + 1000000000 {{ clock += 1; }} clock }}"), PER_CALL),
        // Recursion.
        ("recursion", "fn tick(clock) { tick(clock) }\nfn receive(clock, msg_time) { tick(clock) }".into(), NESTED),
        ("mutual recursion", format!("fn a(x) {{ b(x) }}\nfn b(x) {{ a(x) }}\nfn tick(clock) {{ a(clock) }}\n{RECEIVE}"), NESTED),
        ("recursion through a function pointer", tick("let f = Fn(\"tick\"); f.call(clock)"), NESTED),
        ("deep but finite recursion", format!("fn down(n) {{ if n == 0 {{ 0 }} else {{ 1 + down(n - 1) }} }}\nfn tick(clock) {{ down(1000) + clock }}\n{RECEIVE}"), NESTED),
        // Growth.
        ("a string that doubles", tick("let s = \"x\"; loop { s += s; } clock"), TOO_LARGE),
        ("an array that grows", tick("let a = []; loop { a.push(1); } clock"), TOO_LARGE),
        ("a map that grows past its cap", tick("let m = #{}; for i in 0..300 { m[`k${i}`] = i; } clock + m.len()"), TOO_LARGE),
        // Rhai checks a map's size when the map is next used, so one that only grows meets the
        // call's cap instead (and its memory is bounded by the operations it may run).
        ("a map that grows forever", tick("let m = #{}; let i = 0; loop { m[`k${i}`] = i; i += 1; } clock"), PER_CALL),
        ("a nested-array bomb", tick("let a = [1]; loop { a = [a, a]; } clock"), TOO_LARGE),
        ("a padded string", tick("let s = \"\"; s.pad(100000, \"y\"); clock"), TOO_LARGE),
        ("a padded array", tick("let a = []; a.pad(100000, 0); clock"), TOO_LARGE),
        // Sources the grader refuses before compiling.
        ("a 1 MB source", format!("{TICK}\n{RECEIVE}\n{}", "// padding\n".repeat(100_000)), "more than the 64 KB"),
        ("1,000 dead functions", format!("{TICK}\n{RECEIVE}\n{}", (0..1000).map(|i| format!("fn dead{i}() {{ {i} }}\n")).collect::<String>()), "functions, more than the 64"),
        ("2,000 variables", format!("{}{TICK}\n{RECEIVE}", (0..2000).map(|i| format!("let v{i} = {i};\n")).collect::<String>()), "variables and constants, more than the 512"),
        ("a byte-order mark", format!("\u{feff}{TICK}\n{RECEIVE}"), "byte-order mark"),
        ("a NUL byte", format!("{TICK}\0\n{RECEIVE}"), "NUL byte"),
        ("random bytes", "\u{1}\u{7f}\u{2}q\u{3}~\u{5}".into(), "syntax error"),
        ("a decimal number", tick("clock + 1.0"), "decimal number"),
        ("an expression nested 400 deep", tick(&nested_parens), "syntax error"),
        ("a long string literal", tick(&format!("let s = \"{}\"; clock + 1", "z".repeat(5000))), "syntax error"),
        // Broken code.
        ("an unclosed brace", "fn tick(clock) { clock + 1\nfn receive(clock, msg_time) { clock }".into(), "syntax error"),
        ("a wrong name", format!("fn tock(clock) {{ clock + 1 }}\n{RECEIVE}"), "missing function: define `fn tick(clock)`"),
        ("a wrong arity", format!("fn tick(clock, extra) {{ clock + 1 }}\n{RECEIVE}"), "takes 2 parameters here"),
        ("a text result", tick("\"later\""), "returned \"later\""),
        ("no result", tick("return;"), "not a number"),
        ("a thrown error", tick("throw \"boom\""), "boom"),
        ("sleeping", tick("sleep(1000); clock + 1"), "`sleep` is not available"),
        ("an unknown function", tick("wait(1000); clock + 1"), "calls `wait"),
        ("the wall clock", tick("timestamp()"), "calls `timestamp"),
        ("a top-level constant", format!("const STEP = 1;\nfn tick(clock) {{ clock + STEP }}\n{RECEIVE}"), "defined outside every function"),
        ("an undefined variable", tick("clock + step"), "Undefined variable"),
        // Escapes.
        ("eval", tick("eval(\"clock + 1\")"), "syntax error"),
        ("eval spelled as a call on a pointer", tick("Fn(\"eval\").call(\"clock + 1\")"), "eval"),
        ("import", format!("import \"os\" as os;\n{TICK}\n{RECEIVE}"), "syntax error"),
        ("import inside a function", tick("import \"os\" as os; clock + 1"), "syntax error"),
    ]
}

#[cfg(test)]
mod tests {
    use super::corpus;

    #[test]
    fn the_corpus_has_at_least_forty_scripts_with_distinct_names() {
        let all = corpus();
        assert!(all.len() >= 40, "{}", all.len());
        let mut names: Vec<&str> = all.iter().map(|(n, _, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len());
    }
}
