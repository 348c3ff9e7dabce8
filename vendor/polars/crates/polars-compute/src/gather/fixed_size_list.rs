// Licensed to the Apache Software Foundation (ASF) under one
// or more contributor license agreements.  See the NOTICE file
// distributed with this work for additional information
// regarding copyright ownership.  The ASF licenses this file
// to you under the Apache License, Version 2.0 (the
// "License"); you may not use this file except in compliance
// with the License.  You may obtain a copy of the License at
//
//   http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing,
// software distributed under the License is distributed on an
// "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY
// KIND, either express or implied.  See the License for the
// specific language governing permissions and limitations
// under the License.

use std::mem::ManuallyDrop;

use polars_arrow::array::builder::{ShareStrategy, make_builder};
use polars_arrow::array::{Array, ArrayRef, FixedSizeListArray, PrimitiveArray, StaticArray};
use polars_arrow::bitmap::MutableBitmap;
use polars_arrow::compute::utils::combine_validities_and;
use polars_arrow::datatypes::{ArrowDataType, IdxArr, PhysicalType};
use polars_arrow::with_match_primitive_type;

use super::Index;
use crate::gather::bitmap::{take_bitmap_nulls_unchecked, take_bitmap_unchecked};

fn get_stride_and_leaf_type(dtype: &ArrowDataType, size: usize) -> (usize, &ArrowDataType) {
    if let ArrowDataType::FixedSizeList(inner, size_inner) = dtype {
        get_stride_and_leaf_type(inner.dtype(), *size_inner * size)
    } else {
        (size, dtype)
    }
}

fn get_leaves(array: &FixedSizeListArray) -> &dyn Array {
    if let Some(array) = array.values().as_any().downcast_ref::<FixedSizeListArray>() {
        get_leaves(array)
    } else {
        &**array.values()
    }
}

fn get_buffer_and_size(array: &dyn Array) -> (&[u8], usize) {
    match array.dtype().to_physical_type() {
        PhysicalType::Primitive(primitive) => with_match_primitive_type!(primitive, |$T| {

            let arr = array.as_any().downcast_ref::<PrimitiveArray<$T>>().unwrap();
            let values = arr.values();
            (bytemuck::cast_slice(values), size_of::<$T>())

        }),
        _ => {
            unimplemented!()
        },
    }
}

unsafe fn from_buffer(mut buf: ManuallyDrop<Vec<u8>>, dtype: &ArrowDataType) -> ArrayRef {
    match dtype.to_physical_type() {
        PhysicalType::Primitive(primitive) => with_match_primitive_type!(primitive, |$T| {
            let ptr = buf.as_mut_ptr();
            let len_units = buf.len();
            let cap_units = buf.capacity();

            let buf = Vec::from_raw_parts(
                ptr as *mut $T,
                len_units / size_of::<$T>(),
                cap_units / size_of::<$T>(),
            );

            PrimitiveArray::<$T>::new(dtype.clone(), buf.into(), None).boxed()

        }),
        _ => {
            unimplemented!()
        },
    }
}

unsafe fn aligned_vec(dt: &ArrowDataType, n_bytes: usize) -> Vec<u8> {
    match dt.to_physical_type() {
        PhysicalType::Primitive(primitive) => with_match_primitive_type!(primitive, |$T| {

        let n_units = (n_bytes / size_of::<$T>()) + 1;

        let mut aligned: Vec<$T> = Vec::with_capacity(n_units);

        let ptr = aligned.as_mut_ptr();
        let len_units = aligned.len();
        let cap_units = aligned.capacity();

        std::mem::forget(aligned);

        Vec::from_raw_parts(
            ptr as *mut u8,
            len_units * size_of::<$T>(),
            cap_units * size_of::<$T>(),
        )

            }),
        _ => {
            unimplemented!()
        },
    }
}

fn arr_no_validities_recursive(arr: &dyn Array) -> bool {
    arr.validity().is_none()
        && arr
            .as_any()
            .downcast_ref::<FixedSizeListArray>()
            .is_none_or(|x| arr_no_validities_recursive(x.values().as_ref()))
}

