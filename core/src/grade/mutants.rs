//! Mutants of a solution: small, plausible mistakes made to a reference, one at a time, so that a
//! grader can be shown to reject each (a mutant it accepts is a mistake a learner could make and
//! be told they were right).
//!
//! The operators are the classic ones of mutation testing (Offutt et al., "An Experimental
//! Determination of Sufficient Mutant Operators", 1996), on Rhai source text:
//! - a comparison swapped with its neighbours (`<` with `<=` and `>`, `==` with `!=`);
//! - `+ 1` or `- 1` dropped, or added after a value; `+` swapped with `-`;
//! - an integer constant replaced by 0, by 1, or by its neighbours;
//! - a branch removed: the condition of an `if` made `true` or `false`, a `while` made `false`, a
//!   final `else` removed, one operand of `&&` or `||` dropped, `&&` swapped with `||`, a `!`
//!   dropped;
//! - `max` swapped with `min`;
//! - two adjacent arguments of a call swapped;
//! - an early `return` removed, a counting statement (`x += e;`) removed.
//!
//! Each mutant has an id naming its line, column and change (`"7:21 \`>\` → \`>=\`"`), stable as
//! long as the reference is not edited, which is how an exercise lists the mutants that are
//! equivalent to it (they compute the same function, so no test can reject them).

/// One mutant of a source text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mutant {
    /// Where and what: `"line:column change"`, e.g. ``"7:21 `>` → `>=`"``.
    pub id: String,
    /// The line changed (1-based).
    pub line: u32,
    /// The whole mutated source.
    pub source: String,
}

impl Mutant {
    /// The changed line as it reads in the mutant (for a report).
    pub fn changed_line(&self) -> &str {
        self.source
            .lines()
            .nth(self.line.saturating_sub(1) as usize)
            .unwrap_or("")
            .trim()
    }
}

use super::lex::{lex, Kind, Tok};

const KEYWORDS: &[&str] = &[
    "let", "const", "fn", "if", "else", "while", "for", "in", "loop", "return", "break",
    "continue", "true", "false", "throw", "try", "catch", "switch", "do", "until", "private",
    "import", "export", "as", "global", "this",
];

const ASSIGNMENTS: &[&str] = &[
    "=", "+=", "-=", "*=", "/=", "%=", "**=", "<<=", ">>=", "&=", "|=", "^=",
];

fn is_open(t: &str) -> bool {
    matches!(t, "(" | "[" | "{")
}

fn is_close(t: &str) -> bool {
    matches!(t, ")" | "]" | "}")
}

