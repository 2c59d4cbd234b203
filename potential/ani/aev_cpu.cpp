// SPDX-License-Identifier: MIT
/// \file
/// CPU launcher of op `aev` (aev_cpu.hpp).
#include "potential/ani/aev_cpu.hpp"

#include <algorithm>
#include <cmath>

#include "core/ensure_size.hpp"

namespace md::ani {
namespace {

/// Gathers centre i's neighbours within Rcr (and which of them lie within Rca) into `ws`.
void gather_neighbors(const AevArgs& args, int i, AevWorkspace& ws) {
  const double* x = args.positions;
  const int begin = args.offsets[i], end = args.offsets[i + 1];
  const auto capacity = static_cast<std::size_t>(end - begin);
  ensure_size(ws.atom, capacity);
  ensure_size(ws.d, 3 * capacity);
  ensure_size(ws.r, capacity);
  ws.angular.clear();
  const double rcr_sq = args.view.radial_cutoff * args.view.radial_cutoff;
  int n = 0;
  for (int k = begin; k < end; ++k) {
    const int j = args.neighbors[k];
    if (j == i) continue;
    const double dx = x[3 * j] - x[3 * i], dy = x[3 * j + 1] - x[3 * i + 1],
                 dz = x[3 * j + 2] - x[3 * i + 2];
    const double r_sq = dx * dx + dy * dy + dz * dz;
    if (!(r_sq < rcr_sq)) continue;
    ws.atom[n] = j;
    ws.d[3 * n] = dx;
    ws.d[3 * n + 1] = dy;
    ws.d[3 * n + 2] = dz;
    ws.r[n] = std::sqrt(r_sq);
    if (ws.r[n] < args.view.angular_cutoff) ws.angular.push_back(n);
    ++n;
  }
  ws.grad_d.assign(3 * static_cast<std::size_t>(n), 0.0);
  ws.cutoff.resize(ws.angular.size());
  for (std::size_t a = 0; a < ws.angular.size(); ++a) {
    ws.cutoff[a] = angular_cutoff(args.view, ws.r[ws.angular[a]]);
  }
}

/// Neighbours gathered by the last gather_neighbors (grad_d is sized to them).
int neighbor_count(const AevWorkspace& ws) { return static_cast<int>(ws.grad_d.size() / 3); }

/// Calls f(a, b, pair, geometry) for every unordered pair {a < b} of the gathered neighbours
/// within Rca (indices into ws.angular), with the angular block index of their elements: the
/// triplet walk both passes share.
template <class F>
void for_each_triplet(const AevArgs& args, const AevWorkspace& ws, F&& f) {
  const int n_angular = static_cast<int>(ws.angular.size());
  for (int a = 0; a < n_angular; ++a) {
    const int p = ws.angular[a];
    for (int b = a + 1; b < n_angular; ++b) {
      const int q = ws.angular[b];
      const TripletGeometry<double> g = triplet_geometry(&ws.d[3 * p], ws.r[p], ws.cutoff[a],
                                                 &ws.d[3 * q], ws.r[q], ws.cutoff[b]);
      f(p, q,
        element_pair_index(args.elements[ws.atom[p]], args.elements[ws.atom[q]],
                           args.view.n_elements),
        g);
    }
  }
}

}  // namespace

void aev_forward_cpu(const AevArgs& args, AevWorkspace& ws, double* aev) {
  const AevView<double>& v = args.view;
  const std::size_t length = static_cast<std::size_t>(v.aev_length);
  std::fill(aev, aev + args.n_centers * length, 0.0);
  for (int c = 0; c < args.n_centers; ++c) {
    const int i = args.center_begin + c;
    gather_neighbors(args, i, ws);
    double* out = aev + c * length;
    const int n = neighbor_count(ws);
    for (int p = 0; p < n; ++p) {
      radial_forward(v, ws.r[p], out + args.elements[ws.atom[p]] * v.radial_block);
    }
    for_each_triplet(args, ws, [&](int, int, int pair, const TripletGeometry<double>& g) {
      angular_forward(v, g, out + v.radial_length + pair * v.angular_block);
    });
  }
}

void aev_backward_cpu(const AevArgs& args, AevWorkspace& ws, const double* grad_aev,
                      double* forces, double virial[9], double* atom_virial) {
  const AevView<double>& v = args.view;
  const std::size_t length = static_cast<std::size_t>(v.aev_length);
  for (int c = 0; c < args.n_centers; ++c) {
    const int i = args.center_begin + c;
    gather_neighbors(args, i, ws);
    const double* grad = grad_aev + c * length;
    const int n = neighbor_count(ws);
    for (int p = 0; p < n; ++p) {
      const double de_dr =
          radial_backward(v, ws.r[p], grad + args.elements[ws.atom[p]] * v.radial_block);
      for (int a = 0; a < 3; ++a) ws.grad_d[3 * p + a] += de_dr * ws.d[3 * p + a] / ws.r[p];
    }
    for_each_triplet(args, ws, [&](int p, int q, int pair, const TripletGeometry<double>& g) {
      angular_backward(v, &ws.d[3 * p], ws.r[p], &ws.d[3 * q], ws.r[q], g,
                       grad + v.radial_length + pair * v.angular_block, &ws.grad_d[3 * p],
                       &ws.grad_d[3 * q]);
    });
    // d = r_j − r_i: F_j = −∂E/∂d, F_i = +∂E/∂d; the virial share F_j ⊗ d goes to j.
    for (int p = 0; p < n; ++p) {
      const int j = ws.atom[p];
      const double* g = &ws.grad_d[3 * p];
      const double* d = &ws.d[3 * p];
      for (int a = 0; a < 3; ++a) {
        forces[3 * j + a] -= g[a];
        forces[3 * i + a] += g[a];
        for (int b = 0; b < 3; ++b) {
          virial[3 * a + b] -= g[a] * d[b];
          if (atom_virial != nullptr) atom_virial[9 * j + 3 * a + b] -= g[a] * d[b];
        }
      }
    }
  }
}

}  // namespace md::ani
