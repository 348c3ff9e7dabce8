//! Combine per-column comparisons in an `AND` chain: spot impossible filters
//! (replace with `false`, e.g. `a.is_in([1, 2]) AND a.is_in([3, 4])`) and drop
//! redundant comparisons (`a >= 1 AND a >= 5` to `a >= 5`; `a >= 3 AND a != 3`
//! to `a > 3`; `a.is_not_null() AND a > 3` to `a > 3`).
//!
//! `merge_filter_constraints` runs four data-dependent stages (no reordering):
//! 1. **Collect** (`classify_into_constraints`): fold each `col op lit` into a
//!    per-column `ColumnConstraints`; unmodeled conjuncts kept aside.
//! 2. **Propagate** (`propagate_equalities`): carry constraints across
//!    `col == col` (`a == b AND a > 5` gives `b > 5`); needs all bounds first.
//! 3. **Resolve** (`resolve_deferred`): resolve `!=` / `is_in` / `!is_in` against
//!    the now final bounds; needs propagated bounds, so runs after stage 2.
//! 4. **Emit**: `false` if impossible (gated on `maintain_errors`), else the
//!    tightest rebuilt chain, or `None` if unchanged.
//!
//! Every value in a `ColumnConstraints` has its column's dtype, which is one of
//! `is_modeled_dtype`. A literal that isn't exactly a value of that dtype keeps its
//! conjunct out of the model.

use std::cmp::Ordering;

#[cfg(feature = "dtype-decimal")]
use polars_compute::decimal::{dec128_eq, dec128_fits, dec128_rescale};
#[cfg(any(feature = "dtype-decimal", feature = "is_in"))]
use polars_core::prelude::AnyValue;
use polars_core::prelude::DataType;
#[cfg(feature = "is_in")]
use polars_core::prelude::Series;
use polars_core::scalar::Scalar;
use polars_core::schema::Schema;
use polars_utils::aliases::{InitHashMaps, PlIndexMap, PlIndexSet};
use polars_utils::arena::{Arena, Node};
use polars_utils::pl_str::PlSmallStr;

use super::properties::ExprPushdownGroup;
use super::{AExpr, IRBooleanFunction, IRFunctionExpr, LiteralValue, MintermIter, Operator};
use crate::plans::iterator::ArenaExprIter;
#[cfg(feature = "is_between")]
use crate::prelude::ClosedInterval;

// How a single conjunct in the `AND` chain was classified.
enum Classification {
    // Impossible during the walk: bounds crossed (empty range), or conflicting
    // nullability requirements (`is_null` vs `is_not_null`, or vs a comparison's
    // implied non-null). Other impossibilities surface later (not as this variant):
    // cross-column conflicts in `propagate_equalities`; `!=` / `is_in` / `!is_in` /
    // `is_null` with a comparison in `resolve_deferred`.
    Unsat,
    // A bound folded into its column and rebuilt from the merged constraints,
    // so the original conjunct is dropped.
    Bound,
    // Like `Bound`, but the conjunct was a negation normalized into positive form
    // (`!(x > 5)` to `x <= 5`). Forces a rewrite even when nothing tightens, since
    // the original `!` node is gone (and a positive `col op lit` prunes where a
    // `!` node cannot).
    Normalized,
    // A `col == col` equality, whose two columns form a cross-column propagation
    // edge (the node is kept verbatim unless its class becomes fixed).
    Equality(PlSmallStr, PlSmallStr),
    // `is_not_null` (or `!is_null`) on a column. Dropped when a bound, `!=` or
    // `is_in` on the column already drops its nulls, else kept verbatim.
    NotNull(PlSmallStr),
    // An `is_in` whose haystack went into its column's allowed set. The node is
    // kept verbatim.
    #[cfg(feature = "is_in")]
    Membership,
    // Node kept verbatim: either unmodeled (UDFs, null-aware ops, arithmetic) or
    // modeled only for contradiction (`!is_in` / `is_null` / non-`==` column-column
    // comparisons record but aren't rewritten).
    Opaque,
}

// How a `!= value` exclusion resolves once the bounds are known.
enum ExcludedResolution {
    // Outside the feasible range, so the exclusion is redundant.
    Drop,
    // Strictly inside the range, so it survives as a `!= value`.
    Keep,
    // On an inclusive lower/upper endpoint, so it tightens that bound to exclusive.
    TightenLower,
    TightenUpper,
}

// What `is_null` / `is_not_null` require of the surviving rows. A value
// constraint (bound, `!=`, `is_in`, `!is_in`) drops nulls under K3, so any of them
// implies the column is `NonNull` and contradicts a `Null` requirement.
#[derive(Clone, Copy, Default, PartialEq)]
enum Nullability {
    #[default]
    Unconstrained,
    Null,
    NonNull,
}

// Dtypes whose values order, compare and hash the way the engine compares them.
// Others, such as a categorical or an enum (ordered by their categories) or nested
// dtypes (no order), are never modeled.
fn is_modeled_dtype(dtype: &DataType) -> bool {
    dtype.is_primitive_numeric()
        || dtype.is_decimal()
        || dtype.is_temporal()
        || matches!(
            dtype,
            DataType::Boolean | DataType::String | DataType::Binary
        )
}

// `value` as a value of a column of `dtype`, if it is exactly such a value. A
// decimal of another scale is rescaled when that loses no digits.
fn column_value(value: &Scalar, dtype: &DataType) -> Option<Scalar> {
    if value.dtype() == dtype {
        return (!value.is_null()).then(|| value.clone());
    }
    #[cfg(feature = "dtype-decimal")]
    if let (AnyValue::Decimal(v, _, old_scale), DataType::Decimal(precision, scale)) =
        (value.as_any_value(), dtype)
    {
        let rescaled = dec128_rescale(v, old_scale, *precision, *scale)?;
        // `dec128_rescale` skips the precision check when the scale is unchanged.
        let exact = dec128_fits(rescaled, *precision) && dec128_eq(rescaled, *scale, v, old_scale);
        return exact.then(|| {
            Scalar::new(
                dtype.clone(),
                AnyValue::Decimal(rescaled, *precision, *scale),
            )
        });
    }
    None
}

// Whether `a == b` on two columns of these dtypes compares their values exactly,
// so constraints carry over (converted with `column_value`).
fn values_compare_exactly(a: &DataType, b: &DataType) -> bool {
    a == b || (a.is_decimal() && b.is_decimal())
}