/// Wraps `leaves` in the `FixedSizeList` levels of `dtype`, the outermost with `len` rows.
fn nest_leaves(dtype: &ArrowDataType, len: usize, leaves: ArrayRef) -> ArrayRef {
    let ArrowDataType::FixedSizeList(inner, size) = dtype else {
        return leaves;
    };
    let values = nest_leaves(inner.dtype(), len * size, leaves);
    FixedSizeListArray::new(dtype.clone(), len, values, None).boxed()
}

/// Generic path: gathers whole rows with a builder, keeping the dtype. Null indices and null rows
/// become null rows with null values.
unsafe fn take_with_builder(values: &FixedSizeListArray, indices: &IdxArr) -> ArrayRef {
    let mut builder = make_builder(values.dtype());
    builder.reserve(indices.len());
    let idx = indices.values().as_slice();
    let validity = values
        .validity()
        .filter(|v| v.unset_bits() > 0)
        .map(|v| take_bitmap_nulls_unchecked(v, indices));
    match combine_validities_and(validity.as_ref(), indices.validity())
        .filter(|v| v.unset_bits() > 0)
    {
        None => builder.gather_extend(values, idx, ShareStrategy::Always),
        Some(mut validity) => {
            // Only gather the valid runs: null indices may hold garbage, null rows get null values.
            let mut start = 0;
            while !validity.is_empty() {
                let n = validity.take_leading_ones();
                builder.gather_extend(values, &idx[start..start + n], ShareStrategy::Always);
                start += n;
                let n = validity.take_leading_zeros();
                builder.extend_nulls(n);
                start += n;
            }
        },
    }
    builder.freeze_reset()
}

/// `take` implementation for FixedSizeListArrays
pub(super) unsafe fn take_unchecked(values: &FixedSizeListArray, indices: &IdxArr) -> ArrayRef {
    let (stride, leaf_type) = get_stride_and_leaf_type(values.dtype(), 1);
    if leaf_type.to_physical_type().is_primitive()
        && super::has_native_take(leaf_type)
        && arr_no_validities_recursive(values.values().as_ref())
    {
        let leaves = get_leaves(values);

        let (leaves_buf, leave_size) = get_buffer_and_size(leaves);
        let bytes_per_element = leave_size * stride;

        let n_idx = indices.len();
        let total_bytes = bytes_per_element * n_idx;

        let mut buf = ManuallyDrop::new(aligned_vec(leaves.dtype(), total_bytes));
        let dst = buf.spare_capacity_mut();

        let mut count = 0;
        let outer_validity = if indices.null_count() == 0 {
            for i in indices.values().iter() {
                let i = i.to_usize();

                std::ptr::copy_nonoverlapping(
                    leaves_buf.as_ptr().add(i * bytes_per_element),
                    dst.as_mut_ptr().add(count * bytes_per_element) as *mut _,
                    bytes_per_element,
                );
                count += 1;
            }
            None
        } else {
            let mut new_validity = MutableBitmap::with_capacity(indices.len());
            new_validity.extend_constant(indices.len(), true);
            for i in indices.iter() {
                if let Some(i) = i {
                    let i = i.to_usize();
                    std::ptr::copy_nonoverlapping(
                        leaves_buf.as_ptr().add(i * bytes_per_element),
                        dst.as_mut_ptr().add(count * bytes_per_element) as *mut _,
                        bytes_per_element,
                    );
                } else {
                    new_validity.set_unchecked(count, false);
                    std::ptr::write_bytes(
                        dst.as_mut_ptr().add(count * bytes_per_element) as *mut _,
                        0,
                        bytes_per_element,
                    );
                }

                count += 1;
            }
            Some(new_validity.freeze())
        };

        assert_eq!(count * bytes_per_element, total_bytes);
        buf.set_len(total_bytes);

        let outer_validity = combine_validities_and(
            outer_validity.as_ref(),
            values
                .validity()
                .map(|x| {
                    if indices.has_nulls() {
                        take_bitmap_nulls_unchecked(x, indices)
                    } else {
                        take_bitmap_unchecked(x, indices.as_slice().unwrap())
                    }
                })
                .as_ref(),
        );

        let leaves = from_buffer(buf, leaves.dtype());
        nest_leaves(values.dtype(), n_idx, leaves).with_validity(outer_validity)
    } else if super::has_native_take(values.dtype()) {
        if values.null_count() == values.len() || indices.null_count() == indices.len() {
            return FixedSizeListArray::new_null(values.dtype().clone(), indices.len()).boxed();
        }
        take_with_builder(values, indices)
    } else {
        super::take_unchecked_impl_generic(values, indices, &FixedSizeListArray::new_null).boxed()
    }
}

