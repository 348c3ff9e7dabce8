#[cfg(feature = "python")]
pub mod python_dataset;
