//! A lexer for Rhai source, enough to find its tokens outside text and comments: what the
//! sandbox counts before compiling ([`census`]) and what the mutation operators
//! ([`super::mutants`]) change. It never fails: an unclosed string or comment runs to the end.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// What a token is.
pub(crate) enum Kind {
    Ident,
    Int,
    Number,
    Text,
    Op,
}

/// One token: its kind, its text, its byte range and where it starts (1-based).
#[derive(Clone, Debug)]
pub(crate) struct Tok<'a> {
    pub(crate) kind: Kind,
    pub(crate) text: &'a str,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) line: u32,
    pub(crate) col: u32,
}

/// Operators of two or three characters, longest first.
const OPERATORS: &[&str] = &[
    "**=", "<<=", ">>=", "..=", "==", "!=", "<=", ">=", "&&", "||", "+=", "-=", "*=", "/=", "%=",
    "&=", "|=", "^=", "**", "<<", ">>", "..", "::", "=>", "?.", "??",
];

/// Splits Rhai source into tokens, skipping whitespace and comments (block comments nest, as in
/// Rhai). Never fails: an unclosed string or comment runs to the end.
pub(crate) fn lex(src: &str) -> Vec<Tok<'_>> {
    let bytes = src.as_bytes();
    let mut toks = Vec::new();
    let (mut i, mut line, mut line_start) = (0usize, 1u32, 0usize);
    let col = |i: usize, line_start: usize| src[line_start..i].chars().count() as u32 + 1;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let (tok_line, tok_col) = (line, col(i, line_start));
        let kind;
        if c == b'\n' {
            i += 1;
            line += 1;
            line_start = i;
            continue;
        } else if c.is_ascii_whitespace() {
            i += 1;
            continue;
        } else if src[i..].starts_with("//") {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        } else if src[i..].starts_with("/*") {
            let mut depth = 0;
            while i < bytes.len() {
                if src[i..].starts_with("/*") {
                    depth += 1;
                    i += 2;
                } else if src[i..].starts_with("*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if bytes[i] == b'\n' {
                        line += 1;
                        line_start = i + 1;
                    }
                    i += 1;
                }
            }
            continue;
        } else if c == b'"' || c == b'\'' || c == b'`' {
            i += 1;
            while i < bytes.len() && bytes[i] != c {
                if bytes[i] == b'\\' {
                    i += 1;
                }
                if i < bytes.len() && bytes[i] == b'\n' {
                    line += 1;
                    line_start = i + 1;
                }
                i += 1;
            }
            i = (i + 1).min(bytes.len());
            kind = Kind::Text;
        } else if c.is_ascii_digit() {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            // A fraction makes it a float; `1..3` is a range, not a float.
            let fraction = i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit();
            if fraction {
                i += 1;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
            }
            let text = &src[start..i];
            kind = if !fraction && text.bytes().all(|b| b.is_ascii_digit()) {
                Kind::Int
            } else {
                Kind::Number
            };
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            kind = Kind::Ident;
        } else {
            let op = OPERATORS.iter().find(|op| src[i..].starts_with(**op));
            // Any other character is one token (a multi-byte one whole).
            i += op.map_or_else(
                || src[i..].chars().next().map_or(1, char::len_utf8),
                |op| op.len(),
            );
            kind = Kind::Op;
        }
        toks.push(Tok {
            kind,
            text: &src[start..i],
            start,
            end: i,
            line: tok_line,
            col: tok_col,
        });
    }
    toks
}

/// What the sandbox reads off a source before compiling it, in one pass of the lexer.
pub(crate) struct Census {
    /// `fn` definitions.
    pub(crate) functions: u64,
    /// `let` and `const` declarations.
    pub(crate) variables: u64,
    /// The first decimal number (`1.5`, `2e3`), with its line and column: Rhai is built without
    /// floats here, so it would read `1.5` as a property of `1`.
    pub(crate) first_decimal: Option<(u32, u32, String)>,
}

/// Counts `src`'s definitions and finds its first decimal number, outside text and comments.
pub(crate) fn census(src: &str) -> Census {
    let mut c = Census {
        functions: 0,
        variables: 0,
        first_decimal: None,
    };
    for t in lex(src) {
        match (t.kind, t.text) {
            (Kind::Ident, "fn") => c.functions += 1,
            (Kind::Ident, "let" | "const") => c.variables += 1,
            (Kind::Number, text) if c.first_decimal.is_none() && !is_radix(text) => {
                c.first_decimal = Some((t.line, t.col, text.to_string()));
            }
            _ => {}
        }
    }
    c
}

/// True for an integer written in another base (`0x1F`), which the lexer also calls a number.
fn is_radix(text: &str) -> bool {
    ["0x", "0b", "0o"].iter().any(|p| text.starts_with(p))
}

/// True if `name` is declared (`let` or `const`) outside every function body of `src`.
pub(crate) fn defined_at_top_level(src: &str, name: &str) -> bool {
    let toks = lex(src);
    let mut depth = 0i64;
    toks.iter().enumerate().any(|(k, t)| {
        match t.text {
            "{" => depth += 1,
            "}" => depth -= 1,
            _ => {}
        }
        depth == 0
            && matches!(t.text, "let" | "const")
            && toks.get(k + 1).is_some_and(|n| n.text == name)
    })
}
