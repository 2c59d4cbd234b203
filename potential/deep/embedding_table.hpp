// SPDX-License-Identifier: MIT
/// \file
/// The tabulated embedding of a compressed Deep Potential (DeePMD-kit's `dp compress`, built here
/// at load from the uncompressed model): each embedding net G(x), x = s̃ the normalised radial
/// component of a pair's environment row, is replaced on [lower, max) by piecewise quintic
/// polynomials whose value, first and second derivative equal the net's at every knot (so G, G'
/// and G'' are continuous).
///
/// The knots follow DeePMD-kit's scheme (deepmd/utils/tabulate.py, descriptor se_e2_a), so that
/// with the same settings the tables are the same:
///  - per centre type t, from slot 0's statistics: lower_t = ⌊−davg/dstd⌋ (x of a pair at the
///    cutoff), upper_t = ⌈(sw(r_min)/r_min − davg)/dstd⌉ (x of a pair at the minimum neighbour
///    distance r_min); a type_one_side net takes the min/max over the centre types it serves;
///  - a fine part [lower, upper) of stride `stride0`, then a coarse part [upper, extrapolate ×
///    upper) of stride `stride1` = 10 × stride0; knots placed as numpy.arange places them;
///  - per interval, with h the nominal stride and y, y', y'' the net at its two ends:
///      c0 = y₀, c1 = y₀', c2 = y₀''/2,
///      c3 = [20Δ − (8y₁' + 12y₀')h − (3y₀'' − y₁'')h²] / (2h³),
///      c4 = [−30Δ + (14y₁' + 16y₀')h + (3y₀'' − 2y₁'')h²] / (2h⁴),
///      c5 = [12Δ − 6(y₁' + y₀')h + (y₁'' − y₀'')h²] / (2h⁵),     Δ = y₁ − y₀.
/// One difference: DeePMD-kit bounds `lower` by slot 0 alone; when another slot's statistics put
/// a pair at the cutoff (or a padded slot) below that, `lower` is lowered to cover it
/// (`matches_deepmd` is then false), so that every pair and padded slot lies inside the table.
/// A pair beyond `max` (closer than the table covers) is never evaluated: the evaluators stop
/// the run naming it (embedding_table_math.hpp locates x and says whether it is inside).
///
/// Coefficients are stored [interval][6][ng] (coefficient-major), so that evaluating all ng
/// outputs at one x reads six contiguous rows: vector loads on the CPU, coalesced on the GPU.
#pragma once

#include <string>
#include <vector>

#include "potential/deep/deep_model.hpp"
#include "potential/deep/embedding_table_math.hpp"

namespace md::deep {

/// How to tabulate (DeePMD-kit's `dp compress` options and their defaults).
struct TableSettings {
  /// r_min, Å: the table's fine part reaches the x of a pair this close. ≤ 0: the model's own
  /// `min_nbor_dist` (what `dp compress` uses); a model without one needs it given.
  double min_neighbor_distance = 0.0;
  double extrapolate = 5.0;  ///< the coarse part ends at extrapolate × upper
  double stride0 = 0.01;     ///< fine stride (`dp compress --step`); the coarse one is 10×
};

/// One embedding net's table.
struct EmbeddingTable {
  TableGeometry geometry;
  int ng = 0;                  ///< outputs per x
  std::vector<double> coeff;   ///< [n_intervals][6][ng]
  bool empty() const { return coeff.empty(); }
};

struct EmbeddingTables {
  TableSettings settings;              ///< as used (min_neighbor_distance resolved)
  std::vector<EmbeddingTable> nets;    ///< [n_embedding_nets]; empty for descriptor-excluded nets
  bool matches_deepmd = true;          ///< false when `lower` had to be widened (see above)
  /// Largest |table − net| over a dense sample of each table's range (4 points per interval,
  /// knots excluded): of G, and of dG/dx.
  double max_value_error = 0.0;
  double max_slope_error = 0.0;
  /// Pairs closer than this (Å) are outside some table: the largest over centre and neighbour
  /// types of the distance at which x reaches `max`.
  double min_covered_distance = 0.0;
};

/// Builds the tables of every embedding net of `model`. Throws a config Error when the settings
/// cannot make a table (no r_min known, r_min ≥ rcut, a non-positive upper bound, strides that
/// leave no interval) and a model Error when a net does not take one scalar input.
EmbeddingTables build_embedding_tables(const DeepModel& model, TableSettings settings);

/// One line for the run log: the tables' range and strides, where r_min came from, the closest
/// pair covered and the largest difference from the nets measured at load.
std::string describe_tables(const EmbeddingTables& tables, const DeepModel& model);

/// The radial component s(r) = sw(r)/r of se_e2_a's environment row (Å⁻¹, without
/// env_protection): 1/r below rcut_smth, switched to 0 at rcut by env_mat.hpp's quintic.
double radial_component(double r, double rcut_smth, double rcut);

}  // namespace md::deep
