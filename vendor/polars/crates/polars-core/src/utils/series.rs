use polars_compute::find_validity_mismatch::{
    find_validity_mismatch, find_validity_mismatch_shallow,
};
use polars_compute::gather::take_unchecked;

use crate::prelude::*;

pub fn check_is_valid_struct_cast(
    input_dtype: &DataType,
    output_dtype: &DataType,
    output_name: &PlSmallStr,
) -> PolarsResult<()> {
    use DataType as D;

    let err = |msg: &str| -> PolarsError {
        polars_err!(
            InvalidOperation:
            "cast from `{}` to `{}` failed in column '{}': {}\n\n\
            Ensure that any output struct has the same number of fields as the input, and that all struct field names in the output are present in the input.\n\
            Use `strict=False` to force the cast, and Polars will select the first n fields from the struct.",
            input_dtype,
            output_dtype,
            output_name,
            msg,
        )
    };

    #[allow(clippy::single_match)]
    match (input_dtype, output_dtype) {
        #[cfg(feature = "dtype-struct")]
        (D::Struct(l_fields), D::Struct(r_fields)) => {
            if l_fields.len() != r_fields.len() {
                return Err(err(&format!(
                    "structs do not have the same number of fields: {} vs {}",
                    l_fields.len(),
                    r_fields.len(),
                )));
            }
            for (l, r) in Iterator::zip(l_fields.iter(), r_fields.iter()) {
                if l.name() != r.name() {
                    return Err(err(&format!(
                        "structs field name mismatch: {} vs {}",
                        l.name(),
                        r.name()
                    )));
                }
                check_is_valid_struct_cast(l.dtype(), r.dtype(), output_name)?;
            }
            Ok(())
        },
        (D::List(input_dtype), D::List(output_dtype)) => {
            check_is_valid_struct_cast(input_dtype, output_dtype, output_name)
        },
        #[cfg(feature = "dtype-array")]
        (D::Array(input_dtype, _), D::Array(output_dtype, _)) => {
            check_is_valid_struct_cast(input_dtype, output_dtype, output_name)
        },
        #[cfg(feature = "dtype-array")]
        (D::List(input_dtype), D::Array(output_dtype, _))
        | (D::Array(input_dtype, _), D::List(output_dtype)) => {
            check_is_valid_struct_cast(input_dtype, output_dtype, output_name)
        },
        _ => Ok(()),
    }
}

pub fn handle_casting_failures(input: &Series, output: &Series) -> PolarsResult<()> {
    check_is_valid_struct_cast(input.dtype(), output.dtype(), output.name())?;

    let mut idxs = Vec::new();

    #[cfg(feature = "dtype-map")]
    let maps_involved = input.dtype().contains_map() || output.dtype().contains_map();
    #[cfg(not(feature = "dtype-map"))]
    let maps_involved = false;

    if maps_involved {
        // Map entries are not positionally comparable with a cast's -- which
        // `find_validity_mismatch` requires -- because casting merges duplicate keys and
        // drops the entries that no live row owns. Rows still line up, and strictness holds
        // below, since a Map is nested, so its key and value child casts run with the same
        // options.
        find_validity_mismatch_shallow(
            input.rechunk_validity().as_ref(),
            output.rechunk_validity().as_ref(),
            &mut idxs,
        );
    } else {
        input.find_validity_mismatch(output, &mut idxs);
    }

    if idxs.is_empty() {
        return Ok(());
    }

    let num_failures = idxs.len();
    let failures = input.take_slice(&idxs[..num_failures.min(10)])?;

    let additional_info = match (input.dtype(), output.dtype()) {
        (DataType::String, DataType::Date | DataType::Datetime(_, _) | DataType::Time) => {
            "\n\nYou might want to try:\n\
            - setting `strict=False` to set values that cannot be converted to `null`\n\
            - using `str.strptime`, `str.to_date`, `str.to_datetime`, or `str.to_time` and providing a format string"
        },
        #[cfg(feature = "dtype-categorical")]
        (DataType::String, DataType::Enum(_, _)) => {
            "\n\nEnsure that all values in the input column are present in the categories of the enum datatype."
        },
        _ if failures.len() < num_failures => {
            "\n\nDid not show all failed cases as there were too many."
        },
        _ => "",
    };

    polars_bail!(
        InvalidOperation:
        "conversion from `{}` to `{}` failed in column '{}' for {} out of {} values: {}{}",
        input.dtype(),
        output.dtype(),
        output.name(),
        num_failures,
        input.len(),
        failures.fmt_list(),
        additional_info,
    )
}

pub fn handle_array_casting_failures(input: &dyn Array, output: &dyn Array) -> PolarsResult<()> {
    let mut idxs = Vec::new();
    find_validity_mismatch(input, output, &mut idxs);
    if idxs.is_empty() {
        return Ok(());
    }

    let num_failures = idxs.len();
    let failures = PrimitiveArray::with_slice(&idxs[..num_failures.min(10)], |idxs| unsafe {
        take_unchecked(input, &idxs)
    });

    polars_bail!(
        InvalidOperation:
        "conversion from `{}` to `{}` failed for {} out of {} values: {}",
        DataType::from_arrow(input.dtype(), None),
        DataType::from_arrow(output.dtype(), None),
        num_failures,
        input.len(),
        Series::try_from((PlSmallStr::EMPTY, failures))?,
    )
}
