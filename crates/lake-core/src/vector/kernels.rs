//! The sums every vector search makes, over `f32`, wide: sixteen running sums the compiler
//! keeps in SIMD registers, with AVX-512 or AVX2 used where the processor has it (checked at
//! run time, so one build runs everywhere).

/// Σ aᵢbᵢ over the shorter length.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the processor has AVX-512F, checked just above.
        return unsafe { avx512::dot(a, b) };
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2, checked just above.
        return unsafe { dot_avx2(a, b) };
    }
    dot_wide(a, b)
}

/// Σ (aᵢ − bᵢ)² over the shorter length.
pub fn l2_squared(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the processor has AVX-512F, checked just above.
        return unsafe { avx512::l2_squared(a, b) };
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2, checked just above.
        return unsafe { l2_avx2(a, b) };
    }
    l2_wide(a, b)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn dot_avx2(a: &[f32], b: &[f32]) -> f32 {
    dot_wide(a, b)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn l2_avx2(a: &[f32], b: &[f32]) -> f32 {
    l2_wide(a, b)
}

const LANES: usize = 16;

#[inline(always)]
pub(crate) fn dot_wide(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0f32; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for i in 0..LANES {
            acc[i] += x[i] * y[i];
        }
    }
    let mut s: f32 = acc.iter().sum();
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

#[inline(always)]
pub(crate) fn l2_wide(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0f32; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for i in 0..LANES {
            let d = x[i] - y[i];
            acc[i] += d * d;
        }
    }
    let mut s: f32 = acc.iter().sum();
    for (x, y) in ra.iter().zip(rb) {
        s += (x - y) * (x - y);
    }
    s
}

/// (Σ aᵢbᵢ, Σ bᵢ²) in one pass over `b`, for a cosine against a vector whose norm is not kept.
#[inline(always)]
pub(crate) fn dot_and_norm_wide(a: &[f32], b: &[f32]) -> (f32, f32) {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let (mut ab, mut bb) = ([0f32; LANES / 2], [0f32; LANES / 2]);
    let (ca, cb) = (a.chunks_exact(LANES / 2), b.chunks_exact(LANES / 2));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for i in 0..LANES / 2 {
            ab[i] += x[i] * y[i];
            bb[i] += y[i] * y[i];
        }
    }
    let (mut s, mut t): (f32, f32) = (ab.iter().sum(), bb.iter().sum());
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
        t += y * y;
    }
    (s, t)
}

/// The same sums in AVX-512: one 16-lane register per running sum, with a masked load for the
/// tail. Only for callers that checked the processor has AVX-512F.
#[cfg(target_arch = "x86_64")]
pub(crate) mod avx512 {
    use std::arch::x86_64::*;

    /// Σ (aᵢ − bᵢ)².
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub fn l2_squared(a: &[f32], b: &[f32]) -> f32 {
        sum(a, b, |x, y, s| {
            let d = _mm512_sub_ps(x, y);
            _mm512_fmadd_ps(d, d, s)
        })
    }

