// SPDX-License-Identifier: MIT
#include "engine/neighbor_list.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "engine/cell_grid.hpp"

namespace md {

NeighborList::NeighborList(NeighborKind kind, double cutoff, double skin, std::int64_t max_pairs)
    : kind_(kind), cutoff_(cutoff), skin_(skin), max_pairs_(std::min(max_pairs, kMaxNeighborPairs)) {
  if (!(cutoff > 0.0) || !(skin >= 0.0)) {
    throw internal_error("neighbour list needs cutoff > 0 and skin >= 0");
  }
}

void NeighborList::build(Span<const double> positions, int n_local, int n_all) {
  ++build_count_;
  reference_positions_.assign(positions.begin(), positions.begin() + 3 * n_local);
  offsets_.assign(n_local + 1, 0);
  neighbors_.clear();
  if (n_local == 0) return;

  // Cell grid over the bounding box of all atoms (ghosts included); engine/cell_grid.hpp holds
  // the grid, stencil and pair math shared with the CUDA list.
  const double* x = positions.data();
  BoundingBox box = bounds_of(x);
  for (int i = 1; i < n_all; ++i) include(box, bounds_of(x + 3 * i));
  const double radius = list_cutoff();
  const CellGrid grid = make_cell_grid(box, radius, n_all);

  // Counting sort of the atoms by cell: ascending index within a cell.
  const int total_cells = grid.total_cells();
  cell_of_atom_.resize(n_all);
  cell_start_.assign(total_cells + 1, 0);
  atoms_by_cell_.resize(n_all);
  for (int i = 0; i < n_all; ++i) {
    const int cell = cell_index(grid, x + 3 * i);
    cell_of_atom_[i] = cell;
    ++cell_start_[cell + 1];
  }
  for (int c = 0; c < total_cells; ++c) cell_start_[c + 1] += cell_start_[c];
  {
    std::vector<int> fill(cell_start_.begin(), cell_start_.end() - 1);
    for (int i = 0; i < n_all; ++i) atoms_by_cell_[fill[cell_of_atom_[i]]++] = i;
  }

  make_stencil(grid, radius, stencil_);

  const CellListView view =
      make_cell_list_view(grid, stencil_, stencil_.data(), cell_start_.data(), atoms_by_cell_.data(),
                          x, n_local, kind_ == NeighborKind::kHalf, radius);
  auto append = [this](int j) { neighbors_.push_back(j); };
  for (int i = 0; i < n_local; ++i) {
    for_each_neighbor(view, i, append);
    const auto pairs = static_cast<std::int64_t>(neighbors_.size());
    if (pairs > max_pairs_) {
      // Never wrap an offset: count the rest of the rows only to report the size needed.
      std::int64_t needed = pairs;
      std::int64_t counted = 0;
      auto count = [&counted](int) { ++counted; };
      for (int k = i + 1; k < n_local; ++k) for_each_neighbor(view, k, count);
      needed += counted;
      neighbors_.clear();
      neighbors_.shrink_to_fit();
      offsets_.assign(n_local + 1, 0);
      throw neighbor_pairs_limit_error(needed, n_local, max_pairs_);
    }
    offsets_[i + 1] = static_cast<int>(pairs);
  }
}

Error neighbor_pairs_limit_error(std::int64_t pairs_needed, int n_local, std::int64_t limit) {
  const std::string bound = limit == kMaxNeighborPairs ? std::to_string(limit) + " (2^31 - 1)"
                                                       : std::to_string(limit);
  return Error(ExitCode::kOutOfMemory,
               "the neighbour list of one rank needs " + std::to_string(pairs_needed) +
                   " entries for its " + std::to_string(n_local) + " atoms, more than the " +
                   bound +
                   " one list can index: run on more ranks (or GPUs) so that each holds fewer "
                   "atoms, or reduce neighbor.skin_A");
}

double NeighborList::max_displacement_sq(Span<const double> positions, int n_local) const {
  double worst = 0.0;
  for (int i = 0; i < n_local; ++i) {
    worst = std::max(worst, distance_sq(&positions[3 * i], &reference_positions_[3 * i]));
  }
  return worst;
}

NeighborView NeighborList::view() const {
  NeighborView v;
  v.kind = kind_;
  v.offsets = Span<const int>(offsets_.data(), offsets_.size());
  v.neighbors = Span<const int>(neighbors_.data(), neighbors_.size());
  v.build_count = build_count_;
  return v;
}

}  // namespace md
