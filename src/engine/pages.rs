//! Large arrays on 2 MiB pages. A million clients' records and update bits are about 190 MB,
//! read in the random order of events: with 4 KiB pages nearly every event's first touch of
//! its client also misses the TLB, and the page walk holds up the run loop's prefetch (the
//! costliest line of the simulation thread at a million clients). Linux backs a region with
//! transparent huge pages when it is asked to (`madvise`) before the region is touched, in
//! its `madvise` mode (this machine's) as in `always`; elsewhere this is plain allocation.

/// Regions smaller than this gain little and are left to the allocator's pages.
const WORTH: usize = 4 << 20;

/// `n` copies of `value` in a vector whose memory the kernel is asked, before it is first
/// touched, to back with huge pages.
pub fn filled<T: Clone>(n: usize, value: T) -> Vec<T> {
    let mut v = Vec::with_capacity(n);
    advise_huge(v.as_ptr() as usize, n.saturating_mul(size_of::<T>()));
    v.resize(n, value);
    v
}

/// Advice only: a kernel without transparent huge pages, or one set to `never`, says no and
/// the memory works the same.
#[cfg(target_os = "linux")]
fn advise_huge(start: usize, bytes: usize) {
    const PAGE: usize = 4096;
    let from = start.next_multiple_of(PAGE);
    let to = (start + bytes) & !(PAGE - 1);
    if to > from && to - from >= WORTH {
        // SAFETY: [from, to) lies inside an allocation this process owns (the vector's
        // reserved capacity) and MADV_HUGEPAGE changes how it is backed, never its contents.
        unsafe {
            libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge(_start: usize, _bytes: usize) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filled_vector_holds_its_values_whatever_its_pages() {
        for n in [0, 1, 1000, (WORTH / 8) + 3] {
            let v = filled(n, 7u64);
            assert_eq!(v.len(), n);
            assert!(v.iter().all(|&x| x == 7));
        }
    }
}
