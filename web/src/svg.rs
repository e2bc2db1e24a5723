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
}
