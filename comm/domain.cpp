// SPDX-License-Identifier: MIT
#include "comm/domain.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "core/error.hpp"

namespace md {

std::array<int, 3> choose_grid(const Box& box, int n_ranks) {
  std::array<int, 3> best{n_ranks, 1, 1};
  double best_surface = std::numeric_limits<double>::max();
  for (int px = 1; px <= n_ranks; ++px) {
    if (n_ranks % px != 0) continue;
    for (int py = 1; py <= n_ranks / px; ++py) {
      if ((n_ranks / px) % py != 0) continue;
      const int pz = n_ranks / px / py;
      const double lx = box.width(0) / px, ly = box.width(1) / py, lz = box.width(2) / pz;
      const double surface = lx * ly + ly * lz + lx * lz;
      if (surface < best_surface * (1.0 - 1e-12)) {
        best_surface = surface;
        best = {px, py, pz};
      }
    }
  }
  return best;
}

Domain::Domain(const Box& box, const Communicator& comm, std::array<int, 3> requested_grid)
    : box_(box), rank_(comm.rank()) {
  const bool automatic = requested_grid[0] == 0 && requested_grid[1] == 0 && requested_grid[2] == 0;
  if (automatic) {
    grid_ = choose_grid(box, comm.size());
  } else {
    if (requested_grid[0] < 1 || requested_grid[1] < 1 || requested_grid[2] < 1 ||
        static_cast<long long>(requested_grid[0]) * requested_grid[1] * requested_grid[2] !=
            comm.size()) {
      throw config_error("decomposition [" + std::to_string(requested_grid[0]) + ", " +
                         std::to_string(requested_grid[1]) + ", " +
                         std::to_string(requested_grid[2]) + "] does not multiply to the " +
                         std::to_string(comm.size()) + " ranks of this run");
    }
    grid_ = requested_grid;
  }
  // Row-major rank order, z fastest (the MPI_Cart_create default).
  coords_[0] = rank_ / (grid_[1] * grid_[2]);
  coords_[1] = (rank_ / grid_[2]) % grid_[1];
  coords_[2] = rank_ % grid_[2];
}

void Domain::set_box(const Box& box) {
  for (int d = 0; d < 3; ++d) {
    if (box.periodic[d] != box_.periodic[d]) {
      throw internal_error("Domain::set_box: the periodic flags of a box cannot change");
    }
  }
  box_ = box;
}

double Domain::bound(int d, int c) const {
  if (c <= 0) return box_.lo[d];
  if (c >= grid_[d]) return box_.hi[d];
  return box_.lo[d] + box_.length(d) * c / grid_[d];
}

int Domain::rank_of(const std::array<int, 3>& c) const {
  return (c[0] * grid_[1] + c[1]) * grid_[2] + c[2];
}

int Domain::neighbor(int d, int dir) const {
  std::array<int, 3> c = coords_;
  c[d] += dir;
  if (c[d] < 0 || c[d] >= grid_[d]) {
    if (!box_.periodic[d]) return -1;
    c[d] = (c[d] + grid_[d]) % grid_[d];
  }
  return rank_of(c);
}

bool Domain::crosses_boundary(int d, int dir) const {
  return (dir < 0 && coords_[d] == 0) || (dir > 0 && coords_[d] == grid_[d] - 1);
}

int Domain::coord_of(int d, const double* position) const {
  const double x = box_.untilted(position, d);
  const int n = grid_[d];
  int c = static_cast<int>(std::floor((x - box_.lo[d]) / box_.length(d) * n));
  c = c < 0 ? 0 : (c >= n ? n - 1 : c);
  // Settle rounding against the exact face values every rank uses.
  while (c > 0 && x < bound(d, c)) --c;
  while (c < n - 1 && x >= bound(d, c + 1)) ++c;
  return c;
}

}  // namespace md
