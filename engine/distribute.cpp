// SPDX-License-Identifier: MIT
#include "engine/distribute.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <sstream>

#include "comm/collectives.hpp"
#include "core/error.hpp"

namespace md {
namespace {

/// A whole atom as a trivially copyable record, so sets of atoms travel as bytes.
struct AtomRecord {
  std::int64_t id;
  int type;
  int image[3];
  double position[3];
  double velocity[3];
};

AtomRecord record_of(const AtomSet& set, std::size_t i) {
  AtomRecord r{};
  r.id = set.ids[i];
  r.type = set.types[i];
  for (int c = 0; c < 3; ++c) {
    r.image[c] = set.images.empty() ? 0 : set.images[3 * i + c];
    r.position[c] = set.positions[3 * i + c];
    r.velocity[c] = set.velocities.empty() ? 0.0 : set.velocities[3 * i + c];
  }
  return r;
}

AtomSet set_of(const AtomRecord* records, std::size_t n) {
  AtomSet set;
  set.ids.resize(n);
  set.types.resize(n);
  set.images.resize(3 * n);
  set.positions.resize(3 * n);
  set.velocities.resize(3 * n);
  for (std::size_t i = 0; i < n; ++i) {
    set.ids[i] = records[i].id;
    set.types[i] = records[i].type;
    for (int c = 0; c < 3; ++c) {
      set.images[3 * i + c] = records[i].image[c];
      set.positions[3 * i + c] = records[i].position[c];
      set.velocities[3 * i + c] = records[i].velocity[c];
    }
  }
  return set;
}

}  // namespace

AtomSet scatter_atoms(const Communicator& comm, const Domain& domain, const AtomSet& all) {
  std::vector<std::vector<AtomRecord>> per_rank;
  if (comm.rank() == 0) {
    const Box& box = domain.box();
    per_rank.resize(comm.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
      AtomRecord r = record_of(all, i);
      for (int d = 0; d < 3; ++d) {
        if (box.periodic[d] || box.contains(r.position, d)) continue;
        std::ostringstream msg;
        msg.precision(10);
        msg << "atom " << r.id << " lies outside the box along the non-periodic "
            << "xyz"[d] << " dimension (" << "xyz"[d] << " = " << r.position[d] << " Å, box "
            << box.lo[d] << " .. " << box.hi[d]
            << " Å): move it inside or make the boundary periodic";
        throw input_error(msg.str());
      }
      box.wrap(r.position, r.image);
      std::array<int, 3> cell{};
      for (int d = 0; d < 3; ++d) cell[d] = domain.coord_of(d, r.position);
      per_rank[domain.rank_of(cell)].push_back(r);
    }
  }
  const std::vector<AtomRecord> records = scatter(comm, per_rank);
  return set_of(records.data(), records.size());
}

AtomSet broadcast_atoms(const Communicator& comm, const AtomSet& atoms) {
  std::vector<AtomRecord> records;
  if (comm.is_root()) {
    records.resize(atoms.size());
    for (std::size_t i = 0; i < atoms.size(); ++i) records[i] = record_of(atoms, i);
  }
  broadcast(comm, records);
  return set_of(records.data(), records.size());
}

std::vector<double> gather_by_id(const Communicator& comm, const std::vector<std::int64_t>& ids,
                                 int n_local, const double* values, int components) {
  // Each row is [id as double-sized bits][components values].
  const int row = components + 1;
  std::vector<double> mine(static_cast<std::size_t>(n_local) * row);
  for (int i = 0; i < n_local; ++i) {
    std::memcpy(&mine[static_cast<std::size_t>(i) * row], &ids[i], sizeof(double));
    std::copy(values + static_cast<std::size_t>(i) * components,
              values + static_cast<std::size_t>(i + 1) * components,
              &mine[static_cast<std::size_t>(i) * row + 1]);
  }
  const std::vector<double> gathered = gather(comm, mine.data(), mine.size());
  if (comm.rank() != 0) return {};
  const std::size_t n_total = gathered.size() / row;
  std::vector<std::pair<std::int64_t, std::size_t>> order(n_total);
  const double* rows = gathered.data();
  for (std::size_t k = 0; k < n_total; ++k) {
    std::memcpy(&order[k].first, &rows[k * row], sizeof(std::int64_t));
    order[k].second = k;
  }
  std::sort(order.begin(), order.end());
  std::vector<double> out(n_total * components);
  for (std::size_t k = 0; k < n_total; ++k) {
    std::copy(&rows[order[k].second * row + 1], &rows[order[k].second * row + 1] + components,
              &out[k * components]);
  }
  return out;
}

AtomSet gather_atoms(const Communicator& comm, const AtomSet& mine) {
  std::vector<AtomRecord> records(mine.size());
  for (std::size_t i = 0; i < mine.size(); ++i) records[i] = record_of(mine, i);
  std::vector<AtomRecord> all = gather(comm, records.data(), records.size());
  if (comm.rank() != 0) return {};
  std::sort(all.begin(), all.end(),
            [](const AtomRecord& a, const AtomRecord& b) { return a.id < b.id; });
  return set_of(all.data(), all.size());
}

}  // namespace md
