pub use polars_core::prelude::*;
pub use polars_core::utils::NoNull;
// Option/enum definitions that used to live in `polars-ops` / `polars-time`.
pub use polars_defs::expr::*;
pub use polars_defs::join::*;
pub use polars_defs::time::duration::*;
pub use polars_defs::time::group_by::*;
pub use polars_defs::time::rolling::*;
#[cfg(feature = "polars-io")]
pub use polars_io::prelude::*;
#[cfg(feature = "lazy")]
pub use polars_lazy::prelude::*;
#[cfg(feature = "polars-ops")]
pub use polars_ops::prelude::*;
#[cfg(feature = "temporal")]
pub use polars_time::prelude::*;
pub use polars_utils::float16::pf16;
pub use polars_utils::pl_path::{CloudScheme, PlRefPath};
