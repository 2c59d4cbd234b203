// SPDX-License-Identifier: MIT
/// \file
/// Parallel replication (LAMMPS `replicate nx ny nz`): every rank builds only the atoms that fall
/// into its own subdomain from a small base cell, so a 100M-atom scaling run needs neither a
/// 100M-atom file nor a rank that ever holds all atoms.
///
/// Replica (ix, iy, iz) is the base cell shifted by (ix·Lx, iy·Ly, iz·Lz); its atom with base id b
/// gets id b + r·max_base_id with r = (iz·ny + iy)·nx + ix (LAMMPS's numbering), so ids are the
/// same for any rank count. Positions are wrapped into the base cell first; images start at 0.
#pragma once

#include <array>

#include "comm/domain.hpp"
#include "core/box.hpp"
#include "engine/atom_set.hpp"

namespace md {

/// The box of `base_box` replicated `counts` times (lo kept, periodicity kept).
Box replicated_box(const Box& base_box, const std::array<int, 3>& counts);

/// This rank's atoms of the replicated system. `base` holds the whole base cell (every rank has
/// it); `domain` is the decomposition of replicated_box(base_box, counts).
AtomSet replicate_owned(const AtomSet& base, const Box& base_box,
                        const std::array<int, 3>& counts, const Domain& domain);

}  // namespace md