// Whether every column in `node` is in `schema` with a modeled dtype, and every
// `is_in` compares in its column's dtype (not, e.g., strings searched for an enum).
fn compares_in_literal_order(node: Node, schema: &Schema, expr_arena: &Arena<AExpr>) -> bool {
    expr_arena.iter(node).all(|(_, ae)| match ae {
        AExpr::Column(name) => schema.get(name).is_some_and(is_modeled_dtype),
        #[cfg(feature = "is_in")]
        AExpr::Function {
            function: function @ IRFunctionExpr::Boolean(IRBooleanFunction::IsIn { .. }),
            input,
            ..
        } => match (
            expr_arena.get(input[0].node()),
            expr_arena.get(input[1].node()),
        ) {
            (AExpr::Column(name), AExpr::Literal(lv)) => schema.get(name).is_some_and(|dtype| {
                function.membership_compares_in_needle_dtype(dtype, &lv.get_datatype())
            }),
            _ => true,
        },
        _ => true,
    })
}

// Orders two values of one column.
fn scalar_cmp(a: &Scalar, b: &Scalar) -> Ordering {
    debug_assert_eq!(a.dtype(), b.dtype());
    a.as_any_value()
        .partial_cmp(&b.as_any_value())
        .expect("modeled dtypes are totally ordered")
}

// `PlIndexSet` (not a hash set) keeps insertion order so the rebuilt conjuncts stay
// deterministic.
#[derive(Clone)]
struct ColumnConstraints {
    // The column's dtype; every value below has it.
    dtype: DataType,
    // `bool` = inclusive (`>=`/`<=` vs `>`/`<`). `== x` is an inclusive `[x, x]`.
    lower: Option<(Scalar, bool)>,
    upper: Option<(Scalar, bool)>,
    // `!= x` values, resolved against the bounds in `resolve_deferred`.
    excluded: PlIndexSet<Scalar>,
    // Intersection of all `is_in` haystacks; resolved against bounds in `resolve_deferred`.
    allowed: Option<PlIndexSet<Scalar>>,
    // Union of all `!is_in` haystacks; the dual of `allowed`. Used for contradiction
    // detection only, never emitted (a large `!is_in` must not explode into N `!=`).
    disallowed: PlIndexSet<Scalar>,
    // Nullability required by `is_null` / `is_not_null` on this column.
    nullability: Nullability,
    // Empty value set (unsatisfiable). Set by any stage (crossed bounds,
    // `!=`/`is_in`/`!is_in`, cross-column conflict, null/value conflict) and sticky,
    // so `add_*` bail early once set.
    unsat: bool,
}

impl ColumnConstraints {
    fn new(dtype: DataType) -> Self {
        Self {
            dtype,
            lower: None,
            upper: None,
            excluded: PlIndexSet::new(),
            allowed: None,
            disallowed: PlIndexSet::new(),
            nullability: Nullability::Unconstrained,
            unsat: false,
        }
    }

    // Keep the tighter bound, returning whether the slot changed. `tighter` is the
    // new-vs-existing ordering that means the new bound wins (`Greater` lower, `Less` upper).
    fn tighten(
        slot: &mut Option<(Scalar, bool)>,
        value: Scalar,
        inclusive: bool,
        tighter: Ordering,
    ) -> bool {
        let Some((existing, existing_inclusive)) = slot else {
            *slot = Some((value, inclusive));
            return true;
        };
        match scalar_cmp(&value, existing) {
            // Strictly tighter value wins; the bound always changes.
            ord if ord == tighter => {
                *slot = Some((value, inclusive));
                true
            },
            // Same value: an exclusive bound is tighter than an inclusive one.
            Ordering::Equal => {
                let changed = *existing_inclusive && !inclusive;
                *existing_inclusive &= inclusive;
                changed
            },
            // Less tight: keep the existing bound.
            _ => false,
        }
    }

    // Keep the wider bound, dropping it when `other` has none. `wider` is the
    // other-vs-existing ordering that means the other bound wins (`Less` lower,
    // `Greater` upper).
    fn widen_slot(
        slot: &mut Option<(Scalar, bool)>,
        other: &Option<(Scalar, bool)>,
        wider: Ordering,
    ) {
        let (Some((value, inclusive)), Some((other_value, other_inclusive))) = (&*slot, other)
        else {
            *slot = None;
            return;
        };
        match scalar_cmp(other_value, value) {
            ord if ord == wider => *slot = Some((other_value.clone(), *other_inclusive)),
            // Same value: the inclusive bound is the wider of the two.
            Ordering::Equal => *slot = Some((value.clone(), *inclusive || *other_inclusive)),
            _ => {},
        }
    }

    // Loosens the bounds to also admit everything `other` admits. Returns whether a
    // bound is left.
    fn widen(&mut self, other: &Self) -> bool {
        Self::widen_slot(&mut self.lower, &other.lower, Ordering::Less);
        Self::widen_slot(&mut self.upper, &other.upper, Ordering::Greater);
        self.lower.is_some() || self.upper.is_some()
    }

    fn add_lower(&mut self, value: Scalar, inclusive: bool) -> bool {
        if self.unsat {
            return false;
        }
        let changed = Self::tighten(&mut self.lower, value, inclusive, Ordering::Greater);
        self.check_bound_consistency();
        changed
    }

    fn add_upper(&mut self, value: Scalar, inclusive: bool) -> bool {
        if self.unsat {
            return false;
        }
        let changed = Self::tighten(&mut self.upper, value, inclusive, Ordering::Less);
        self.check_bound_consistency();
        changed
    }

    fn add_excluded(&mut self, value: Scalar) -> bool {
        if self.unsat {
            return false;
        }
        // `insert` dedups, so repeated `!= x` collapse to one.
        self.excluded.insert(value)
    }

    #[cfg(feature = "is_in")]
    fn add_allowed(&mut self, values: PlIndexSet<Scalar>) -> bool {
        if self.unsat {
            return false;
        }
        match &mut self.allowed {
            None => {
                self.allowed = Some(values);
                true
            },
            // A second `is_in` intersects: keep only values present in both.
            Some(existing) => {
                let before = existing.len();
                existing.retain(|e| values.contains(e));
                existing.len() != before
            },
        }
    }

    // Adds a `!is_in` haystack to the disallowed set (union: a value is disallowed
    // if any `!is_in` excludes it).
    #[cfg(feature = "is_in")]
    fn add_disallowed(&mut self, values: impl IntoIterator<Item = Scalar>) -> bool {
        if self.unsat {
            return false;
        }
        let before = self.disallowed.len();
        self.disallowed.extend(values);
        self.disallowed.len() != before
    }

    // Whether a conjunct that stays in the rebuilt chain drops the nulls of this
    // column. `!is_in` is left out: with `nulls_equal` it keeps nulls.
    fn drops_nulls(&self) -> bool {
        self.lower.is_some()
            || self.upper.is_some()
            || !self.excluded.is_empty()
            || self.allowed.is_some()
    }

    fn has_value_constraint(&self) -> bool {
        self.drops_nulls() || !self.disallowed.is_empty()
    }

