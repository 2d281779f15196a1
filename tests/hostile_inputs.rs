//! Hostile traces found by the robustness review (moves to the "traces" class file).

mod common;

use common::hostile::{assert_has, cmsim};

#[test]
fn an_endless_trace_line_is_refused_not_read_into_memory() {
    let (code, _, err) = cmsim(&["verify", "/dev/zero"]);
    assert_eq!(code, 2, "{err}");
    assert_has(&err, &["/dev/zero:1:", "a line longer than 16777216 bytes"]);
}
