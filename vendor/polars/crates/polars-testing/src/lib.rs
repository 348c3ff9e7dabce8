pub mod asserts;