    // Records an `is_null` (`Null`) / `is_not_null` (`NonNull`) requirement. The first
    // wins; the opposite requirement makes the column impossible. The `Null`-vs-value
    // contradiction is checked once in `resolve_deferred` (a value drops nulls).
    fn require_nullability(&mut self, required: Nullability) {
        debug_assert!(
            required != Nullability::Unconstrained,
            "callers require Null or NonNull"
        );
        if self.nullability == Nullability::Unconstrained {
            self.nullability = required;
        } else if self.nullability != required {
            self.unsat = true; // opposite requirement: `is_null` AND `is_not_null`
        }
    }

    // Intersects another column's constraints into this one (for `col == col`: on a
    // surviving row the two are equal, so each bound/exclusion/`is_in`/`!is_in` holds
    // for both). Values of `other` that aren't values of this column's dtype can't be
    // equal to any value here: such a bound isn't carried over (its own conjunct
    // stays), and such a set member is dropped. Returns `(emitted, any)` change flags. The split matters: bounds and
    // `!=` feed the rebuilt chain, so they may trigger a rewrite; `is_in`/`!is_in`
    // only detect contradictions and are never emitted, so counting them as a rewrite
    // trigger would re-fire the rule on its own (unchanged) output every pass, and
    // the optimizer would never converge. They still drive the propagation fixpoint
    // via `any` so transitive chains complete.
    fn merge_from(&mut self, other: &ColumnConstraints) -> (bool, bool) {
        if self.unsat {
            return (false, false);
        }
        let dtype = self.dtype.clone();
        let convert = |value: &Scalar| column_value(value, &dtype);
        let mut emitted = false;
        let mut any = false;
        if let Some((value, inclusive)) = &other.lower
            && let Some(value) = convert(value)
        {
            emitted |= self.add_lower(value, *inclusive);
        }
        if let Some((value, inclusive)) = &other.upper
            && let Some(value) = convert(value)
        {
            emitted |= self.add_upper(value, *inclusive);
        }
        for value in other.excluded.iter().filter_map(convert) {
            emitted |= self.add_excluded(value);
        }
        #[cfg(feature = "is_in")]
        if let Some(values) = &other.allowed {
            any |= self.add_allowed(values.iter().filter_map(convert).collect());
        }
        #[cfg(feature = "is_in")]
        {
            any |= self.add_disallowed(other.disallowed.iter().filter_map(convert));
        }
        any |= emitted;
        (emitted, any)
    }

    // Marks the column impossible when the lower bound exceeds the upper (empty range).
    fn check_bound_consistency(&mut self) {
        if self.unsat {
            return;
        }
        if let (Some((lo, lo_inc)), Some((hi, hi_inc))) = (&self.lower, &self.upper) {
            match scalar_cmp(lo, hi) {
                Ordering::Greater => self.unsat = true,
                Ordering::Equal if !(*lo_inc && *hi_inc) => self.unsat = true,
                _ => {},
            }
        }
    }

    // Resolves the `!=` exclusions and `is_in` set against the now-known bounds. An
    // exclusion on an inclusive endpoint tightens it (`x >= 3 AND x != 3` to `x > 3`),
    // one outside the range drops, one inside stays; may make the column impossible.
    // Deliberately does NOT do discrete-successor tightening (`x > 2 AND x != 3` to
    // `x >= 4` for integer dtypes): that needs per-dtype successor arithmetic with
    // overflow handling at the type bounds plus sorted exclusions, left as follow-up.
    fn resolve_deferred(&mut self) {
        // A value constraint drops nulls, so it can't coexist with an `is_null`
        // requirement (`a.is_null() AND a > 5`). Checked here so it holds regardless
        // of the order the conjuncts arrived in. Soundness rests on every source of a
        // value constraint being null-dropping under K3 (bounds, `!=`, `is_in`,
        // `!is_in`); the null-*preserving* ops `eq_missing` / `ne_missing`
        // (`EqValidity` / `NotEqValidity`) must therefore stay `Opaque` and never feed
        // `has_value_constraint`, or `a.is_null() AND a.ne_missing(4)` would wrongly
        // collapse (it's satisfiable on the null rows).
        if self.nullability == Nullability::Null && self.has_value_constraint() {
            self.unsat = true;
            return;
        }

        for key in std::mem::take(&mut self.excluded) {
            if self.unsat {
                break;
            }
            match self.classify_excluded(&key) {
                ExcludedResolution::Drop => {},
                ExcludedResolution::Keep => {
                    self.excluded.insert(key);
                },
                ExcludedResolution::TightenLower => self.lower = Some((key, false)),
                ExcludedResolution::TightenUpper => self.upper = Some((key, false)),
            }
            self.check_bound_consistency();
        }

        // `is_in` confines the column to a finite set; impossible if no member is
        // feasible (disjoint `is_in`, or `is_in([1, 2]) AND a != 1 AND a != 2`). The
        // `is_feasible` check also rejects any `!is_in`-disallowed value.
        if !self.unsat {
            if let Some(allowed) = &self.allowed {
                if !allowed.iter().any(|v| self.is_feasible(v)) {
                    self.unsat = true;
                }
            }
        }

        // A value pinned by `== v` and also `!is_in`-disallowed is impossible
        // (`x == 2 AND !x.is_in([2])`). The `allowed` scan above covers the
        // `is_in`-confined case; this covers the bound-pinned one.
        if !self.unsat {
            if let Some(v) = self.fixed_value() {
                if self.disallowed.contains(v) {
                    self.unsat = true;
                }
            }
        }
    }

    // Whether `value` survives the bounds, exclusions, and `is_in` set.
    fn is_feasible(&self, value: &Scalar) -> bool {
        if let Some((lo, lo_inc)) = &self.lower {
            match scalar_cmp(value, lo) {
                Ordering::Less => return false,
                Ordering::Equal if !lo_inc => return false,
                _ => {},
            }
        }
        if let Some((hi, hi_inc)) = &self.upper {
            match scalar_cmp(value, hi) {
                Ordering::Greater => return false,
                Ordering::Equal if !hi_inc => return false,
                _ => {},
            }
        }
        if self.excluded.contains(value) || self.disallowed.contains(value) {
            return false;
        }
        // Confined to the `is_in` set when one is present.
        self.allowed
            .as_ref()
            .is_none_or(|allowed| allowed.contains(value))
    }

    // The single value the column is pinned to (`== v`, an inclusive `[v, v]`), if any.
    fn fixed_value(&self) -> Option<&Scalar> {
        match (&self.lower, &self.upper) {
            (Some((lo, true)), Some((hi, true))) if lo == hi => Some(lo),
            _ => None,
        }
    }

