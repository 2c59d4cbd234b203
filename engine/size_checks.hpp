// SPDX-License-Identifier: MIT
/// \file
/// Sizes that cannot work, refused before any work is done (and by `mdrun --check`): an atom
/// count or id that overflows when the structure is replicated, a periodic box so small against
/// the neighbour-list radius that the halo would need an unbounded number of periodic images, an
/// atom so far outside a periodic box that its image count does not fit, and a system that cannot
/// fit in this node's memory whatever the potential. Each check throws md::Error naming the
/// config key or atom and the limit; none allocates in proportion to the system.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "core/box.hpp"
#include "core/error.hpp"

namespace md {

/// A periodic box must not need more periodic images of itself as ghosts than this factor times
/// its own atoms: (1 + 2 r / L_x)(1 + 2 r / L_y)(1 + 2 r / L_z) over periodic dimensions, with r
/// the neighbour-list radius. 1,000 still admits a 2.5 Å two-atom cell with an 8 Å radius (405).
constexpr double kMaxPeriodicImageFactor = 1000.0;

/// Bytes an owned atom needs at the very least on the host (positions, velocities, forces, ids,
/// types, image flags, the displacement reference), whatever the potential and list: a lower
/// bound, so a system refused by it could never have run.
constexpr double kMinBytesPerAtom = 128.0;

/// n_base × counts[0] × counts[1] × counts[2], or a config error naming structure.replicate when
/// the product overflows 64 bits.
std::int64_t replicated_atom_count(std::int64_t n_base, const std::array<int, 3>& counts);

/// The largest id after replication (LAMMPS numbering: base id + replica index × largest base
/// id), or a config error naming structure.replicate when it overflows 64 bits.
std::int64_t replicated_max_id(std::int64_t max_base_id, const std::array<int, 3>& counts);

/// Refuses a periodic dimension too narrow (its perpendicular width, Box::width) for
/// `list_radius` (Å), see kMaxPeriodicImageFactor,
/// or a box whose length is not a normal positive number. Config error (exit code 2) naming the
/// dimension, its length and the radius.
void check_box_for_radius(const Box& box, double list_radius);

/// Refuses a system that cannot fit: `n_atoms` over `n_ranks` ranks, `ranks_per_node` of them on
/// a node of `node_memory_bytes` (0: unknown, no check), at kMinBytesPerAtom each. Exit code 6.
void check_fits_in_memory(std::int64_t n_atoms, int n_ranks, int ranks_per_node,
                          double node_memory_bytes);

/// Physical memory of this node in bytes (0 when unknown).
double node_memory_bytes();

/// Refuses an atom whose position along a periodic dimension lies so far outside the box that
/// wrapping it would overflow its 32-bit image flag (x = 1e300 in a 12 Å box): input error naming
/// the atom, the coordinate and the box. `x` is the atom's position [3], `image` its image flag
/// along d.
void check_wrappable(const Box& box, int d, const double* x, int image, std::int64_t id);

/// Refuses a tilt along a non-periodic dimension, as LAMMPS does ("Triclinic box must be periodic
/// in skewed dimensions"): xy needs y periodic, xz and yz need z periodic. Config error naming
/// `structure_file` and structure.boundary.
void check_tilted_dimensions_periodic(const Box& box, const std::string& structure_file);

}  // namespace md
