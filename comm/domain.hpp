// SPDX-License-Identifier: MIT
/// \file
/// Spatial domain decomposition: the global box is cut into a grid of px × py × pz equal
/// subdomains, one per rank, in fractional coordinates as LAMMPS does: subdomain c along d holds
/// the untilted coordinates u_d (core/box.hpp) in [bound(d, c), bound(d, c + 1)). For an
/// orthogonal box these are box-aligned slabs of the Cartesian coordinates; for a tilted one,
/// parallelepipeds of the cell's shape. A serial run is the 1 × 1 × 1 grid, whose only rank is
/// its own neighbour in every periodic direction.
#pragma once

#include <array>

#include "comm/communicator.hpp"
#include "core/box.hpp"

namespace md {

class Domain {
 public:
  /// Lays `comm.size()` ranks out over `box`. `requested_grid` all zero chooses the grid that
  /// minimises the halo surface of a subdomain; otherwise its product must equal the rank count.
  Domain(const Box& box, const Communicator& comm, std::array<int, 3> requested_grid = {0, 0, 0});

  const Box& box() const { return box_; }
  /// Changes the box (a barostat's step, or a restart in the box of its checkpoint), keeping the
  /// rank grid: the subdomains scale with it. The periodic flags must not change. Atoms are not
  /// moved here: the caller maps them (same fractional coordinates, so ownership holds) and
  /// updates the halo's shifts or rebuilds it.
  void set_box(const Box& box);
  const std::array<int, 3>& grid() const { return grid_; }
  const std::array<int, 3>& coords() const { return coords_; }
  int rank() const { return rank_; }
  /// This subdomain's bounds along d, in the untilted coordinate u_d (Cartesian when orthogonal).
  double sub_lo(int d) const { return bound(d, coords_[d]); }
  double sub_hi(int d) const { return bound(d, coords_[d] + 1); }
  double sub_length(int d) const { return sub_hi(d) - sub_lo(d); }

  /// The rank one step along dimension d in direction dir (−1 or +1), wrapping around periodic
  /// dimensions; −1 when there is none (the edge of a non-periodic dimension).
  int neighbor(int d, int dir) const;
  /// True when the step from this rank along (d, dir) crosses the periodic boundary of the box.
  bool crosses_boundary(int d, int dir) const;
  /// The grid coordinate along d of the subdomain that contains position x[3] (inside the box).
  int coord_of(int d, const double* x) const;
  /// The rank owning grid coordinates c.
  int rank_of(const std::array<int, 3>& c) const;

  /// Lower boundary, in the untilted coordinate u_d, of grid cell c along d (c = grid[d] gives
  /// the box's upper bound). Every rank
  /// evaluates the same expression, so neighbouring ranks agree bit for bit on shared faces.
  double bound(int d, int c) const;

 private:
  Box box_;
  std::array<int, 3> grid_{1, 1, 1};
  std::array<int, 3> coords_{0, 0, 0};
  int rank_ = 0;
};

/// The grid px·py·pz = n_ranks minimising the surface of one subdomain of `box` (ties: the first
/// found in x-major order). For a tilted box the surface is that of the orthogonal box of the
/// same perpendicular widths, which is what the halo's volume follows.
std::array<int, 3> choose_grid(const Box& box, int n_ranks);

}  // namespace md