    fn classify_excluded(&self, value: &Scalar) -> ExcludedResolution {
        if let Some((lo, lo_inc)) = &self.lower {
            match scalar_cmp(value, lo) {
                Ordering::Less => return ExcludedResolution::Drop,
                Ordering::Equal => {
                    return if *lo_inc {
                        ExcludedResolution::TightenLower
                    } else {
                        ExcludedResolution::Drop
                    };
                },
                _ => {},
            }
        }
        if let Some((hi, hi_inc)) = &self.upper {
            match scalar_cmp(value, hi) {
                Ordering::Greater => return ExcludedResolution::Drop,
                Ordering::Equal => {
                    return if *hi_inc {
                        ExcludedResolution::TightenUpper
                    } else {
                        ExcludedResolution::Drop
                    };
                },
                _ => {},
            }
        }
        ExcludedResolution::Keep
    }
}

// One `AND` chain modeled per column.
struct ConstraintModel {
    constraints: PlIndexMap<PlSmallStr, ColumnConstraints>,
    // Conjuncts the model does not describe, kept for a rebuild. Includes the
    // `is_not_null` conjuncts.
    opaque: Vec<Node>,
    // `is_in` conjuncts in the model's allowed sets, also kept for a rebuild.
    memberships: Vec<Node>,
    // The columns of the `is_not_null` conjuncts in `opaque`.
    not_nulls: Vec<(PlSmallStr, Node)>,
    num_bound_conjuncts: usize,
    normalized: bool,
    propagated: bool,
    dropped_equality: bool,
    unsat: bool,
}

// Runs stages 1 to 3 of the module docs over `predicate`.
fn model_and_chain(predicate: Node, schema: &Schema, expr_arena: &Arena<AExpr>) -> ConstraintModel {
    // Collect bounds per column; unmodeled conjuncts kept aside, `col == col`
    // routed to `edges` for cross-column propagation. Stop early once a column is
    // impossible (the whole filter is then false).
    let mut constraints: PlIndexMap<PlSmallStr, ColumnConstraints> = PlIndexMap::new();
    let mut opaque: Vec<Node> = Vec::new();
    #[cfg_attr(not(feature = "is_in"), allow(unused_mut))]
    let mut memberships: Vec<Node> = Vec::new();
    let mut not_nulls: Vec<(PlSmallStr, Node)> = Vec::new();
    let mut edges: Vec<(PlSmallStr, PlSmallStr, Node)> = Vec::new();
    let mut num_bound_conjuncts = 0usize;
    let mut normalized = false;
    let mut unsat = false;

    for conjunct in MintermIter::new(predicate, expr_arena) {
        // An `OR` is left opaque.
        if expr_arena.get(conjunct).is_or()
            || !compares_in_literal_order(conjunct, schema, expr_arena)
        {
            opaque.push(conjunct);
            continue;
        }
        match classify_into_constraints(
            expr_arena.get(conjunct),
            schema,
            expr_arena,
            &mut constraints,
        ) {
            Classification::Unsat => {
                unsat = true;
                break;
            },
            Classification::Bound => num_bound_conjuncts += 1,
            Classification::Normalized => {
                num_bound_conjuncts += 1;
                normalized = true;
            },
            Classification::Equality(a, b) => edges.push((a, b, conjunct)),
            Classification::NotNull(name) => {
                not_nulls.push((name, conjunct));
                opaque.push(conjunct);
            },
            #[cfg(feature = "is_in")]
            Classification::Membership => memberships.push(conjunct),
            Classification::Opaque => opaque.push(conjunct),
        }
    }

    // Cross-column propagation: merge each equality class's constraints across its
    // members (`a == b AND a > 5` gives `b > 5`). Before `resolve_deferred`, so
    // `!=`/`is_in` resolve against any propagated bounds.
    let mut unpropagated = None;
    let mut dropped_equality = false;
    // No `col == col` edges means nothing to propagate.
    if !unsat && !edges.is_empty() {
        let before = constraints.clone();
        if propagate_equalities(&mut constraints, &edges) {
            unpropagated = Some(before);
        }

        // Drop `a == b` once both ends are fixed to the same value (redundant);
        // otherwise keep it among the opaque conjuncts for the rebuild.
        let fixed_value = |name| {
            constraints
                .get(name)
                .and_then(ColumnConstraints::fixed_value)
        };
        for (a, b, node) in &edges {
            if let (Some(x), Some(y)) = (fixed_value(a), fixed_value(b))
                && column_value(x, y.dtype()).as_ref() == Some(y)
            {
                dropped_equality = true;
            } else {
                opaque.push(*node);
            }
        }
    }

    // Resolve `!=`/`is_in` against the final bounds (deferred since it needs them,
    // including propagated values, and can newly make a column impossible). `any`
    // is lazy, so it stops at the first impossible column.
    if !unsat {
        unsat = constraints.values_mut().any(|cc| {
            cc.resolve_deferred();
            cc.unsat
        });
    }

    // A propagated `!=` can resolve away again, so compare what is emitted with and
    // without propagation. Counting it as a change would rewrite the same chain on
    // every optimizer pass.
    let propagated = !unsat
        && unpropagated.is_some_and(|mut before| {
            before
                .values_mut()
                .for_each(ColumnConstraints::resolve_deferred);
            emitted_comparisons(&before) != emitted_comparisons(&constraints)
        });

    ConstraintModel {
        constraints,
        opaque,
        memberships,
        not_nulls,
        num_bound_conjuncts,
        normalized,
        propagated,
        dropped_equality,
        unsat,
    }
}

/// The value constraints of one column in an `AND` chain, merged over its
/// conjuncts.
pub(crate) struct ColumnBounds {
    pub name: PlSmallStr,
    /// `bool` = inclusive.
    pub lower: Option<(Scalar, bool)>,
    pub upper: Option<(Scalar, bool)>,
    /// `!= value` conjuncts left after merging with the bounds.
    pub excluded: Vec<Scalar>,
    /// Values every `is_in` on the column allows.
    pub allowed: Option<Vec<Scalar>>,
}

/// `predicate`'s `AND` chain split into per-column constraints and the conjuncts
/// they do not describe.
pub(crate) struct AndChainBounds {
    /// The conjuncts cannot all hold.
    pub unsat: bool,
    pub columns: Vec<ColumnBounds>,
    pub other: Vec<Node>,
}

pub(crate) fn and_chain_bounds(
    predicate: Node,
    schema: &Schema,
    expr_arena: &Arena<AExpr>,
) -> AndChainBounds {
    let model = model_and_chain(predicate, schema, expr_arena);
    let columns = model
        .constraints
        .into_iter()
        .filter(|(_, cc)| {
            cc.lower.is_some()
                || cc.upper.is_some()
                || !cc.excluded.is_empty()
                || cc.allowed.is_some()
        })
        .map(|(name, cc)| ColumnBounds {
            name,
            lower: cc.lower,
            upper: cc.upper,
            excluded: cc.excluded.into_iter().collect(),
            allowed: cc.allowed.map(|allowed| allowed.into_iter().collect()),
        })
        .collect();
    AndChainBounds {
        unsat: model.unsat,
        columns,
        other: model.opaque,
    }
}

