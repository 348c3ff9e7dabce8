//! APIs to read from Parquet format.

mod binary;
mod binview;
mod boolean;
mod categorical;
mod dictionary_encoded;
mod fixed_size_binary;
mod nested;
mod nested_utils;
mod null;
mod primitive;
mod simple;
mod utils;

use polars_arrow::array::{Array, FixedSizeListArray, ListArray, MapArray};
use polars_arrow::bitmap::Bitmap;
use polars_arrow::datatypes::{ArrowDataType, Field};
use polars_arrow::offset::Offsets;
pub(crate) use primitive::convert_i128;
use simple::page_iter_to_array;
pub(crate) use simple::unify_timestamp_unit;

pub use self::nested_utils::{InitNested, NestedState, init_nested};
pub use self::utils::filter::{Filter, PredicateFilter};
use self::utils::freeze_validity;
use super::*;
use crate::parquet::error::{ParquetError, ParquetResult};
use crate::parquet::schema::types::PrimitiveType;

/// Creates a new [`ListArray`] or [`FixedSizeListArray`].
pub fn create_list(
    dtype: ArrowDataType,
    nested: &mut NestedState,
    values: Box<dyn Array>,
) -> ParquetResult<Box<dyn Array>> {
    let (length, mut offsets, validity) = nested.pop().unwrap();
    let validity = validity.and_then(freeze_validity);
    match dtype.to_storage() {
        ArrowDataType::List(_) => {
            // The offsets are monotonic, so only the last one can overflow.
            if values.len() > i32::MAX as usize {
                return Err(ParquetError::not_supported(format!(
                    "list column has {} elements in a single chunk, which exceeds the 32-bit \
                     offset limit of the requested `List` type; decode into `LargeList` instead",
                    values.len(),
                )));
            }
            offsets.push(values.len() as i64);

            let offsets = offsets.iter().map(|x| *x as i32).collect::<Vec<_>>();

            let offsets: Offsets<i32> = offsets.try_into().expect("decoded offsets are monotonic");

            Ok(Box::new(ListArray::<i32>::new(
                dtype,
                offsets.into(),
                values,
                validity,
            )))
        },
        ArrowDataType::LargeList(_) => {
            offsets.push(values.len() as i64);

            Ok(Box::new(ListArray::<i64>::new(
                dtype,
                offsets.try_into().expect("decoded offsets are monotonic"),
                values,
                validity,
            )))
        },
        ArrowDataType::FixedSizeList(_, _) => Ok(Box::new(FixedSizeListArray::new(
            dtype, length, values, validity,
        ))),
        _ => unreachable!(),
    }
}

/// Creates a new [`MapArray`].
pub fn create_map(
    dtype: ArrowDataType,
    nested: &mut NestedState,
    values: Box<dyn Array>,
) -> ParquetResult<Box<dyn Array>> {
    let (_, mut offsets, validity) = nested.pop().unwrap();
    match dtype.to_storage() {
        ArrowDataType::Map(_, _) => {
            // Like in the list case, only the last offset can overflow.
            // The Arrow spec guarantees that i32 offsets are enough, but Parquet does not.
            // Since all of our Parquet reading goes through Arrow types (`MapArray`), we must
            // bail here, even though the Polars `Map` type itself can store 64-bit offsets.
            if values.len() > i32::MAX as usize {
                return Err(ParquetError::not_supported(format!(
                    "map column with {} entries in a single chunk exceeds the i32 offset limit",
                    values.len(),
                )));
            }
            offsets.push(values.len() as i64);
            let offsets = offsets.iter().map(|x| *x as i32).collect::<Vec<_>>();

            let offsets: Offsets<i32> = offsets.try_into().expect("decoded offsets are monotonic");

            Ok(Box::new(MapArray::new(
                dtype,
                offsets.into(),
                values,
                validity.and_then(freeze_validity),
            )))
        },
        _ => unreachable!(),
    }
}

