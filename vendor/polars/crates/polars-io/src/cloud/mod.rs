//! Interface with cloud storage through the object_store crate.

#[cfg(feature = "cloud")]
mod glob;
#[cfg(feature = "cloud")]
mod object_store_setup;
pub mod options;
#[cfg(feature = "cloud")]
mod polars_object_store;

#[cfg(feature = "cloud")]
pub use glob::*;
#[cfg(feature = "cloud")]
pub use object_store_setup::*;
pub use options::*;
#[cfg(feature = "cloud")]
pub use polars_object_store::*;

#[cfg(feature = "cloud")]
pub mod cloud_writer;
#[cfg(feature = "cloud")]
pub mod concurrency;
pub mod concurrency_config;
#[cfg(feature = "cloud")]
pub mod credential_provider;

// Datapunk Lake: DNS, rate limiting and pacing serve the HTTP client only.
#[cfg(feature = "net")]
pub mod dns;
#[cfg(feature = "http")]
mod http_origin_store;
#[cfg(feature = "cloud")]
#[cfg_attr(not(feature = "net"), allow(dead_code, unused_imports))] // Datapunk Lake
pub mod http_rate_limit;
#[cfg(feature = "cloud")]
pub mod token_bucket;
