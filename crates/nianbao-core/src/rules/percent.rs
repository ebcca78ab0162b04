//! Whether a stated percentage is one count of a report over another (or
//! two counts summed over another): NUM-PERCENT's search, which in a script
//! was a triple loop costing more than reading the file (issue 21).

/// Whether `ratio` written as a percentage with `decimals` decimals gives
/// `stated`, rounded or truncated.
pub fn matches_percent(ratio: f64, stated: f64, decimals: u32) -> bool {
    // Repeated multiplication, as the script did, so that results match it exactly.
    let mut scale = 1.0;
    for _ in 0..decimals {
        scale *= 10.0;
    }
    let v = ratio * 100.0 * scale;
    let s = stated * scale;
    (v - s).abs() <= 0.5 + 1e-6 || (v >= s - 1e-6 && v < s + 1.0)
}

/// Whether `stated`% is `a / b` or `(a + c) / b` for `a`, `c` among `parts`
/// and a positive `b` among `bases`, with the share not above the whole.
pub fn percent_derivable(parts: &[f64], bases: &[f64], stated: f64, decimals: u32) -> bool {
    bases.iter().filter(|b| **b > 0.0).any(|&b| {
        parts.iter().any(|&a| {
            (a <= b && matches_percent(a / b, stated, decimals))
                || parts
                    .iter()
                    .any(|&c| a + c <= b && matches_percent((a + c) / b, stated, decimals))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_sums_of_shares() {
        assert!(percent_derivable(&[30.0], &[40.0], 75.0, 0));
        assert!(!percent_derivable(&[30.0], &[40.0], 80.0, 0));
        assert!(
            percent_derivable(&[23.0, 7.0], &[52.0], 57.7, 1),
            "sum of two"
        );
        assert!(percent_derivable(&[20.0], &[1191.0], 1.68, 2));
        assert!(!percent_derivable(&[20.0], &[1191.0], 2.68, 2));
        assert!(percent_derivable(&[2.0], &[3.0], 66.6, 1), "truncated");
        assert!(
            !percent_derivable(&[50.0], &[40.0], 125.0, 0),
            "not above the whole"
        );
        assert!(!percent_derivable(&[0.0], &[0.0], 0.0, 0), "no zero base");
    }
}