    /// Σ aᵢbᵢ.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub fn dot(a: &[f32], b: &[f32]) -> f32 {
        sum(a, b, |x, y, s| _mm512_fmadd_ps(x, y, s))
    }

    /// The sum of `add(aᵢ, bᵢ, sum)` over 16 lanes at a time, in two running sums (`add` is
    /// inlined: the loop compiles to the same zmm subtract and fused multiply-add).
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn sum(a: &[f32], b: &[f32], add: impl Fn(__m512, __m512, __m512) -> __m512) -> f32 {
        let n = a.len().min(b.len());
        let (mut s0, mut s1) = (_mm512_setzero_ps(), _mm512_setzero_ps());
        let mut i = 0;
        // SAFETY (each load): 16 numbers from `i`, within both slices' first `n`.
        while i + 32 <= n {
            let (x0, y0) = unsafe { (load(a, i), load(b, i)) };
            let (x1, y1) = unsafe { (load(a, i + 16), load(b, i + 16)) };
            s0 = add(x0, y0, s0);
            s1 = add(x1, y1, s1);
            i += 32;
        }
        while i < n {
            let (x, y) = unsafe { (tail(a, i, n), tail(b, i, n)) };
            s0 = add(x, y, s0);
            i += 16;
        }
        _mm512_reduce_add_ps(_mm512_add_ps(s0, s1))
    }

    /// (Σ aᵢbᵢ, Σ bᵢ²).
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub fn dot_and_norm(a: &[f32], b: &[f32]) -> (f32, f32) {
        let n = a.len().min(b.len());
        let (mut ab, mut bb) = (_mm512_setzero_ps(), _mm512_setzero_ps());
        let mut i = 0;
        while i < n {
            let (x, y) = unsafe { (tail(a, i, n), tail(b, i, n)) };
            ab = _mm512_fmadd_ps(x, y, ab);
            bb = _mm512_fmadd_ps(y, y, bb);
            i += 16;
        }
        (_mm512_reduce_add_ps(ab), _mm512_reduce_add_ps(bb))
    }

    /// 16 numbers of `v` from `i`.
    ///
    /// # Safety
    /// `i + 16 <= v.len()`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn load(v: &[f32], i: usize) -> __m512 {
        unsafe { _mm512_loadu_ps(v.as_ptr().add(i)) }
    }

    /// Up to 16 numbers of `v` from `i`, before `n` (zeros after).
    ///
    /// # Safety
    /// `i < n <= v.len()`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn tail(v: &[f32], i: usize, n: usize) -> __m512 {
        let left = (n - i).min(16);
        let mask: __mmask16 = if left == 16 {
            u16::MAX
        } else {
            (1u16 << left) - 1
        };
        unsafe { _mm512_maskz_loadu_ps(mask, v.as_ptr().add(i)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_sums_match_plain_ones_at_every_length() {
        for n in [0usize, 1, 7, 15, 16, 17, 33, 128, 385] {
            let a: Vec<f32> = (0..n).map(|i| (i as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..n).map(|i| (i as f32 * 0.11).cos()).collect();
            let plain_dot: f64 = a.iter().zip(&b).map(|(x, y)| *x as f64 * *y as f64).sum();
            let plain_l2: f64 = a
                .iter()
                .zip(&b)
                .map(|(x, y)| (*x as f64 - *y as f64).powi(2))
                .sum();
            assert!((dot(&a, &b) as f64 - plain_dot).abs() < 1e-4, "dot at {n}");
            assert!(
                (l2_squared(&a, &b) as f64 - plain_l2).abs() < 1e-4,
                "l2 at {n}"
            );
            assert!(
                (dot(&a, &b) - dot_wide(&a, &b)).abs() < 1e-4,
                "dispatch at {n}"
            );
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the processor has AVX-512F, checked just above.
                let (l2, d, (ab, bb)) = unsafe {
                    (
                        avx512::l2_squared(&a, &b),
                        avx512::dot(&a, &b),
                        avx512::dot_and_norm(&a, &b),
                    )
                };
                assert!((l2 as f64 - plain_l2).abs() < 1e-4, "avx512 l2 at {n}");
                assert!((d as f64 - plain_dot).abs() < 1e-4, "avx512 dot at {n}");
                assert!((ab as f64 - plain_dot).abs() < 1e-4, "avx512 fused at {n}");
                assert!((bb - dot_wide(&b, &b)).abs() < 1e-3, "avx512 norm at {n}");
            }
            let (ab, bb) = dot_and_norm_wide(&a, &b);
            assert!((ab as f64 - plain_dot).abs() < 1e-4, "fused dot at {n}");
            assert!((bb - dot_wide(&b, &b)).abs() < 1e-3, "fused norm at {n}");
        }
    }
}
