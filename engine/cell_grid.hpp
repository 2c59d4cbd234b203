// SPDX-License-Identifier: MIT
/// \file
/// The cell grid and per-atom/per-pair math of the neighbour-list build, written once for the CPU
/// list (engine/neighbor_list.cpp) and the CUDA list (engine/neighbor_list_cuda.cu), so that both
/// produce the same neighbours in the same order (architecture rule 1: one physics, two
/// launchers).
///
///  - Host only: `make_cell_grid` (the grid over a bounding box) and `make_stencil` (the cell
///    offsets that can hold a neighbour, in the order the list visits them). The CUDA list calls
///    them on the host with the bounding box it reduced on the device.
///  - Host and device (`MD_HOST_DEVICE`): bounding-box accumulation, the cell of a position, the
///    half-list keep rule, the squared distance and the visit of one local atom's neighbours
///    (`for_each_neighbor`), which fixes the list order: stencil offsets in `make_stencil` order,
///    then atoms of a cell in ascending index.
///
/// Exactness: everything here is integer logic, comparisons, or one subtraction then one
/// multiplication (the cell of a position; nothing to contract into an FMA), except the squared
/// distance, which is core/exact_math.hpp's `distance_sq` (rounded the same on host and device).
/// Positions must be finite.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "core/exact_math.hpp"
#include "core/portability.hpp"