/// Walks `toks` from `from` with the bracket depth after each token (an opening bracket counts
/// up, a closing one down) until `stop` answers.
fn walk<R>(
    toks: &[Tok<'_>],
    from: usize,
    mut stop: impl FnMut(usize, &Tok<'_>, i64) -> Option<R>,
) -> Option<R> {
    let mut depth = 0i64;
    for (k, t) in toks.iter().enumerate().skip(from) {
        if is_open(t.text) {
            depth += 1;
        } else if is_close(t.text) {
            depth -= 1;
        }
        if let Some(r) = stop(k, t, depth) {
            return Some(r);
        }
    }
    None
}

/// The index of the token that closes the bracket opened at `open`, if any.
fn closing(toks: &[Tok<'_>], open: usize) -> Option<usize> {
    walk(toks, open, |k, t, depth| {
        (is_close(t.text) && depth == 0).then_some(k)
    })
}

/// The index of the bracket that `close` closes, if any.
fn opening(toks: &[Tok<'_>], close: usize) -> Option<usize> {
    let mut depth = 0i64;
    for k in (0..=close).rev() {
        if is_close(toks[k].text) {
            depth += 1;
        } else if is_open(toks[k].text) {
            depth -= 1;
            if depth == 0 {
                return Some(k);
            }
        }
    }
    None
}

/// True for a token after which a value ends (so a following `+` or `-` is binary).
fn ends_value(t: &Tok<'_>) -> bool {
    matches!(t.kind, Kind::Ident | Kind::Int | Kind::Number | Kind::Text)
        && !KEYWORDS.contains(&t.text)
        || t.text == ")"
        || t.text == "]"
        || t.text == "true"
        || t.text == "false"
}

/// The tokens of `fn` signatures (name and parameters): nothing in them is an expression.
fn signature_tokens(toks: &[Tok<'_>]) -> Vec<bool> {
    let mut sig = vec![false; toks.len()];
    for k in 0..toks.len() {
        if toks[k].text == "fn" && toks[k].kind == Kind::Ident {
            let end = toks
                .iter()
                .skip(k)
                .position(|t| t.text == "{")
                .map_or(toks.len(), |p| k + p);
            for s in sig.iter_mut().take(end).skip(k) {
                *s = true;
            }
        }
    }
    sig
}

/// The token range `[from, to)` of the condition of the `if` or `while` at `k`: up to the `{` that
/// opens its body, at bracket depth 0.
fn condition(toks: &[Tok<'_>], k: usize) -> Option<(usize, usize)> {
    // The body's `{` is the one that takes the depth from 0 to 1.
    walk(toks, k + 1, |j, t, depth| match (t.text, depth) {
        ("{", 1) => Some((j > k + 1).then_some((k + 1, j))),
        (_, d) if d < 0 => Some(None),
        _ => None,
    })
    .flatten()
}

/// Where the operands of the `&&` or `||` at `k` begin and end: the token range of the left one
/// and of the right one, bounded by brackets, statement edges and other logical operators.
fn operands(toks: &[Tok<'_>], k: usize) -> ((usize, usize), (usize, usize)) {
    let boundary = |t: &Tok<'_>| {
        matches!(t.text, "," | ";" | "&&" | "||" | "{" | "}")
            || ASSIGNMENTS.contains(&t.text)
            || matches!(t.text, "if" | "while" | "return")
    };
    let left = reach(toks, k, true, &boundary);
    let right = reach(toks, k + 1, false, &boundary);
    ((left, k), (k + 1, right))
}

/// How far an operand reaches from `start`, leftwards (over `toks[..start]`) or rightwards (over
/// `toks[start..]`): to the first `boundary` at bracket depth 0, or to a bracket that encloses
/// the operand (braces end it either way). Returns the index at the operand's edge.
fn reach(
    toks: &[Tok<'_>],
    start: usize,
    leftwards: bool,
    boundary: &dyn Fn(&Tok<'_>) -> bool,
) -> usize {
    type Side = fn(&str) -> bool;
    let (enters, leaves): (Side, Side) = if leftwards {
        (is_close, is_open)
    } else {
        (is_open, is_close)
    };
    let mut depth = 0i64;
    let mut at = start;
    loop {
        let next = if leftwards {
            at.checked_sub(1)
        } else {
            (at < toks.len()).then_some(at)
        };
        let Some(i) = next else {
            return at;
        };
        let t = &toks[i];
        if enters(t.text) && !matches!(t.text, "{" | "}") {
            depth += 1;
        } else if leaves(t.text) && !matches!(t.text, "{" | "}") {
            if depth == 0 {
                return at;
            }
            depth -= 1;
        } else if depth == 0 && boundary(t) {
            return at;
        }
        at = if leftwards { i } else { i + 1 };
    }
}

/// The arguments of the call whose `(` is at `open`: token ranges split at top-level commas.
fn arguments(toks: &[Tok<'_>], open: usize, close: usize) -> Vec<(usize, usize)> {
    let mut args = Vec::new();
    let (mut depth, mut from) = (0i64, open + 1);
    for (j, t) in toks.iter().enumerate().take(close).skip(open + 1) {
        if is_open(t.text) {
            depth += 1;
        } else if is_close(t.text) {
            depth -= 1;
        } else if t.text == "," && depth == 0 {
            args.push((from, j));
            from = j + 1;
        }
    }
    if from < close {
        args.push((from, close));
    }
    args
}

struct Builder<'a> {
    src: &'a str,
    toks: &'a [Tok<'a>],
    out: Vec<Mutant>,
}

impl Builder<'_> {
    /// A mutant that replaces the bytes `[start, end)` with `with`, described at token `at`.
    fn replace(&mut self, at: usize, start: usize, end: usize, with: &str, change: String) {
        let t = &self.toks[at];
        // An id is one line, however many lines the change spans.
        let change = change.split_whitespace().collect::<Vec<_>>().join(" ");
        let source = format!("{}{with}{}", &self.src[..start], &self.src[end..]);
        if source == self.src {
            return;
        }
        self.out.push(Mutant {
            id: format!("{}:{} {change}", t.line, t.col),
            line: t.line,
            source,
        });
    }

    /// The source text of tokens `[from, to)`.
    fn text(&self, from: usize, to: usize) -> &str {
        if from >= to {
            return "";
        }
        &self.src[self.toks[from].start..self.toks[to - 1].end]
    }

    fn token(&mut self, k: usize, with: &str) {
        let t = self.toks[k].clone();
        self.replace(k, t.start, t.end, with, format!("`{}` → `{with}`", t.text));
    }
}

/// Every mutant of `source`, in source order, without duplicates (two changes that give the same
/// text are one mutant).
pub fn mutants(source: &str) -> Vec<Mutant> {
    let toks = lex(source);
    let sig = signature_tokens(&toks);
    let mut b = Builder {
        src: source,
        toks: &toks,
        out: Vec::new(),
    };
    for k in 0..toks.len() {
        if sig[k] {
            continue;
        }
        let t = toks[k].clone();
        let prev = k.checked_sub(1).map(|p| &toks[p]);
        let next = toks.get(k + 1);
        let binary = prev.is_some_and(ends_value);
        match t.text {
            "<" if binary => ["<=", ">"].iter().for_each(|w| b.token(k, w)),
            "<=" => ["<", ">="].iter().for_each(|w| b.token(k, w)),
            ">" if binary => [">=", "<"].iter().for_each(|w| b.token(k, w)),
            ">=" => [">", "<="].iter().for_each(|w| b.token(k, w)),
            "==" => b.token(k, "!="),
            "!=" => b.token(k, "=="),
            "&&" => b.token(k, "||"),
            "||" => b.token(k, "&&"),
            "+" if binary => b.token(k, "-"),
            "-" if binary => b.token(k, "+"),
            "max" if next.is_some_and(|n| n.text == "(") => b.token(k, "min"),
            "min" if next.is_some_and(|n| n.text == "(") => b.token(k, "max"),
            _ => {}
        }
        // `+ 1` and `- 1` dropped.
        if (t.text == "+" || t.text == "-") && binary {
            if let Some(n) = next.filter(|n| n.kind == Kind::Int && n.text == "1") {
                let follows = toks.get(k + 2).map(|f| f.text);
                // Not when the 1 is the left operand of something tighter (`x + 1 * y`).
                if !matches!(follows, Some("*" | "/" | "%" | "**" | "." | "[")) {
                    let (start, end) = (prev.map_or(t.start, |p| p.end), n.end);
                    b.replace(k, start, end, "", format!("`{} 1` dropped", t.text));
                }
            }
        }
        // A value gains `+ 1` or `- 1`: after a variable, an index or a call, where it ends an
        // operand (not before `(`, `.`, `[` or an assignment).
        let is_value_end = match t.kind {
            Kind::Ident => !KEYWORDS.contains(&t.text) && prev.is_none_or(|p| p.text != "."),
            _ => (t.text == "]" && indexes(&toks, k)) || (t.text == ")" && called_paren(&toks, k)),
        };
        let next_ok = next.is_none_or(|n| {
            !matches!(n.text, "(" | "." | "[" | "{" | "?." | "::" | "in")
                && !ASSIGNMENTS.contains(&n.text)
        });
        let after_loop_var =
            prev.is_some_and(|p| p.text == "for" || p.text == "let" || p.text == "const");
        if is_value_end && next_ok && !after_loop_var && t.kind != Kind::Int {
            let shown = if t.kind == Kind::Ident {
                format!("`{}`", t.text)
            } else {
                // The call's name or the indexed value, with its brackets.
                let from = opening(&toks, k).map_or(k, |o| o.saturating_sub(1));
                format!("`{}`", b.text(from, k + 1))
            };
            for op in ["+", "-"] {
                b.replace(
                    k,
                    t.end,
                    t.end,
                    &format!(" {op} 1"),
                    format!("`{op} 1` added after {shown}"),
                );
            }
        }
        // Constants: 0, 1 and the neighbours.
        if t.kind == Kind::Int {
            if let Ok(n) = t.text.parse::<i64>() {
                let mut seen = vec![n];
                for m in [0, 1, n - 1, n + 1] {
                    if !seen.contains(&m) {
                        seen.push(m);
                        b.token(k, &m.to_string());
                    }
                }
            }
        }
        // `!x` → `x`.
        if t.text == "!" && !binary {
            b.replace(k, t.start, t.end, "", "`!` dropped".into());
        }
        // Branches.
        if t.text == "if" || t.text == "while" {
            if let Some((from, to)) = condition(&toks, k) {
                let (start, end) = (toks[from].start, toks[to - 1].end);
                let outcomes: &[&str] = if t.text == "if" {
                    &["true", "false"]
                } else {
                    &["false"]
                };
                for w in outcomes {
                    b.replace(
                        k,
                        start,
                        end,
                        w,
                        format!("condition of `{}` → `{w}`", t.text),
                    );
                }
            }
        }
        if t.text == "else" && next.is_some_and(|n| n.text == "{") {
            if let Some(close) = closing(&toks, k + 1) {
                let start = prev.map_or(t.start, |p| p.end);
                b.replace(k, start, toks[close].end, "", "final `else` removed".into());
            }
        }
        if t.text == "&&" || t.text == "||" {
            let ((l0, l1), (r0, r1)) = operands(&toks, k);
            if l0 < l1 && r0 < r1 {
                let (ls, le) = (toks[l0].start, toks[l1 - 1].end);
                let (rs, re) = (toks[r0].start, toks[r1 - 1].end);
                let left = source[ls..le].to_string();
                let right = source[rs..re].to_string();
                b.replace(
                    k,
                    ls,
                    re,
                    &right,
                    format!("left operand of `{}` dropped", t.text),
                );
                b.replace(
                    k,
                    ls,
                    re,
                    &left,
                    format!("right operand of `{}` dropped", t.text),
                );
            }
        }
        // Two adjacent arguments of a call swapped.
        // (Not of `max` and `min`: they are symmetric, so the swap is always equivalent.)
        let symmetric = matches!(t.text, "max" | "min");
        if t.kind == Kind::Ident
            && !KEYWORDS.contains(&t.text)
            && !symmetric
            && next.is_some_and(|n| n.text == "(")
        {
            if let Some(close) = closing(&toks, k + 1) {
                let args = arguments(&toks, k + 1, close);
                for pair in args.windows(2) {
                    let (a, c) = (pair[0], pair[1]);
                    let (first, second) =
                        (b.text(a.0, a.1).to_string(), b.text(c.0, c.1).to_string());
                    if first == second || first.is_empty() || second.is_empty() {
                        continue;
                    }
                    let (start, end) = (toks[a.0].start, toks[c.1 - 1].end);
                    let between = &source[toks[a.1 - 1].end..toks[c.0].start];
                    let with = format!("{second}{between}{first}");
                    let nth = args.iter().position(|x| *x == a).unwrap_or(0) + 1;
                    b.replace(
                        k,
                        start,
                        end,
                        &with,
                        format!("arguments {nth} and {} of `{}` swapped", nth + 1, t.text),
                    );
                }
            }
        }
        // An early return removed (not the last statement of a function: removing that one only
        // makes the function return nothing).
        if t.text == "return" {
            if let Some(semi) = statement_end(&toks, k) {
                let last = toks
                    .get(semi + 1)
                    .is_none_or(|n| n.text == "}" && closes_function(&toks, semi + 1));
                if !last {
                    b.replace(
                        k,
                        t.start,
                        toks[semi].end,
                        "",
                        "early `return` removed".into(),
                    );
                }
            }
        }
        // A counting or accumulating statement removed: `x += e;`.
        if t.kind == Kind::Ident
            && next.is_some_and(|n| ASSIGNMENTS.contains(&n.text) && n.text != "=")
            && prev.is_none_or(|p| matches!(p.text, ";" | "{" | "}"))
        {
            if let Some(semi) = statement_end(&toks, k) {
                let stmt = b.text(k, semi + 1).to_string();
                b.replace(k, t.start, toks[semi].end, "", format!("`{stmt}` removed"));
            }
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    b.out.retain(|m| seen.insert(m.source.clone()));
    b.out
}

/// True if the `]` at `k` closes an index (`log[i]`), not an array literal.
fn indexes(toks: &[Tok<'_>], k: usize) -> bool {
    opening(toks, k)
        .and_then(|o| o.checked_sub(1))
        .is_some_and(|p| ends_value(&toks[p]))
}

/// True if the `)` at `k` closes a call's arguments (the `(` follows a name).
fn called_paren(toks: &[Tok<'_>], k: usize) -> bool {
    opening(toks, k)
        .and_then(|o| o.checked_sub(1))
        .is_some_and(|p| toks[p].kind == Kind::Ident && !KEYWORDS.contains(&toks[p].text))
}

/// The `;` that ends the statement starting at `k`, at bracket depth 0, if there is one before
/// the enclosing block ends.
fn statement_end(toks: &[Tok<'_>], k: usize) -> Option<usize> {
    walk(toks, k, |j, t, depth| match (depth, t.text) {
        (d, _) if d < 0 => Some(None),
        (0, ";") => Some(Some(j)),
        _ => None,
    })
    .flatten()
}

/// True if the `}` at `k` closes a function's body.
fn closes_function(toks: &[Tok<'_>], k: usize) -> bool {
    let Some(open) = opening(toks, k) else {
        return false;
    };
    // `fn name(params) {`: the `{` follows the `)` of a signature.
    open.checked_sub(1)
        .filter(|p| toks[*p].text == ")")
        .and_then(|p| opening(toks, p))
        .and_then(|o| o.checked_sub(2))
        .is_some_and(|f| toks[f].text == "fn")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(src: &str) -> Vec<String> {
        mutants(src).into_iter().map(|m| m.id).collect()
    }

    fn source_of(src: &str, id: &str) -> String {
        mutants(src)
            .into_iter()
            .find(|m| m.id == id)
            .unwrap_or_else(|| panic!("no mutant {id} among {:?}", ids(src)))
            .source
    }

    #[test]
    fn a_comparison_is_swapped_with_its_neighbours() {
        let src = "fn f(a, b) {\n    a >= b\n}";
        assert_eq!(
            source_of(src, "2:7 `>=` → `>`"),
            "fn f(a, b) {\n    a > b\n}"
        );
        assert_eq!(
            source_of(src, "2:7 `>=` → `<=`"),
            "fn f(a, b) {\n    a <= b\n}"
        );
    }

    #[test]
    fn plus_one_is_dropped_and_added() {
        let src = "fn tick(clock) { clock + 1 }";
        assert_eq!(
            source_of(src, "1:24 `+ 1` dropped"),
            "fn tick(clock) { clock }"
        );
        assert_eq!(
            source_of(src, "1:18 `- 1` added after `clock`"),
            "fn tick(clock) { clock - 1 + 1 }"
        );
        assert_eq!(
            source_of(src, "1:26 `1` → `0`"),
            "fn tick(clock) { clock + 0 }"
        );
        assert_eq!(
            source_of(src, "1:26 `1` → `2`"),
            "fn tick(clock) { clock + 2 }"
        );
    }

    #[test]
    fn nothing_in_a_signature_or_a_comment_is_mutated() {
        let src = "// a < b + 1\nfn f(a, b) { a }";
        assert!(mutants(src).iter().all(|m| m.line == 2), "{:?}", ids(src));
        assert!(mutants(src)
            .iter()
            .all(|m| m.source.starts_with("// a < b + 1\nfn f(a, b) {")));
    }

    #[test]
    fn an_operand_of_a_conjunction_is_dropped() {
        let src = "fn f(n, c, t) {\n    while n > c && t == 1 { n -= 1; }\n    n\n}";
        let right_dropped = source_of(src, "2:17 right operand of `&&` dropped");
        assert!(right_dropped.contains("while n > c {"), "{right_dropped}");
        let left_dropped = source_of(src, "2:17 left operand of `&&` dropped");
        assert!(left_dropped.contains("while t == 1 {"), "{left_dropped}");
        assert!(source_of(src, "2:5 condition of `while` → `false`").contains("while false {"));
        assert!(!source_of(src, "2:29 `n -= 1;` removed").contains("n -= 1"));
    }

    #[test]
    fn an_operand_inside_brackets_stays_inside_them() {
        let src = "fn f(p, l, t) {\n    if p > 3 || (p > 0 && l[p - 1] != t) { return false; }\n    true\n}";
        let m = source_of(src, "2:24 right operand of `&&` dropped");
        assert!(m.contains("if p > 3 || (p > 0) {"), "{m}");
    }

    #[test]
    fn max_becomes_min_and_arguments_of_other_calls_are_swapped() {
        let src = "fn f(a, b) { max(a, b - 1) }";
        assert_eq!(
            source_of(src, "1:14 `max` → `min`"),
            "fn f(a, b) { min(a, b - 1) }"
        );
        let src = "fn f(a, b) { g(a, b - 1) }";
        assert_eq!(
            source_of(src, "1:14 arguments 1 and 2 of `g` swapped"),
            "fn f(a, b) { g(b - 1, a) }"
        );
        // max and min are symmetric: swapping their arguments changes nothing.
        assert!(!ids("fn f(a, b) { max(a, b) }")
            .iter()
            .any(|id| id.contains("swapped")));
    }

    #[test]
    fn an_early_return_is_removed_but_not_the_last_statement() {
        let src = "fn f(a) {\n    if a < 0 { return 0; }\n    return a;\n}";
        let all = ids(src);
        assert!(
            all.contains(&"2:16 early `return` removed".to_string()),
            "{all:?}"
        );
        assert!(!all.iter().any(|id| id.starts_with("3:5 early")), "{all:?}");
    }

    #[test]
    fn a_final_else_is_removed_and_a_condition_forced() {
        let src = "fn f(a) {\n    if a == 0 { 1 } else { 2 }\n}";
        assert_eq!(
            source_of(src, "2:21 final `else` removed"),
            "fn f(a) {\n    if a == 0 { 1 }\n}"
        );
        assert!(source_of(src, "2:5 condition of `if` → `true`").contains("if true { 1 }"));
    }

    #[test]
    fn no_two_mutants_are_the_same_text_and_none_is_the_original() {
        let src = "fn f(a, b) {\n    let n = 1;\n    if a > b && !(a == 1) { a + 1 } else { max(a, b) - 1 }\n}";
        let all = mutants(src);
        let mut texts: Vec<&str> = all.iter().map(|m| m.source.as_str()).collect();
        texts.sort_unstable();
        texts.dedup();
        assert_eq!(texts.len(), all.len());
        assert!(all.iter().all(|m| m.source != src));
        assert!(all.len() > 20, "{}", all.len());
    }

    #[test]
    fn unclosed_text_and_odd_bytes_do_not_panic() {
        for src in [
            "fn f( { \"abc",
            "/* never closed",
            "fn f() { 1 + }",
            "é < ü ) ] }",
            "",
        ] {
            let _ = mutants(src);
        }
    }
}