/// Rewrites `predicate`'s `AND` chain to a tighter equivalent, or `None` if
/// nothing changes. Either collapses to `Literal(false)` when the comparisons
/// can't all hold (letting the filter become an empty scan), or merges redundant
/// per-column comparisons into the tightest set (`a >= 1 AND a >= 5` to `a >= 5`,
/// `a >= 3 AND a != 3` to `a > 3`).
pub(crate) fn merge_filter_constraints(
    predicate: Node,
    schema: &Schema,
    maintain_errors: bool,
    expr_arena: &mut Arena<AExpr>,
) -> Option<Node> {
    let ConstraintModel {
        constraints,
        mut opaque,
        memberships,
        not_nulls,
        num_bound_conjuncts,
        normalized,
        propagated,
        dropped_equality,
        unsat,
    } = model_and_chain(predicate, schema, expr_arena);

    if unsat {
        // Collapsing to `false` drops the filter, so an expression that would have
        // errored no longer runs; only do it when errors needn't be kept (same rule
        // as predicate pushdown). No determinism check needed: contradictions are
        // decided only by bare `col`/`lit` shapes (comparisons, `is_in`, null checks),
        // and a plain column is deterministic.
        let mut group = ExprPushdownGroup::Pushable;
        group.update_with_expr_rec(expr_arena.get(predicate), expr_arena, None);
        if group.blocks_pushdown(maintain_errors) {
            return None;
        }
        return Some(expr_arena.add(AExpr::Literal(Scalar::from(false).into())));
    }

    // Satisfiable: collect the tightest comparisons per column. Dropping a redundant
    // `col op lit` is sound regardless of `maintain_errors` (each is pure/infallible
    // and every other conjunct is kept). Built arena-free, so the common no-op path
    // adds no nodes.
    let comparisons = emitted_comparisons(&constraints);

    // Rewrite only if something changed, so the optimizer loop ends.
    let tightened = comparisons.len() < num_bound_conjuncts;
    let redundant_not_nulls: Vec<Node> = not_nulls
        .into_iter()
        .filter(|(name, _)| constraints.get(name).is_some_and(|cc| cc.drops_nulls()))
        .map(|(_, node)| node)
        .collect();

    if !(tightened
        || normalized
        || propagated
        || dropped_equality
        || !redundant_not_nulls.is_empty())
    {
        return None;
    }
    opaque.retain(|node| !redundant_not_nulls.contains(node));

    // Materialize the nodes now that we know we rewrite.
    opaque.extend(memberships);
    for (name, op, value) in comparisons {
        opaque.push(comparison_node(name, op, value.clone(), expr_arena));
    }
    Some(fold_and(opaque, expr_arena))
}

// Merges constraints across each `col == col` edge both ways, to a fixpoint so
// transitive chains (`a == b AND b == c`) propagate. Carries bounds (`a > 5` to
// `b > 5`), folds equal fixed values, and flags conflicts impossible via the
// bound-consistency check (`a == b AND a == 5 AND b == 6`). Each merge only
// tightens, so it terminates. Returns whether anything *emittable* (a bound or
// `!=`) was propagated; see `merge_from` for why `is_in`/`!is_in` propagation
// advances the fixpoint but must not report as a change.
fn propagate_equalities(
    constraints: &mut PlIndexMap<PlSmallStr, ColumnConstraints>,
    edges: &[(PlSmallStr, PlSmallStr, Node)],
) -> bool {
    let mut emitted_changed = false;
    loop {
        let mut progressed = false;
        for (a, b, _) in edges {
            if a == b {
                continue; // self-edge (`col == col` on one column): nothing to merge
            }
            // Borrow both ends at once so neither needs cloning. Merging `b ← a` then
            // `a ← b` matches snapshotting both first: `a`'s pre-state is already in
            // `a`, so the second merge adds only what `b` originally held.
            let [Some(ca), Some(cb)] = constraints.get_disjoint_mut([a, b]) else {
                continue;
            };
            let (emitted_into_b, any_into_b) = cb.merge_from(ca);
            let (emitted_into_a, any_into_a) = ca.merge_from(cb);
            emitted_changed |= emitted_into_b || emitted_into_a;
            progressed |= any_into_b || any_into_a;
        }
        if !progressed {
            return emitted_changed;
        }
    }
}

// Classifies one conjunct, folding any `col op lit` bound into its column.
// A leading `!(...)` is pushed inward (`classify_negation`). Unmodeled shapes are
// reported as `Opaque` and kept verbatim by the caller. `is_in` is `Membership`,
// `is_not_null` is `NotNull` and `is_null` is `Opaque`; all record (haystack /
// nullability) for contradiction detection.
fn classify_into_constraints(
    ae: &AExpr,
    schema: &Schema,
    expr_arena: &Arena<AExpr>,
    constraints: &mut PlIndexMap<PlSmallStr, ColumnConstraints>,
) -> Classification {
    match ae {
        AExpr::BinaryExpr { left, op, right } => {
            classify_comparison(*left, *op, *right, schema, expr_arena, constraints)
        },
        AExpr::Function {
            input,
            function,
            options: _,
        } => {
            // Only a boolean function can be a predicate we model; anything else opaque.
            let IRFunctionExpr::Boolean(func) = function else {
                return Classification::Opaque;
            };
            match func {
                // `!(...)`: push the negation inward over the shapes we model (a
                // comparison, `is_in`, `is_null` / `is_not_null`).
                IRBooleanFunction::Not => {
                    classify_negation(input[0].node(), schema, expr_arena, constraints)
                },
                #[cfg(feature = "is_between")]
                IRBooleanFunction::IsBetween { closed } => {
                    assert_eq!(
                        input.len(),
                        3,
                        "is_between has 3 inputs: value, lower, upper"
                    );
                    classify_is_between(
                        input[0].node(),
                        input[1].node(),
                        input[2].node(),
                        *closed,
                        schema,
                        expr_arena,
                        constraints,
                    )
                },
                // Record the haystack as an allowed-set for contradiction detection
                // only; keep the `is_in` node (we don't rewrite it, its null handling
                // is subtle). `compares_in_literal_order` admits only haystacks of the
                // column's values.
                #[cfg(feature = "is_in")]
                IRBooleanFunction::IsIn { .. } => {
                    let Some(col_name) = as_column(expr_arena.get(input[0].node())) else {
                        return Classification::Opaque;
                    };
                    let cc = column_constraints(constraints, schema, col_name);
                    match as_value_set(expr_arena.get(input[1].node()), &cc.dtype) {
                        Some(values) => {
                            cc.add_allowed(values.into_iter().collect());
                            Classification::Membership
                        },
                        None => Classification::Opaque,
                    }
                },
                // `is_null` / `is_not_null` record a nullability requirement for
                // contradiction detection (`a.is_null() AND a > 5` is impossible since
                // any comparison drops nulls).
                IRBooleanFunction::IsNull => classify_null(
                    input[0].node(),
                    Nullability::Null,
                    schema,
                    expr_arena,
                    constraints,
                ),
                IRBooleanFunction::IsNotNull => classify_null(
                    input[0].node(),
                    Nullability::NonNull,
                    schema,
                    expr_arena,
                    constraints,
                ),
                _ => Classification::Opaque,
            }
        },
        // Not a `col op lit`, so no bound. Listed explicitly (no `_`) so a new
        // `AExpr` variant fails to compile here and forces a decision.
        AExpr::Element
        | AExpr::Explode { .. }
        | AExpr::Column(_)
        | AExpr::Literal(_)
        | AExpr::Cast { .. }
        | AExpr::Sort { .. }
        | AExpr::Gather { .. }
        | AExpr::SortBy { .. }
        | AExpr::Filter { .. }
        | AExpr::Agg(_)
        | AExpr::Ternary { .. }
        | AExpr::AnonymousAgg { .. }
        | AExpr::AnonymousFunction { .. }
        | AExpr::Eval { .. }
        | AExpr::Over { .. }
        | AExpr::Slice { .. }
        | AExpr::Len => Classification::Opaque,
        #[cfg(feature = "dtype-struct")]
        AExpr::StructField(_) => Classification::Opaque,
        #[cfg(feature = "dtype-struct")]
        AExpr::StructEval { .. } => Classification::Opaque,
        #[cfg(feature = "dynamic_group_by")]
        AExpr::Rolling { .. } => Classification::Opaque,
    }
}