namespace md {

/// Cells are kept at most this many times the atom count (plus 125), so a sparse system with a
/// huge bounding box does not allocate a huge grid (cells are then simply larger than half the
/// list radius).
constexpr double kMaxCellsPerAtom = 4.0;

/// Axis-aligned bounds of a set of positions (Å).
struct BoundingBox {
  double lo[3];
  double hi[3];
};

/// The bounds of one position.
MD_HOST_DEVICE inline BoundingBox bounds_of(const double* x) {
  return BoundingBox{{x[0], x[1], x[2]}, {x[0], x[1], x[2]}};
}

/// Grows `box` to hold `other` (min/max per dimension; exact, so any reduction order gives the
/// same box).
MD_HOST_DEVICE inline void include(BoundingBox& box, const BoundingBox& other) {
  for (int d = 0; d < 3; ++d) {
    if (other.lo[d] < box.lo[d]) box.lo[d] = other.lo[d];
    if (box.hi[d] < other.hi[d]) box.hi[d] = other.hi[d];
  }
}

/// A regular grid of cells over a bounding box; cell (cx, cy, cz) has index
/// (cx·n_cells[1] + cy)·n_cells[2] + cz.
struct CellGrid {
  double lo[3];           ///< lower corner, Å
  double inv_cell[3];     ///< cells per Å
  double cell_length[3];  ///< Å
  int n_cells[3];
  int total_cells() const { return n_cells[0] * n_cells[1] * n_cells[2]; }
};

/// The grid for atoms within `box`, list radius `radius` (cutoff + skin, Å) and `n_all` atoms.
/// Cells of half the list radius (LAMMPS's default binsize): the stencil then covers ~16 r³
/// instead of the 27 r³ of radius-sized cells, so fewer candidate pairs are tested; the size grows
/// by 1.5 until the grid has at most kMaxCellsPerAtom·n_all + 125 cells. A flat or tiny system
/// (all atoms in one plane, say) still gets a grid at least one list radius wide, so cell lengths
/// and the stencil reach stay finite.
inline CellGrid make_cell_grid(const BoundingBox& box, double radius, int n_all) {
  CellGrid grid{};
  double hi[3];
  for (int d = 0; d < 3; ++d) {
    grid.lo[d] = box.lo[d];
    hi[d] = std::max(box.hi[d], box.lo[d] + radius);
  }
  double cell_size = 0.5 * radius;
  while (true) {
    double total = 1.0;
    for (int d = 0; d < 3; ++d) {
      grid.n_cells[d] = std::max(1, static_cast<int>((hi[d] - grid.lo[d]) / cell_size));
      total *= grid.n_cells[d];
    }
    if (total <= kMaxCellsPerAtom * n_all + 125.0) break;
    cell_size *= 1.5;
  }
  for (int d = 0; d < 3; ++d) {
    const double extent = hi[d] - grid.lo[d];
    grid.inv_cell[d] = grid.n_cells[d] / extent;
    grid.cell_length[d] = extent / grid.n_cells[d];
  }
  return grid;
}

/// Fills `stencil` ([n][3], flattened) with the cell offsets whose nearest points are closer than
/// `radius`, x-major then y then z: the order in which the list visits cells.
inline void make_stencil(const CellGrid& grid, double radius, std::vector<int>& stencil) {
  const double radius_sq = radius * radius;
  stencil.clear();
  int reach[3];
  for (int d = 0; d < 3; ++d) reach[d] = static_cast<int>(std::ceil(radius / grid.cell_length[d]));
  for (int ax = -reach[0]; ax <= reach[0]; ++ax) {
    for (int ay = -reach[1]; ay <= reach[1]; ++ay) {
      for (int az = -reach[2]; az <= reach[2]; ++az) {
        const int offset[3] = {ax, ay, az};
        double gap_sq = 0.0;
        for (int d = 0; d < 3; ++d) {
          const double gap = std::max(0, std::abs(offset[d]) - 1) * grid.cell_length[d];
          gap_sq += gap * gap;
        }
        if (gap_sq < radius_sq) stencil.insert(stencil.end(), {ax, ay, az});
      }
    }
  }
}

/// Cell coordinate along `d` of a position with that coordinate `x` (clamped into the grid).
MD_HOST_DEVICE inline int cell_coord(const CellGrid& grid, double x, int d) {
  const int c = static_cast<int>((x - grid.lo[d]) * grid.inv_cell[d]);
  const int last = grid.n_cells[d] - 1;
  return c < 0 ? 0 : (c > last ? last : c);
}

/// Index of the cell holding position `x` ([3], Å).
MD_HOST_DEVICE inline int cell_index(const CellGrid& grid, const double* x) {
  return (cell_coord(grid, x[0], 0) * grid.n_cells[1] + cell_coord(grid, x[1], 1)) *
             grid.n_cells[2] +
         cell_coord(grid, x[2], 2);
}

/// LAMMPS's newton-on tie-break: is position xj "above" xi (greater z, then y, then x)?
MD_HOST_DEVICE inline bool is_above(const double* xj, const double* xi) {
  if (xj[2] != xi[2]) return xj[2] > xi[2];
  if (xj[1] != xi[1]) return xj[1] > xi[1];
  return xj[0] > xi[0];
}

/// Half-list rule for local atom i and atom j ≠ i: a pair of owned atoms is kept when j > i, an
/// owned–ghost pair when the ghost lies above the owned atom (so the mirror pair, seen from the
/// ghost's owner, is dropped there).
MD_HOST_DEVICE inline bool half_list_keeps(int i, int j, int n_local, const double* xi,
                                           const double* xj) {
  return j < n_local ? j > i : is_above(xj, xi);
}


/// Is the pair within the list radius (r² < radius², strictly)?
MD_HOST_DEVICE inline bool in_list_range(const double* xj, const double* xi, double radius_sq) {
  return distance_sq(xj, xi) < radius_sq;
}

/// Everything one local atom's neighbour search reads: the grid, the stencil and the atoms sorted
/// by cell. Pointers are host or device memory, matching where `for_each_neighbor` runs.
struct CellListView {
  CellGrid grid;
  const int* stencil = nullptr;        ///< [n_stencil][3] cell offsets (make_stencil)
  int n_stencil = 0;
  const int* cell_start = nullptr;     ///< [total_cells + 1]: atoms of cell c are
                                       ///< atoms_by_cell[cell_start[c], cell_start[c + 1])
  const int* atoms_by_cell = nullptr;  ///< [n_all], ascending atom index within a cell
  const double* positions = nullptr;   ///< [n_all][3], Å
  int n_local = 0;
  bool half = false;                   ///< apply half_list_keeps
  double radius_sq = 0.0;              ///< (cutoff + skin)², Å²
};

/// The view of one build: `stencil` flattened [n][3], the cell arrays, positions [n_all][3] (all
/// host or all device pointers), the list kind and the list radius (cutoff + skin, Å).
inline CellListView make_cell_list_view(const CellGrid& grid, const std::vector<int>& host_stencil,
                                        const int* stencil, const int* cell_start,
                                        const int* atoms_by_cell, const double* positions,
                                        int n_local, bool half, double radius) {
  CellListView view;
  view.grid = grid;
  view.stencil = stencil;
  view.n_stencil = static_cast<int>(host_stencil.size() / 3);
  view.cell_start = cell_start;
  view.atoms_by_cell = atoms_by_cell;
  view.positions = positions;
  view.n_local = n_local;
  view.half = half;
  view.radius_sq = radius * radius;
  return view;
}

/// Calls visit(j) for every neighbour j of local atom i, in list order (stencil order, then
/// ascending index within a cell).
template <class Visit>
MD_HOST_DEVICE inline void for_each_neighbor(const CellListView& v, int i, Visit& visit) {
  const double* xi = v.positions + 3 * i;
  const int ci[3] = {cell_coord(v.grid, xi[0], 0), cell_coord(v.grid, xi[1], 1),
                     cell_coord(v.grid, xi[2], 2)};
  const int* n_cells = v.grid.n_cells;
  for (int s = 0; s < v.n_stencil; ++s) {
    const int ax = ci[0] + v.stencil[3 * s];
    const int ay = ci[1] + v.stencil[3 * s + 1];
    const int az = ci[2] + v.stencil[3 * s + 2];
    if (ax < 0 || ay < 0 || az < 0 || ax >= n_cells[0] || ay >= n_cells[1] || az >= n_cells[2]) {
      continue;
    }
    const int cell = (ax * n_cells[1] + ay) * n_cells[2] + az;
    for (int k = v.cell_start[cell]; k < v.cell_start[cell + 1]; ++k) {
      const int j = v.atoms_by_cell[k];
      if (j == i) continue;
      const double* xj = v.positions + 3 * j;
      if (v.half && !half_list_keeps(i, j, v.n_local, xi, xj)) continue;
      if (in_list_range(xj, xi, v.radius_sq)) visit(j);
    }
  }
}

}  // namespace md