fn is_primitive(dtype: &ArrowDataType) -> bool {
    matches!(
        dtype.to_physical_type(),
        polars_arrow::datatypes::PhysicalType::Primitive(_)
            | polars_arrow::datatypes::PhysicalType::Null
            | polars_arrow::datatypes::PhysicalType::Boolean
            | polars_arrow::datatypes::PhysicalType::Utf8
            | polars_arrow::datatypes::PhysicalType::LargeUtf8
            | polars_arrow::datatypes::PhysicalType::Binary
            | polars_arrow::datatypes::PhysicalType::BinaryView
            | polars_arrow::datatypes::PhysicalType::Utf8View
            | polars_arrow::datatypes::PhysicalType::LargeBinary
            | polars_arrow::datatypes::PhysicalType::FixedSizeBinary
            | polars_arrow::datatypes::PhysicalType::Dictionary(_)
    ) && !matches!(dtype, ArrowDataType::Extension(_))
}

fn columns_to_iter_recursive(
    mut columns: Vec<BasicDecompressor>,
    mut types: Vec<&PrimitiveType>,
    field: Field,
    init: Vec<InitNested>,
    filter: Option<Filter>,
) -> ParquetResult<(NestedState, Vec<Box<dyn Array>>, Bitmap)> {
    if init.is_empty() && is_primitive(&field.dtype) {
        let (_, array, pred_true_mask) = page_iter_to_array(
            columns.pop().unwrap(),
            types.pop().unwrap(),
            field,
            filter,
            None,
        )?;

        return Ok((NestedState::default(), array, pred_true_mask));
    }

    nested::columns_to_iter_recursive(columns, types, field, init, filter)
}

/// Returns the number of (parquet) columns that a [`ArrowDataType`] contains.
pub fn n_columns(dtype: &ArrowDataType) -> usize {
    use polars_arrow::datatypes::PhysicalType::*;
    match dtype.to_physical_type() {
        Null | Boolean | Primitive(_) | Binary | FixedSizeBinary | LargeBinary | Utf8
        | Dictionary(_) | LargeUtf8 | BinaryView | Utf8View => 1,
        List | FixedSizeList | LargeList => {
            let a = dtype.to_storage();
            if let ArrowDataType::List(inner) = a {
                n_columns(&inner.dtype)
            } else if let ArrowDataType::LargeList(inner) = a {
                n_columns(&inner.dtype)
            } else if let ArrowDataType::FixedSizeList(inner, _) = a {
                n_columns(&inner.dtype)
            } else {
                unreachable!()
            }
        },
        Map => {
            let a = dtype.to_storage();
            if let ArrowDataType::Map(inner, _) = a {
                n_columns(&inner.dtype)
            } else {
                unreachable!()
            }
        },
        Struct => {
            if let ArrowDataType::Struct(fields) = dtype.to_storage() {
                fields.iter().map(|inner| n_columns(&inner.dtype)).sum()
            } else {
                unreachable!()
            }
        },
        _ => todo!(),
    }
}

/// An iterator adapter that maps multiple iterators of [`PagesIter`] into an iterator of [`Array`]s.
///
/// For a non-nested datatypes such as [`ArrowDataType::Int32`], this function requires a single element in `columns` and `types`.
/// For nested types, `columns` must be composed by all parquet columns with associated types `types`.
///
/// The arrays are guaranteed to be at most of size `chunk_size` and data type `field.dtype`.
pub fn column_iter_to_arrays(
    columns: Vec<BasicDecompressor>,
    types: Vec<&PrimitiveType>,
    field: Field,
    filter: Option<Filter>,
) -> PolarsResult<(Vec<Box<dyn Array>>, Bitmap)> {
    let (_, array, pred_true_mask) =
        columns_to_iter_recursive(columns, types, field, vec![], filter)?;
    Ok((array, pred_true_mask))
}
