// SPDX-License-Identifier: MIT
/// \file
/// Migration (LAMMPS's `exchange`): at a neighbour-list rebuild, owned atoms are wrapped back into
/// the periodic box and handed to the rank whose subdomain now contains them. An atom may have
/// crossed several subdomains since the last rebuild; it travels one neighbour per round, and
/// rounds repeat along each dimension until every rank holds only its own atoms.
#pragma once

#include <cstdint>
#include <vector>

#include "comm/communicator.hpp"
#include "comm/domain.hpp"

namespace md {

/// The per-atom arrays that travel with an owned atom. Sizes are [n_local] times the component
/// count (positions, velocities, images: 3); they are resized as atoms leave and arrive.
struct OwnedAtoms {
  std::vector<double>& positions;   ///< [n][3], Å
  std::vector<double>& velocities;  ///< [n][3], Å/ps
  std::vector<int>& images;         ///< [n][3], periodic image counters
  std::vector<int>& types;          ///< [n]
  std::vector<std::int64_t>& ids;   ///< [n]
};

/// Wraps owned atoms into the box along periodic dimensions (updating image counters) and moves
/// each to its owning rank. An atom outside a non-periodic dimension of the box is an unstable
/// dynamics Error naming the atom id, its position and `step`. Collective; returns the new n_local.
int migrate(const Domain& domain, const Communicator& comm, OwnedAtoms atoms, std::int64_t step);

}  // namespace md