// Classifies `col op lit` / `lit op col`, plus `col == col` as an `Equality` edge.
fn classify_comparison(
    left: Node,
    op: Operator,
    right: Node,
    schema: &Schema,
    expr_arena: &Arena<AExpr>,
    constraints: &mut PlIndexMap<PlSmallStr, ColumnConstraints>,
) -> Classification {
    // Normalize to `col op lit`; both-columns or both-literals has no single-column
    // bound. Null literals are skipped so we only reason about real values.
    let (col_name, lit, op) = match (expr_arena.get(left), expr_arena.get(right)) {
        (AExpr::Column(name), AExpr::Literal(LiteralValue::Scalar(lit))) if !lit.is_null() => {
            (name.clone(), lit.clone(), op)
        },
        (AExpr::Literal(LiteralValue::Scalar(lit)), AExpr::Column(name)) if !lit.is_null() => {
            let Some(op) = op.swap_operands() else {
                return Classification::Opaque;
            };
            (name.clone(), lit.clone(), op)
        },
        (AExpr::Column(a), AExpr::Column(b)) => {
            // Both sides columns. A null-propagating comparison drops rows where
            // either operand is null (K3), so both columns are non-null on surviving
            // rows; recording that lets e.g. `a <= b AND a.is_null()` collapse (the
            // validity forms keep nulls, hence the restriction). `==` additionally
            // yields a cross-column propagation edge (both ends share a value on
            // every surviving row); the others are kept verbatim.
            if op.is_null_propagating_comparison() {
                column_constraints(constraints, schema, a.clone())
                    .require_nullability(Nullability::NonNull);
                column_constraints(constraints, schema, b.clone())
                    .require_nullability(Nullability::NonNull);
                if op == Operator::Eq
                    && values_compare_exactly(&constraints[a].dtype, &constraints[b].dtype)
                {
                    return Classification::Equality(a.clone(), b.clone());
                }
            }
            return Classification::Opaque;
        },
        _ => return Classification::Opaque,
    };

    let cc = column_constraints(constraints, schema, col_name);
    let Some(lit) = column_value(&lit, &cc.dtype) else {
        return Classification::Opaque;
    };
    match op {
        Operator::Gt => {
            cc.add_lower(lit, false);
        },
        Operator::GtEq => {
            cc.add_lower(lit, true);
        },
        Operator::Lt => {
            cc.add_upper(lit, false);
        },
        Operator::LtEq => {
            cc.add_upper(lit, true);
        },
        // `== x` is an inclusive lower and upper bound, both `x`.
        Operator::Eq => {
            cc.add_lower(lit.clone(), true);
            cc.add_upper(lit, true);
        },
        // `!= x` is an excluded value, resolved against the bounds in `resolve_deferred`.
        Operator::NotEq => {
            cc.add_excluded(lit);
        },
        // Null-aware comparisons (`eq_missing` / `ne_missing`) keep nulls, so they
        // don't map to a value constraint. Must stay `Opaque`: modeling `ne_missing`
        // as an exclusion would break the `is_null`-vs-value contradiction in
        // `resolve_deferred` (see the invariant noted there).
        Operator::EqValidity | Operator::NotEqValidity => return Classification::Opaque,
        // And/or and arithmetic aren't a `col op lit` comparison.
        Operator::And
        | Operator::Or
        | Operator::Xor
        | Operator::LogicalAnd
        | Operator::LogicalOr
        | Operator::Plus
        | Operator::Minus
        | Operator::Multiply
        | Operator::RustDivide
        | Operator::TrueDivide
        | Operator::FloorDivide
        | Operator::TruncDivide
        | Operator::Modulus => return Classification::Opaque,
    }
    if cc.unsat {
        Classification::Unsat
    } else {
        Classification::Bound
    }
}

// The constraints of column `name`, which `compares_in_literal_order` checked is
// in `schema`.
fn column_constraints<'a>(
    constraints: &'a mut PlIndexMap<PlSmallStr, ColumnConstraints>,
    schema: &Schema,
    name: PlSmallStr,
) -> &'a mut ColumnConstraints {
    constraints.entry(name).or_insert_with_key(|name| {
        let dtype = schema
            .get(name)
            .expect("checked by `compares_in_literal_order`");
        ColumnConstraints::new(dtype.clone())
    })
}