#[cfg(test)]
mod tests {
    use polars_arrow::array::{Array, FixedSizeListArray, Int64Array, StaticArray};
    use polars_arrow::bitmap::Bitmap;
    use polars_arrow::datatypes::{ArrowDataType, Field, IdxArr, TimeUnit};

    /// Test gather for FixedSizeListArray with outer validity but no inner validities.
    #[test]
    fn test_arr_gather_nulls_outer_validity_19482() {
        use polars_arrow::array::{FixedSizeListArray, Int64Array, PrimitiveArray};
        use polars_arrow::bitmap::Bitmap;
        use polars_arrow::datatypes::reshape::{Dimension, ReshapeDimension};
        use polars_utils::IdxSize;

        use super::take_unchecked;

        unsafe {
            let dyn_arr = FixedSizeListArray::from_shape(
                Box::new(Int64Array::from_slice([1, 2, 3, 4])),
                &[
                    ReshapeDimension::Specified(Dimension::new(2)),
                    ReshapeDimension::Specified(Dimension::new(2)),
                ],
            )
            .unwrap()
            .with_validity(Some(Bitmap::from_iter([true, false]))); // FixedSizeListArray[[1, 2], None]

            let arr = dyn_arr
                .as_any()
                .downcast_ref::<FixedSizeListArray>()
                .unwrap();

            assert_eq!(
                [arr.validity().is_some(), arr.values().validity().is_some()],
                [true, false]
            );

            assert_eq!(
                take_unchecked(arr, &PrimitiveArray::<IdxSize>::from_slice([0, 1])),
                dyn_arr
            )
        }
    }

    #[test]
    fn test_arr_gather_nulls_inner_validity() {
        use polars_arrow::array::{FixedSizeListArray, Int64Array, PrimitiveArray};
        use polars_arrow::datatypes::reshape::{Dimension, ReshapeDimension};
        use polars_utils::IdxSize;

        use super::take_unchecked;

        unsafe {
            let dyn_arr = FixedSizeListArray::from_shape(
                Box::new(Int64Array::full_null(4, ArrowDataType::Int64)),
                &[
                    ReshapeDimension::Specified(Dimension::new(2)),
                    ReshapeDimension::Specified(Dimension::new(2)),
                ],
            )
            .unwrap(); // FixedSizeListArray[[None, None], [None, None]]

            let arr = dyn_arr
                .as_any()
                .downcast_ref::<FixedSizeListArray>()
                .unwrap();

            assert_eq!(
                [arr.validity().is_some(), arr.values().validity().is_some()],
                [false, true]
            );

            assert_eq!(
                take_unchecked(arr, &PrimitiveArray::<IdxSize>::from_slice([0, 1])),
                dyn_arr
            )
        }
    }

    #[test]
    fn test_arr_gather_keeps_dtype() {
        // Python only creates the default field and physical leaves, so check both paths here.
        let fsl = |child: Box<dyn Array>, size: usize| {
            let field = Field::new("x".into(), child.dtype().clone(), false);
            let dtype = ArrowDataType::FixedSizeList(Box::new(field), size);
            FixedSizeListArray::new(dtype, child.len() / size, child, None)
        };
        let ts = ArrowDataType::Timestamp(TimeUnit::Millisecond, None);
        let leaves = Int64Array::from_vec((0..8).collect()).to(ts);
        let inner_nulls = Bitmap::from_iter((0..8).map(|i| i != 3));
        let idx = IdxArr::from([Some(1), None, Some(0)]);
        for leaves in [leaves.clone(), leaves.with_validity(Some(inner_nulls))] {
            for arr in [
                fsl(leaves.clone().boxed(), 4),
                fsl(fsl(leaves.boxed(), 2).boxed(), 2),
            ] {
                let out = unsafe { super::take_unchecked(&arr, &idx) };
                assert_eq!(out.dtype(), arr.dtype());
            }
        }
    }
}
