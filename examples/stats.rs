//! Small statistics helpers with examples seidr checks: one passes, one fails, one is a stub.

/// The arithmetic mean, or None for no values.
///
/// ```
/// assert_eq!(mean(&[1.0, 2.0, 3.0]), Some(2.0));
/// assert_eq!(mean(&[]), None);
/// ```
pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    Some(values.iter().sum::<f64>() / values.len() as f64)
}

/// The middle value of a sorted copy (the lower one for an even count).
/// >>> median(&[3, 1, 2])
/// 2
/// >>> median(&[4, 1, 3, 2])
/// 2
pub fn median(values: &[i64]) -> i64 {
    let mut sorted = values.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2] // off by one for even counts
}

/// The largest value minus the smallest.
/// >>> spread(&[5, 1, 9])
/// 8
pub fn spread(values: &[i64]) -> i64 {
    todo!()
}
