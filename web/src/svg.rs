//! Number formatting for SVG attributes and labels without Rust's float printer,
//! which is a sizeable part of a wasm bundle and is not needed for one decimal.

/// `v` with one decimal, e.g. `12.3`, `-0.5`.
pub fn px(v: f64) -> String {
    let tenths = (v * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let a = tenths.unsigned_abs();
    format!("{sign}{}.{}", a / 10, a % 10)
}

/// `v` rounded to a whole number.
pub fn whole(v: f64) -> String {
    (v.round() as i64).to_string()
}

/// Microseconds as milliseconds with three decimals, e.g. `-1.500`.
pub fn ms3(us: i64) -> String {
    let sign = if us < 0 { "-" } else { "" };
    let a = us.unsigned_abs();
    format!("{sign}{}.{:03}", a / 1000, a % 1000)
}

/// Milliseconds typed by a learner (`12`, `-1.5`, `0.250`) as whole microseconds; `None` for
/// anything else. Digits past the third decimal are cut. Written out rather than parsed as a
/// float, for the same reason as above.
pub fn parse_ms(text: &str) -> Option<i64> {
    let t = text.trim();
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !digits(whole) || !digits(frac) {
        return None;
    }
    let ms: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut us_part = 0i64;
    for (k, b) in frac.bytes().take(3).enumerate() {
        us_part += i64::from(b - b'0') * [100, 10, 1][k];
    }
    let us = ms.checked_mul(1000)?.checked_add(us_part)?;
    Some(if negative { -us } else { us })
}

/// An operation's bar: a rectangle from `x0` to `x1` (at least 2 units wide) on the row whose
/// top is `top`, `height` tall, with `class` and a tooltip (`title`, already escaped).
pub fn bar(x0: f64, x1: f64, top: f64, height: f64, class: &str, title: &str) -> String {
    format!(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"{class}\"><title>{title}</title></rect>",
        px(x0),
        px(top),
        px((x1 - x0).max(2.0)),
        px(height),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_decimal_rounds_and_keeps_the_sign() {
        assert_eq!(px(12.34), "12.3");
        assert_eq!(px(12.36), "12.4");
        assert_eq!(px(-0.45), "-0.5");
        assert_eq!(px(0.0), "0.0");
        assert_eq!(whole(2.6), "3");
        assert_eq!(ms3(-1_500), "-1.500");
        assert_eq!(ms3(150_000), "150.000");
    }

    #[test]
    fn typed_milliseconds_become_microseconds() {
        assert_eq!(parse_ms("12"), Some(12_000));
        assert_eq!(parse_ms(" -1.5 "), Some(-1_500));
        assert_eq!(parse_ms("0.25"), Some(250));
        assert_eq!(parse_ms(".5"), Some(500));
        assert_eq!(parse_ms("3.14159"), Some(3_141));
        assert_eq!(parse_ms("+7."), Some(7_000));
        for bad in [
            "",
            "-",
            ".",
            "1e3",
            "abc",
            "1.2.3",
            "--1",
            "99999999999999999999",
        ] {
            assert_eq!(parse_ms(bad), None, "{bad}");
        }
    }
}