// Pushes a logical `NOT` inward, the only negations we model:
//   `!(x > 5)` to `x <= 5` (and the other comparisons),
//   `!x.is_in([3, 5, 6])` records 3, 5, 6 as disallowed (node kept verbatim),
//   `!x.is_null()` / `!x.is_not_null()` to the flipped nullability requirement.
// Sound under K3 nulls (both sides drop nulls) and polars' total-order NaN
// handling (NaN is the greatest value, so the complementary comparison agrees on
// every non-null value, NaN included; this would be unsound under IEEE NaN). De
// Morgan over `AND`/`OR` is out of scope (this rule is conjunction-only), so any
// other inner stays opaque.
fn classify_negation(
    inner: Node,
    schema: &Schema,
    expr_arena: &Arena<AExpr>,
    constraints: &mut PlIndexMap<PlSmallStr, ColumnConstraints>,
) -> Classification {
    match expr_arena.get(inner) {
        AExpr::BinaryExpr { left, op, right } => {
            let Some(negated) = op.negate() else {
                return Classification::Opaque;
            };
            // A folded bound becomes `Normalized` (forces the rewrite that drops the
            // `!` node); `Unsat` / `Equality` (`!(a != b)` is `a == b`) / `Opaque`
            // (`!(a == b)`, two columns) pass through unchanged.
            match classify_comparison(*left, negated, *right, schema, expr_arena, constraints) {
                Classification::Bound => Classification::Normalized,
                other => other,
            }
        },
        // `!is_in(haystack)` disallows each haystack member: recorded for
        // contradiction detection only, the node kept verbatim (never rewritten
        // into `!=` terms). Same conservatism as positive `is_in` (literal,
        // null-free haystack only, enforced by `as_value_set`).
        #[cfg(feature = "is_in")]
        AExpr::Function {
            input,
            function: IRFunctionExpr::Boolean(IRBooleanFunction::IsIn { .. }),
            ..
        } => {
            if let Some(col_name) = as_column(expr_arena.get(input[0].node())) {
                let cc = column_constraints(constraints, schema, col_name);
                if let Some(values) = as_value_set(expr_arena.get(input[1].node()), &cc.dtype) {
                    cc.add_disallowed(values);
                }
            }
            Classification::Opaque
        },
        // `!(is_null)` is `is_not_null` and vice versa; record the flipped
        // nullability, like the direct `is_null` case.
        AExpr::Function {
            input,
            function: IRFunctionExpr::Boolean(IRBooleanFunction::IsNull),
            ..
        } => classify_null(
            input[0].node(),
            Nullability::NonNull,
            schema,
            expr_arena,
            constraints,
        ),
        AExpr::Function {
            input,
            function: IRFunctionExpr::Boolean(IRBooleanFunction::IsNotNull),
            ..
        } => classify_null(
            input[0].node(),
            Nullability::Null,
            schema,
            expr_arena,
            constraints,
        ),
        // Negation of any other shape isn't a constraint we model; kept verbatim.
        AExpr::Function { .. }
        | AExpr::Element
        | AExpr::Explode { .. }
        | AExpr::Column(_)
        | AExpr::Literal(_)
        | AExpr::Cast { .. }
        | AExpr::Sort { .. }
        | AExpr::Gather { .. }
        | AExpr::SortBy { .. }
        | AExpr::Filter { .. }
        | AExpr::Agg(_)
        | AExpr::Ternary { .. }
        | AExpr::AnonymousAgg { .. }
        | AExpr::AnonymousFunction { .. }
        | AExpr::Eval { .. }
        | AExpr::Over { .. }
        | AExpr::Slice { .. }
        | AExpr::Len => Classification::Opaque,
        #[cfg(feature = "dtype-struct")]
        AExpr::StructField(_) => Classification::Opaque,
        #[cfg(feature = "dtype-struct")]
        AExpr::StructEval { .. } => Classification::Opaque,
        #[cfg(feature = "dynamic_group_by")]
        AExpr::Rolling { .. } => Classification::Opaque,
    }
}

// Records an `is_null` (`Null`) / `is_not_null` (`NonNull`) requirement on a bare
// column, for contradiction detection. A non-column argument (e.g.
// `(a + b).is_null()`) stays opaque.
fn classify_null(
    col: Node,
    required: Nullability,
    schema: &Schema,
    expr_arena: &Arena<AExpr>,
    constraints: &mut PlIndexMap<PlSmallStr, ColumnConstraints>,
) -> Classification {
    let Some(col_name) = as_column(expr_arena.get(col)) else {
        return Classification::Opaque;
    };
    let cc = column_constraints(constraints, schema, col_name.clone());
    cc.require_nullability(required);
    if cc.unsat {
        Classification::Unsat
    } else if required == Nullability::NonNull {
        Classification::NotNull(col_name)
    } else {
        Classification::Opaque
    }
}

// Splits `is_between(col, lo, hi, closed)` into a lower and an upper bound.
#[cfg(feature = "is_between")]
fn classify_is_between(
    col: Node,
    lo: Node,
    hi: Node,
    closed: ClosedInterval,
    schema: &Schema,
    expr_arena: &Arena<AExpr>,
    constraints: &mut PlIndexMap<PlSmallStr, ColumnConstraints>,
) -> Classification {
    let Some(col_name) = as_column(expr_arena.get(col)) else {
        return Classification::Opaque;
    };
    let cc = column_constraints(constraints, schema, col_name);
    let Some(lo_lit) = as_column_value(expr_arena.get(lo), &cc.dtype) else {
        return Classification::Opaque;
    };
    let Some(hi_lit) = as_column_value(expr_arena.get(hi), &cc.dtype) else {
        return Classification::Opaque;
    };
    let (lo_inclusive, hi_inclusive) = match closed {
        ClosedInterval::Both => (true, true),
        ClosedInterval::Left => (true, false),
        ClosedInterval::Right => (false, true),
        ClosedInterval::None => (false, false),
    };
    cc.add_lower(lo_lit, lo_inclusive);
    cc.add_upper(hi_lit, hi_inclusive);
    if cc.unsat {
        Classification::Unsat
    } else {
        Classification::Bound
    }
}

fn as_column(ae: &AExpr) -> Option<PlSmallStr> {
    if let AExpr::Column(name) = ae {
        Some(name.clone())
    } else {
        None
    }
}

// A literal as a value of a column of `dtype` (see `column_value`); `None` for a
// null literal, so we only reason about real values.
#[cfg(feature = "is_between")]
fn as_column_value(ae: &AExpr, dtype: &DataType) -> Option<Scalar> {
    match ae {
        AExpr::Literal(LiteralValue::Scalar(s)) => column_value(s, dtype),
        _ => None,
    }
}

// Larger `is_in` haystacks aren't worth modelling (intersecting them costs more
// than the rare contradiction). 100 matches the `is_in` haystack cap used for
// parquet row-group pruning (`skip_batches::LIST_ITEM_LIMIT`).
#[cfg(feature = "is_in")]
const MAX_IS_IN_VALUES: usize = 100;

// The inner value-series of a `List` / `Array` value, else `None`.
#[cfg(feature = "is_in")]
fn list_inner(av: &AnyValue) -> Option<Series> {
    match av {
        AnyValue::List(inner) => Some(inner.clone()),
        #[cfg(feature = "dtype-array")]
        AnyValue::Array(inner, _) => Some(inner.clone()),
        _ => None,
    }
}

