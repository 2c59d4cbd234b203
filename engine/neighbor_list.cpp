// SPDX-License-Identifier: MIT
#include "engine/neighbor_list.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/error.hpp"

namespace md {
namespace {

/// LAMMPS's newton-on tie-break: is atom j "above" atom i?
inline bool is_above(const double* xj, const double* xi) {
  if (xj[2] != xi[2]) return xj[2] > xi[2];
  if (xj[1] != xi[1]) return xj[1] > xi[1];
  return xj[0] > xi[0];
}

/// Cells are kept at most this many times the atom count, so a sparse system with a huge bounding
/// box does not allocate a huge grid (cells are then simply larger than the list radius).
constexpr double kMaxCellsPerAtom = 4.0;

}  // namespace

NeighborList::NeighborList(NeighborKind kind, double cutoff, double skin)
    : kind_(kind), cutoff_(cutoff), skin_(skin) {
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

  // Cell grid over the bounding box of all atoms (ghosts included).
  std::array<double, 3> lo{}, hi{};
  for (int d = 0; d < 3; ++d) {
    lo[d] = hi[d] = positions[d];
  }
  for (int i = 0; i < n_all; ++i) {
    for (int d = 0; d < 3; ++d) {
      lo[d] = std::min(lo[d], positions[3 * i + d]);
      hi[d] = std::max(hi[d], positions[3 * i + d]);
    }
  }
  // Cells of half the list radius (LAMMPS's default binsize): the stencil of cells that can hold
  // a neighbour then covers ~16 r³ instead of the 27 r³ of radius-sized cells, so fewer
  // candidate pairs are tested.
  const double radius = list_cutoff();
  // A flat or tiny system (all atoms in one plane, say) still gets a grid at least one list
  // radius wide, so cell lengths and the stencil reach stay finite.
  for (int d = 0; d < 3; ++d) hi[d] = std::max(hi[d], lo[d] + radius);
  double cell_size = 0.5 * radius;
  std::array<int, 3> n_cells{};
  while (true) {
    double total = 1.0;
    for (int d = 0; d < 3; ++d) {
      n_cells[d] = std::max(1, static_cast<int>((hi[d] - lo[d]) / cell_size));
      total *= n_cells[d];
    }
    if (total <= kMaxCellsPerAtom * n_all + 125.0) break;
    cell_size *= 1.5;
  }
  std::array<double, 3> inv_cell{}, cell_length{};
  for (int d = 0; d < 3; ++d) {
    const double extent = hi[d] - lo[d];
    inv_cell[d] = n_cells[d] / extent;
    cell_length[d] = extent / n_cells[d];
  }

  const int total_cells = n_cells[0] * n_cells[1] * n_cells[2];
  cell_of_atom_.resize(n_all);
  cell_start_.assign(total_cells + 1, 0);
  atoms_by_cell_.resize(n_all);
  auto cell_coord = [&](int i, int d) {
    const int c = static_cast<int>((positions[3 * i + d] - lo[d]) * inv_cell[d]);
    return std::min(std::max(c, 0), n_cells[d] - 1);
  };
  for (int i = 0; i < n_all; ++i) {
    const int cell = (cell_coord(i, 0) * n_cells[1] + cell_coord(i, 1)) * n_cells[2] + cell_coord(i, 2);
    cell_of_atom_[i] = cell;
    ++cell_start_[cell + 1];
  }
  for (int c = 0; c < total_cells; ++c) cell_start_[c + 1] += cell_start_[c];
  {
    std::vector<int> fill(cell_start_.begin(), cell_start_.end() - 1);
    for (int i = 0; i < n_all; ++i) atoms_by_cell_[fill[cell_of_atom_[i]]++] = i;
  }

  // Stencil: cell offsets whose nearest points are closer than the list radius.
  const double radius_sq = radius * radius;
  stencil_.clear();
  std::array<int, 3> reach{};
  for (int d = 0; d < 3; ++d) reach[d] = static_cast<int>(std::ceil(radius / cell_length[d]));
  for (int ax = -reach[0]; ax <= reach[0]; ++ax) {
    for (int ay = -reach[1]; ay <= reach[1]; ++ay) {
      for (int az = -reach[2]; az <= reach[2]; ++az) {
        const int offset[3] = {ax, ay, az};
        double gap_sq = 0.0;
        for (int d = 0; d < 3; ++d) {
          const double gap = std::max(0, std::abs(offset[d]) - 1) * cell_length[d];
          gap_sq += gap * gap;
        }
        if (gap_sq < radius_sq) stencil_.push_back({ax, ay, az});
      }
    }
  }

  const bool half = kind_ == NeighborKind::kHalf;
  for (int i = 0; i < n_local; ++i) {
    const double* xi = &positions[3 * i];
    const int ci[3] = {cell_coord(i, 0), cell_coord(i, 1), cell_coord(i, 2)};
    for (const auto& offset : stencil_) {
      const int ax = ci[0] + offset[0], ay = ci[1] + offset[1], az = ci[2] + offset[2];
      if (ax < 0 || ay < 0 || az < 0 || ax >= n_cells[0] || ay >= n_cells[1] || az >= n_cells[2]) {
        continue;
      }
      const int cell = (ax * n_cells[1] + ay) * n_cells[2] + az;
      for (int k = cell_start_[cell]; k < cell_start_[cell + 1]; ++k) {
        const int j = atoms_by_cell_[k];
        if (j == i) continue;
        const double* xj = &positions[3 * j];
        if (half && (j < n_local ? j < i : !is_above(xj, xi))) continue;
        const double dx = xj[0] - xi[0], dy = xj[1] - xi[1], dz = xj[2] - xi[2];
        if (dx * dx + dy * dy + dz * dz < radius_sq) neighbors_.push_back(j);
      }
    }
    offsets_[i + 1] = static_cast<int>(neighbors_.size());
  }
}

double NeighborList::max_displacement_sq(Span<const double> positions, int n_local) const {
  double worst = 0.0;
  for (int i = 0; i < n_local; ++i) {
    const double dx = positions[3 * i] - reference_positions_[3 * i];
    const double dy = positions[3 * i + 1] - reference_positions_[3 * i + 1];
    const double dz = positions[3 * i + 2] - reference_positions_[3 * i + 2];
    worst = std::max(worst, dx * dx + dy * dy + dz * dz);
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
