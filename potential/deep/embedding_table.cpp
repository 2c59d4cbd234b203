// SPDX-License-Identifier: MIT
#include "potential/deep/embedding_table.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "core/format.hpp"
#include "potential/deep/env_mat.hpp"
#include "potential/nn/scalar_input_derivatives.hpp"

namespace md::deep {
namespace {

/// numpy.arange(start, stop, step) for doubles, element by element as numpy computes it: the
/// length is ⌈(stop − start)/step⌉, the second element start + step, and element i ≥ 2
/// start + i·δ with δ = (start + step) − start.
void append_arange(double start, double stop, double step, std::vector<double>& out) {
  const double span = std::ceil((stop - start) / step);
  if (!(span > 0.0)) return;
  const auto length = static_cast<std::size_t>(span);
  const double second = start + step;
  const double delta = second - start;
  out.push_back(start);
  if (length > 1) out.push_back(second);
  for (std::size_t i = 2; i < length; ++i) out.push_back(start + static_cast<double>(i) * delta);
}

/// x of slot `slot` of centre type t_i at raw radial component s.
double normalised(const DeepModel& m, int t_i, int slot, double s) {
  const std::size_t at = (static_cast<std::size_t>(t_i) * m.n_nei() + slot) * 4;
  return (s - m.davg[at]) / m.dstd[at];
}

/// The distance r at which the radial component reaches s (s(r) decreases from 1/(r_small+p) to 0
/// at rcut): bisection to 1e-12 Å.
double distance_of(double s, const DeepModel& m) {
  const auto s_of = [&](double r) {
    double dsw = 0.0;
    return smooth_switch(r, m.rcut_smth, m.rcut, dsw) / (r + m.env_protection);
  };
  double lo = 1e-6, hi = m.rcut;
  if (s_of(lo) < s) return lo;
  while (hi - lo > 1e-12) {
    const double mid = 0.5 * (lo + hi);
    (s_of(mid) > s ? lo : hi) = mid;
  }
  return hi;
}

/// Whether centre type t_i uses embedding net `net` for neighbour type t_j (not excluded, and
/// the net is the one embedding_index chooses).
bool uses(const DeepModel& m, int t_i, int t_j, int net) {
  return m.embedding_index(t_i, t_j) == net &&
         !m.descriptor_exclude[static_cast<std::size_t>(t_i) * m.n_types() + t_j];
}

/// The quintic coefficients of every interval of `table` from the net's value, slope and
/// curvature at the knots.
void fill_coefficients(const DenseNet& net, const std::vector<double>& knots,
                       EmbeddingTable& table) {
  const int ng = table.ng;
  const TableGeometry& g = table.geometry;
  const auto n_knots = static_cast<std::size_t>(g.n_intervals) + 1;
  std::vector<double> y(n_knots * ng), dy(n_knots * ng), d2y(n_knots * ng);
  for (std::size_t k = 0; k < n_knots; ++k) {
    nn::scalar_input_derivatives(net, knots[k], &y[k * ng], &dy[k * ng], &d2y[k * ng]);
  }
  table.coeff.assign(static_cast<std::size_t>(g.n_intervals) * 6 * ng, 0.0);
  for (int j = 0; j < g.n_intervals; ++j) {
    const double h = j < g.n_fine ? g.stride0 : g.stride1;
    double* c = &table.coeff[static_cast<std::size_t>(j) * 6 * ng];
    const std::size_t a0 = static_cast<std::size_t>(j) * ng, a1 = a0 + ng;
    for (int a = 0; a < ng; ++a) {
      const double v0 = y[a0 + a], v1 = y[a1 + a];
      const double d0 = dy[a0 + a], d1 = dy[a1 + a];
      const double e0 = d2y[a0 + a], e1 = d2y[a1 + a];
      const double delta = v1 - v0;
      c[a] = v0;
      c[ng + a] = d0;
      c[2 * ng + a] = 0.5 * e0;
      c[3 * ng + a] =
          (1 / (2 * h * h * h)) * (20 * delta - (8 * d1 + 12 * d0) * h - (3 * e0 - e1) * h * h);
      c[4 * ng + a] = (1 / (2 * h * h * h * h)) *
                      (-30 * delta + (14 * d1 + 16 * d0) * h + (3 * e0 - 2 * e1) * h * h);
      c[5 * ng + a] = (1 / (2 * h * h * h * h * h)) *
                      (12 * delta - 6 * (d1 + d0) * h + (e1 - e0) * h * h);
    }
  }
}

/// Largest |table − net| of value and slope at 4 interior points of every interval.
void measure_errors(const DenseNet& net, const EmbeddingTable& table, double& value_error,
                    double& slope_error) {
  const int ng = table.ng;
  const TableGeometry& g = table.geometry;
  std::vector<double> y(ng), dy(ng);
  for (int j = 0; j < g.n_intervals; ++j) {
    const double h = j < g.n_fine ? g.stride0 : g.stride1;
    const double start = j < g.n_fine ? g.lower + j * g.stride0
                                      : g.upper + (j - g.n_fine) * g.stride1;
    for (const double fraction : {0.1, 0.35, 0.6, 0.85}) {
      const double x = start + fraction * h;
      int interval = 0;
      double offset = 0.0;
      if (!table_locate(g, x, interval, offset)) continue;
      nn::scalar_input_derivatives(net, x, y.data(), dy.data(), nullptr);
      const double* c = &table.coeff[static_cast<std::size_t>(interval) * 6 * ng];
      for (int a = 0; a < ng; ++a) {
        double value = 0.0, slope = 0.0;
        table_value_slope(c, ng, a, offset, value, slope);
        value_error = std::max(value_error, std::fabs(value - y[a]));
        slope_error = std::max(slope_error, std::fabs(slope - dy[a]));
      }
    }
  }
}

}  // namespace

double radial_component(double r, double rcut_smth, double rcut) {
  // As DeePMD-kit's tabulation writes it (BaseTabulate._spline5_switch), so that the table's
  // upper bound, a ceiling, comes out the same.
  double sw = 0.0;
  if (r < rcut_smth) {
    sw = 1.0;
  } else if (r < rcut) {
    const double u = (r - rcut_smth) / (rcut - rcut_smth);
    sw = u * u * u * (-6 * u * u + 15 * u - 10) + 1;
  }
  return (1 / r) * sw;
}

std::string describe_tables(const EmbeddingTables& tables, const DeepModel& model) {
  double lower = std::numeric_limits<double>::infinity(), upper = -lower, max = -lower;
  for (const EmbeddingTable& table : tables.nets) {
    if (table.empty()) continue;
    lower = std::min(lower, table.geometry.lower);
    upper = std::max(upper, table.geometry.upper);
    max = std::max(max, table.geometry.max);
  }
  const TableSettings& s = tables.settings;
  const bool from_model = s.min_neighbor_distance == model.min_nbor_dist;
  std::string text = "deepmd: compressed: embedding nets tabulated on s~ in [" +
                     format_number(lower) + ", " + format_number(upper) + ") by " +
                     format_number(s.stride0) + " and [" + format_number(upper) + ", " +
                     format_number(max) + ") by " + format_number(10 * s.stride0) + " (r_min " +
                     format_number(s.min_neighbor_distance) + " Å" +
                     (from_model ? ", the model's min_nbor_dist" : "") + ", extrapolate " +
                     format_number(s.extrapolate) + "); pairs down to " +
                     format_number(tables.min_covered_distance) +
                     " Å are covered; largest difference from the nets on a dense sample: " +
                     format_number(tables.max_value_error) + " (G), " +
                     format_number(tables.max_slope_error) + " (dG/ds~)";
  if (!tables.matches_deepmd) {
    text += "; the lower bound was widened beyond dp compress's to cover every slot";
  }
  return text;
}

EmbeddingTables build_embedding_tables(const DeepModel& m, TableSettings settings) {
  EmbeddingTables out;
  if (settings.min_neighbor_distance <= 0.0) settings.min_neighbor_distance = m.min_nbor_dist;
  const double r_min = settings.min_neighbor_distance;
  if (!(r_min > 0.0)) {
    throw config_error("potential.compress: the model " + m.source +
                       " records no minimum neighbour distance (min_nbor_dist); give "
                       "potential.compress_min_neighbor_distance_A (the closest pair distance of "
                       "the training data, or a smaller value)");
  }
  if (!(r_min < m.rcut)) {
    throw config_error("potential.compress_min_neighbor_distance_A = " + format_number(r_min) +
                       " Å must be below the model's rcut (" + format_number(m.rcut) + " Å)");
  }
  if (!(settings.extrapolate > 1.0) || !(settings.stride0 > 0.0)) {
    throw config_error("potential.compress_extrapolate must be > 1 and compress_step > 0");
  }
  out.settings = settings;
  const int n_types = m.n_types();
  const int n_nei = m.n_nei();
  const double stride0 = settings.stride0;
  const double stride1 = 10.0 * settings.stride0;
  const double s_min = radial_component(r_min, m.rcut_smth, m.rcut);

  // DeePMD-kit's per-centre-type bounds, from slot 0.
  std::vector<double> lower(n_types), upper(n_types);
  for (int t = 0; t < n_types; ++t) {
    lower[t] = std::floor(normalised(m, t, 0, 0.0));
    upper[t] = std::ceil(normalised(m, t, 0, s_min));
  }

  out.nets.resize(static_cast<std::size_t>(m.n_embedding_nets()));
  for (int net = 0; net < m.n_embedding_nets(); ++net) {
    const DenseNet& dense = m.embedding_nets[net];
    if (dense.n_in() != 1) {
      throw model_error(m.source + ": embedding net " + std::to_string(net) +
                        " does not take one scalar input; it cannot be tabulated");
    }
    // The centre types this net serves (DeePMD-kit: type_one_side also requires sel > 0).
    double ll = std::numeric_limits<double>::infinity();
    double uu = -std::numeric_limits<double>::infinity();
    double x_floor = std::numeric_limits<double>::infinity();  // smallest x of any slot it sees
    bool used = false;
    for (int t_i = 0; t_i < n_types; ++t_i) {
      for (int t_j = 0; t_j < n_types; ++t_j) {
        if (!uses(m, t_i, t_j, net)) continue;
        if (m.type_one_side && m.sel[t_i] == 0) continue;
        used = true;
        ll = std::min(ll, lower[t_i]);
        uu = std::max(uu, upper[t_i]);
        for (int k = 0; k < m.sel[t_j]; ++k) {
          x_floor = std::min(x_floor, normalised(m, t_i, m.sel_offset(t_j) + k, 0.0));
        }
      }
    }
    if (!used) continue;  // descriptor-excluded everywhere: no table
    if (x_floor < ll) {
      ll = std::floor(x_floor);
      out.matches_deepmd = false;
    }
    if (!(uu > 0.0) || !(uu > ll)) {
      throw config_error("potential.compress: the model's statistics give embedding net " +
                         std::to_string(net) + " a table range [" + format_number(ll) + ", " +
                         format_number(uu) + "] that cannot be tabulated; run it uncompressed");
    }
    EmbeddingTable& table = out.nets[net];
    table.ng = dense.n_out();
    TableGeometry& g = table.geometry;
    g.lower = ll;
    g.upper = uu;
    g.max = settings.extrapolate * uu;
    g.stride0 = stride0;
    g.stride1 = stride1;
    g.n_fine = static_cast<int>((uu - ll) / stride0);
    g.n_intervals = static_cast<int>((uu - ll) / stride0 + (g.max - uu) / stride1);
    std::vector<double> knots;
    append_arange(ll, uu, stride0, knots);
    append_arange(uu, g.max, stride1, knots);
    knots.push_back(g.max);
    if (g.n_intervals < 1 || knots.size() < static_cast<std::size_t>(g.n_intervals) + 1) {
      throw config_error("potential.compress_step = " + format_number(stride0) +
                         " leaves no table for embedding net " + std::to_string(net));
    }
    fill_coefficients(dense, knots, table);
    measure_errors(dense, table, out.max_value_error, out.max_slope_error);

    // The closest pair this table covers, for each centre type and neighbour block it serves.
    for (int t_i = 0; t_i < n_types; ++t_i) {
      for (int t_j = 0; t_j < n_types; ++t_j) {
        if (!uses(m, t_i, t_j, net) || m.sel[t_j] == 0) continue;
        for (int k = 0; k < m.sel[t_j]; ++k) {
          const std::size_t at = (static_cast<std::size_t>(t_i) * n_nei + m.sel_offset(t_j) + k) * 4;
          const double s_max = g.max * m.dstd[at] + m.davg[at];
          out.min_covered_distance = std::max(out.min_covered_distance, distance_of(s_max, m));
        }
      }
    }
  }
  return out;
}

}  // namespace md::deep
