# Sourced by the bench scripts: `bench_build ARGS...` runs `cargo build --profile bench ARGS...`
# in the project root (the `bench` profile: release with thin LTO; Cargo writes it to
# $CARGO_TARGET_DIR/release).
#
# On an x86-64 CPU with the x86-64-v3 features (AVX2, FMA, BMI1/2, LZCNT, MOVBE, F16C), the
# build targets them, as Python Polars' wheels are built (their build_feature_flags.py lists the
# same set): measured on TPC-H SF1, 0.89-0.92x the geomean query time of the baseline x86-64 build.
# The binary then runs only on such CPUs (Intel since 2013, AMD since 2015), which is why the
# everyday debug build (`make run`, `make test`) keeps the default target. Set RUSTFLAGS
# yourself to choose otherwise (an empty RUSTFLAGS= builds for baseline x86-64).
bench_build() {
  local flags="" f
  if [ "$(uname -m)" = x86_64 ] && [ -r /proc/cpuinfo ]; then
    flags="-C target-cpu=x86-64-v3"
    for f in avx2 fma bmi1 bmi2 abm movbe f16c xsave; do
      grep -qw "$f" /proc/cpuinfo || flags=""
    done
  fi
  (cd "$root" && RUSTFLAGS="${RUSTFLAGS-$flags}" cargo build --profile bench "$@")
}
