// SPDX-License-Identifier: MIT
/// \file
/// Moving whole atoms between the root rank and their owners: the initial scatter of a structure
/// read on rank 0, and the gather of per-atom values by global id for outputs that need all atoms.
#pragma once

#include <cstdint>
#include <vector>

#include "comm/communicator.hpp"
#include "comm/domain.hpp"
#include "engine/atom_set.hpp"

namespace md {

/// Root holds `all` (ignored elsewhere). Positions are wrapped into the box along periodic
/// dimensions (image flags updated) and every atom goes to the rank owning its position. An atom
/// outside a non-periodic dimension is an input Error naming it. Collective; returns this rank's
/// atoms in root's order.
AtomSet scatter_atoms(const Communicator& comm, const Domain& domain, const AtomSet& all);

/// Sends root's `atoms` to every rank (for small sets such as a replication base cell).
/// Collective; returns the set on every rank.
AtomSet broadcast_atoms(const Communicator& comm, const AtomSet& atoms);

/// Gathers `components` doubles per owned atom onto root, ordered by ascending global id. Returns
/// the [n_total][components] values on root and an empty vector elsewhere. Collective.
std::vector<double> gather_by_id(const Communicator& comm, const std::vector<std::int64_t>& ids,
                                 int n_local, const double* values, int components);

/// Gathers whole atoms onto root, sorted by id. Collective.
AtomSet gather_atoms(const Communicator& comm, const AtomSet& mine);

}  // namespace md