// An `is_in` haystack as values of a column of `dtype` (see `column_value`).
#[cfg(feature = "is_in")]
fn as_value_set(ae: &AExpr, dtype: &DataType) -> Option<Vec<Scalar>> {
    let values = value_set_series(ae)?;
    let values_dtype = values.dtype();
    values
        .iter()
        .map(|av| column_value(&Scalar::new(values_dtype.clone(), av.into_static()), dtype))
        .collect()
}

// An `is_in` haystack. The haystack is one list of values, wrapped either as a
// `Scalar` holding a `List` / `Array` (DSL `is_in([..])`) or a length-1 `Series` of
// that one list (SQL `IN (..)`); both unwrap to the inner series whose elements are
// the values. Bails on other shapes, an oversized haystack, or a null member.
#[cfg(feature = "is_in")]
fn value_set_series(ae: &AExpr) -> Option<Series> {
    let AExpr::Literal(lit) = ae else {
        return None;
    };
    let values: Series = match lit {
        LiteralValue::Scalar(s) => list_inner(s.value())?,
        LiteralValue::Series(s) if s.len() == 1 => list_inner(&s.get(0).ok()?)?,
        _ => return None,
    };
    (values.len() <= MAX_IS_IN_VALUES && !values.has_nulls()).then_some(values)
}

// The tightest comparisons of all columns; see `collect_column_comparisons`.
fn emitted_comparisons(
    constraints: &PlIndexMap<PlSmallStr, ColumnConstraints>,
) -> Vec<(&PlSmallStr, Operator, &Scalar)> {
    let mut out = Vec::new();
    for (name, cc) in constraints {
        collect_column_comparisons(name, cc, &mut out);
    }
    out
}

// Collects the tightest comparisons for one column as borrowed `(name, op, value)`.
// Kept arena- and clone-free so the caller can count them and bail before cloning
// or adding any node on the common no-op path.
fn collect_column_comparisons<'a>(
    name: &'a PlSmallStr,
    cc: &'a ColumnConstraints,
    out: &mut Vec<(&'a PlSmallStr, Operator, &'a Scalar)>,
) {
    // A pinned column is just `col == value` (no exclusion survives a point range).
    if let Some(value) = cc.fixed_value() {
        out.push((name, Operator::Eq, value));
        return;
    }
    if let Some((lo, inclusive)) = &cc.lower {
        let op = if *inclusive {
            Operator::GtEq
        } else {
            Operator::Gt
        };
        out.push((name, op, lo));
    }
    if let Some((hi, inclusive)) = &cc.upper {
        let op = if *inclusive {
            Operator::LtEq
        } else {
            Operator::Lt
        };
        out.push((name, op, hi));
    }
    for value in &cc.excluded {
        out.push((name, Operator::NotEq, value));
    }
}

// Builds a `col op value` node.
pub(crate) fn comparison_node(
    name: &PlSmallStr,
    op: Operator,
    value: Scalar,
    expr_arena: &mut Arena<AExpr>,
) -> Node {
    let left = expr_arena.add(AExpr::Column(name.clone()));
    let right = expr_arena.add(AExpr::Literal(value.into()));
    expr_arena.add(AExpr::BinaryExpr { left, op, right })
}

// Folds the conjuncts into a left-deep `AND` chain. Every rewrite trigger keeps an
// opaque node or emits a comparison, so there is always at least one conjunct.
fn fold_and(nodes: Vec<Node>, expr_arena: &mut Arena<AExpr>) -> Node {
    let mut nodes = nodes.into_iter();
    let mut acc = nodes.next().expect("at least one conjunct");
    for node in nodes {
        acc = expr_arena.add(AExpr::BinaryExpr {
            left: acc,
            op: Operator::And,
            right: node,
        });
    }
    acc
}

/// Comparisons that every predicate in `predicates` implies.
///
/// Each predicate is read as an `AND` chain of `col op lit` comparisons; a column
/// bounded in all of them contributes the widest of those bounds. Any row a
/// predicate keeps passes all the returned comparisons, so they may be applied
/// below those filters.
///
/// Only bounds widen; `!=`, `is_in` and null checks are dropped. Returned one
/// comparison per node, as pushdown moves a conjunct only when it is its own
/// filter. Empty when nothing survives.
///
/// `schema` is the schema the predicates are evaluated against.
pub(crate) fn widen_over_predicates(
    predicates: &[Node],
    schema: &Schema,
    maintain_errors: bool,
    expr_arena: &mut Arena<AExpr>,
) -> Vec<Node> {
    let mut widened: Option<PlIndexMap<PlSmallStr, ColumnConstraints>> = None;

    for &predicate in predicates {
        let bounds = match predicate_bounds(predicate, schema, maintain_errors, expr_arena) {
            PredicateBounds::Blocked => return Vec::new(),
            // Keeps no rows, so it asks nothing of the result.
            PredicateBounds::Unsat => continue,
            PredicateBounds::Bounds(bounds) => bounds,
        };
        match &mut widened {
            None => widened = Some(bounds),
            Some(widened) => {
                widened.retain(|name, cc| bounds.get(name).is_some_and(|other| cc.widen(other)))
            },
        }
        if widened.as_ref().is_some_and(PlIndexMap::is_empty) {
            return Vec::new();
        }
    }

    // Every predicate was unsatisfiable, so there is nothing to widen over.
    let Some(widened) = widened else {
        return Vec::new();
    };
    emitted_comparisons(&widened)
        .into_iter()
        .map(|(name, op, value)| comparison_node(name, op, value.clone(), expr_arena))
        .collect()
}

enum PredicateBounds {
    // The predicate does not decide row by row: one reading its column as a whole
    // sees a different column once rows are dropped beneath it, so no bound
    // describes the rows it keeps.
    Blocked,
    Unsat,
    Bounds(PlIndexMap<PlSmallStr, ColumnConstraints>),
}

// The bounds one predicate places on the columns it constrains.
fn predicate_bounds(
    predicate: Node,
    schema: &Schema,
    maintain_errors: bool,
    expr_arena: &Arena<AExpr>,
) -> PredicateBounds {
    let mut group = ExprPushdownGroup::Pushable;
    group.update_with_expr_rec(expr_arena.get(predicate), expr_arena, None);
    if group.blocks_pushdown(maintain_errors) {
        return PredicateBounds::Blocked;
    }

    let model = model_and_chain(predicate, schema, expr_arena);
    if model.unsat {
        return PredicateBounds::Unsat;
    }
    let mut constraints = model.constraints;
    // Only bounds widen; drop the rest.
    constraints.retain(|_, cc| {
        if cc.lower.is_none() && cc.upper.is_none() {
            return false;
        }
        *cc = ColumnConstraints {
            lower: cc.lower.take(),
            upper: cc.upper.take(),
            ..ColumnConstraints::new(cc.dtype.clone())
        };
        true
    });
    PredicateBounds::Bounds(constraints)
}
