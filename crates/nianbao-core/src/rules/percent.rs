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
///
/// For a fixed `b` the ratio grows with the share, so the shares that give
/// `stated` are one run of the sorted sums: per `a`, a binary search over
/// the sorted parts finds the smallest `c` that is not too small, and only
/// it needs checking (the search the script did tried every pair).
pub fn percent_derivable(parts: &[f64], bases: &[f64], stated: f64, decimals: u32) -> bool {
    let mut sorted: Vec<f64> = parts.iter().copied().filter(|p| !p.is_nan()).collect();
    sorted.sort_by(f64::total_cmp);
    let nan_parts = sorted.len() != parts.len();
    if nan_parts {
        // NaN compares false everywhere: only the plain search is right then.
        return derivable_by_every_pair(parts, bases, stated, decimals);
    }
    bases.iter().filter(|b| **b > 0.0).any(|&b| {
        sorted.iter().any(|&a| {
            if a <= b && matches_percent(a / b, stated, decimals) {
                return true;
            }
            // The first c whose sum with a is not below the stated share.
            let first = sorted.partition_point(|&c| below(a + c, b, stated, decimals));
            sorted
                .get(first)
                .is_some_and(|&c| a + c <= b && matches_percent((a + c) / b, stated, decimals))
        })
    })
}

/// Whether `share / b` falls short of `stated` and does not give it.
fn below(share: f64, b: f64, stated: f64, decimals: u32) -> bool {
    let ratio = share / b;
    !matches_percent(ratio, stated, decimals) && ratio * 100.0 < stated
}

/// The search as the script wrote it: every a, and every c with it.
fn derivable_by_every_pair(parts: &[f64], bases: &[f64], stated: f64, decimals: u32) -> bool {
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

    /// The binary search agrees with trying every pair, on counts and
    /// shares of every size, whole and with decimals.
    #[test]
    fn the_search_agrees_with_every_pair() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut agreed = (0, 0);
        for round in 0..20_000 {
            let count = 1 + next(12) as usize;
            let scale = [10, 100, 2000][round % 3];
            let parts: Vec<f64> = (0..count)
                .map(|_| {
                    let v = next(scale) as f64;
                    if next(4) == 0 {
                        v + next(10) as f64 / 10.0
                    } else {
                        v
                    }
                })
                .collect();
            let bases: Vec<f64> = (0..1 + next(5)).map(|_| next(scale) as f64).collect();
            let decimals = next(3) as u32;
            // Mostly percentages some pair gives, else any.
            let stated = if next(2) == 0 && !bases.is_empty() {
                let b = bases[next(bases.len() as u64) as usize].max(1.0);
                let a = parts[next(count as u64) as usize] + parts[next(count as u64) as usize];
                let p = 10f64.powi(decimals as i32);
                (a / b * 100.0 * p).round() / p
            } else {
                next(10_000) as f64 / 100.0
            };
            let fast = percent_derivable(&parts, &bases, stated, decimals);
            let slow = derivable_by_every_pair(&parts, &bases, stated, decimals);
            assert_eq!(fast, slow, "{parts:?} {bases:?} {stated} {decimals}");
            if fast { agreed.0 += 1 } else { agreed.1 += 1 }
        }
        // Both answers were tried often.
        assert!(agreed.0 > 2_000 && agreed.1 > 2_000, "{agreed:?}");
    }
}
