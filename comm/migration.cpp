// SPDX-License-Identifier: MIT
#include "comm/migration.hpp"

#include <cstring>
#include <sstream>

#include "core/error.hpp"

namespace md {
namespace {

/// One atom in flight, as a flat record (trivially copyable, so it travels as bytes).
struct AtomRecord {
  double position[3];
  double velocity[3];
  int image[3];
  int type;
  std::int64_t id;
};

AtomRecord take(const OwnedAtoms& a, std::size_t i) {
  AtomRecord r{};
  for (int c = 0; c < 3; ++c) {
    r.position[c] = a.positions[3 * i + c];
    r.velocity[c] = a.velocities[3 * i + c];
    r.image[c] = a.images[3 * i + c];
  }
  r.type = a.types[i];
  r.id = a.ids[i];
  return r;
}

void append(OwnedAtoms& a, const AtomRecord& r) {
  a.positions.insert(a.positions.end(), r.position, r.position + 3);
  a.velocities.insert(a.velocities.end(), r.velocity, r.velocity + 3);
  a.images.insert(a.images.end(), r.image, r.image + 3);
  a.types.push_back(r.type);
  a.ids.push_back(r.id);
}

/// Removes the atoms not flagged `keep`, preserving the order of the others.
void compact(OwnedAtoms& a, const std::vector<char>& keep) {
  std::size_t out = 0;
  for (std::size_t i = 0; i < keep.size(); ++i) {
    if (!keep[i]) continue;
    if (out != i) {
      for (int c = 0; c < 3; ++c) {
        a.positions[3 * out + c] = a.positions[3 * i + c];
        a.velocities[3 * out + c] = a.velocities[3 * i + c];
        a.images[3 * out + c] = a.images[3 * i + c];
      }
      a.types[out] = a.types[i];
      a.ids[out] = a.ids[i];
    }
    ++out;
  }
  a.positions.resize(3 * out);
  a.velocities.resize(3 * out);
  a.images.resize(3 * out);
  a.types.resize(out);
  a.ids.resize(out);
}

}  // namespace

int migrate(const Domain& domain, const Communicator& comm, OwnedAtoms atoms, std::int64_t step) {
  const Box& box = domain.box();
  const std::size_t n = atoms.ids.size();
  for (std::size_t i = 0; i < n; ++i) {
    double* x = &atoms.positions[3 * i];
    for (int d = 0; d < 3; ++d) {
      if (box.periodic[d] || box.contains(x, d)) continue;
      std::ostringstream msg;
      msg.precision(10);
      msg << "atom " << atoms.ids[i] << " left the box along the non-periodic " << "xyz"[d]
          << " dimension at step " << step << " (" << "xyz"[d] << " = " << x[d] << " Å, box "
          << box.lo[d] << " .. " << box.hi[d]
          << " Å); the dynamics is unstable or the boundary should be periodic";
      throw unstable_error(msg.str());
    }
    box.wrap(x, &atoms.images[3 * i]);
  }

  for (int d = 0; d < 3; ++d) {
    if (domain.grid()[d] == 1) continue;
    const int mine = domain.coords()[d];
    // Each round moves every misplaced atom one subdomain towards its owner.
    while (true) {
      std::vector<AtomRecord> to_lower, to_upper;
      std::vector<char> keep(atoms.ids.size(), 1);
      for (std::size_t i = 0; i < atoms.ids.size(); ++i) {
        const int owner = domain.coord_of(d, &atoms.positions[3 * i]);
        if (owner == mine) continue;
        (owner < mine ? to_lower : to_upper).push_back(take(atoms, i));
        keep[i] = 0;
      }
      if (!comm.any(!to_lower.empty() || !to_upper.empty())) break;
      compact(atoms, keep);
      const auto from_upper = comm.exchange(domain.neighbor(d, -1), to_lower, domain.neighbor(d, +1));
      const auto from_lower = comm.exchange(domain.neighbor(d, +1), to_upper, domain.neighbor(d, -1));
      for (const auto& r : from_upper) append(atoms, r);
      for (const auto& r : from_lower) append(atoms, r);
    }
  }
  return static_cast<int>(atoms.ids.size());
}

}  // namespace md
