//! Per-minute tallies (minute → value) kept as ordered maps for the charts. Facts come in
//! time order, so nearly every update is to the last minute in the map: found at the map's
//! end instead of by a search (a tenth of the figures' time on the enterprise run).

use std::collections::BTreeMap;

/// The value of `minute` in `map`, inserted as `default` when absent.
pub fn at<V>(map: &mut BTreeMap<u64, V>, minute: u64, default: V) -> &mut V {
    if map.last_key_value().is_some_and(|(&k, _)| k == minute) {
        return map
            .last_entry()
            .expect("the map has a last entry")
            .into_mut();
    }
    map.entry(minute).or_insert(default)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_last_minute_and_earlier_ones_are_both_found() {
        let mut m = std::collections::BTreeMap::new();
        *super::at(&mut m, 5, 0) += 2;
        *super::at(&mut m, 5, 0) += 3;
        *super::at(&mut m, 7, 1) += 1;
        *super::at(&mut m, 5, 0) += 1;
        assert_eq!(m.into_iter().collect::<Vec<_>>(), vec![(5, 6), (7, 2)]);
    }
}
