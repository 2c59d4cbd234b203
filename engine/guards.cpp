// SPDX-License-Identifier: MIT
#include "engine/guards.hpp"

#include <cmath>
#include <limits>
#include <sstream>

namespace md {
namespace {

constexpr const char* kUnstableHint =
    "the dynamics is unstable (time step too large, overlapping atoms, or a bad start)";

bool finite3(const double* x) {
  return std::isfinite(x[0]) && std::isfinite(x[1]) && std::isfinite(x[2]);
}

std::string triple(const double* x) {
  std::ostringstream out;
  out.precision(10);
  out << x[0] << ' ' << x[1] << ' ' << x[2];
  return out.str();
}

}  // namespace

void raise_if_any(const Communicator& comm, std::int64_t problem_count,
                  const std::string& message) {
  const std::int64_t total = comm.sum(problem_count);
  if (total == 0) return;
  const double my_rank = problem_count > 0 ? comm.rank() : std::numeric_limits<double>::max();
  const int owner = static_cast<int>(comm.min(my_rank));
  std::string text = comm.rank() == owner ? message : std::string();
  std::uint64_t size = text.size();
  comm.broadcast_bytes(&size, sizeof size, owner);
  text.resize(size);
  comm.broadcast_bytes(text.data(), size, owner);
  if (total > 1) text += " (" + std::to_string(total) + " atoms affected)";
  throw UnstableDynamics(text);
}

void check_finite(const ParticleState& state, const Communicator& comm, std::int64_t step) {
  std::int64_t count = 0;
  std::string message;
  for (int i = 0; i < state.n_local; ++i) {
    const std::size_t row = 3 * static_cast<std::size_t>(i);
    const double* x = &state.positions[row];
    const double* v = &state.velocities[row];
    const double* f = &state.forces[row];
    if (finite3(x) && finite3(v) && finite3(f)) continue;
    if (count++ > 0) continue;
    const char* what = !finite3(f) ? "force" : (!finite3(v) ? "velocity" : "position");
    const double* value = !finite3(f) ? f : (!finite3(v) ? v : x);
    std::ostringstream msg;
    msg << "non-finite " << what << " on atom " << state.ids[i] << " at step " << step << " ("
        << triple(value) << "): " << kUnstableHint;
    message = msg.str();
  }
  raise_if_any(comm, count, message);
}

void check_inside_box(const ParticleState& state, const Box& box, const Communicator& comm,
                      std::int64_t step) {
  std::int64_t count = 0;
  std::string message;
  for (int i = 0; i < state.n_local; ++i) {
    const double* x = &state.positions[3 * static_cast<std::size_t>(i)];
    for (int d = 0; d < 3; ++d) {
      const bool finite = std::isfinite(x[d]);
      const bool outside = !box.periodic[d] && !(x[d] >= box.lo[d] && x[d] < box.hi[d]);
      if (finite && !outside) continue;
      if (count++ == 0) {
        std::ostringstream msg;
        msg.precision(10);
        if (!finite) {
          msg << "non-finite position of atom " << state.ids[i] << " at step " << step << " ("
              << triple(x) << "): " << kUnstableHint;
        } else {
          msg << "atom " << state.ids[i] << " left the box along the non-periodic " << "xyz"[d]
              << " dimension at step " << step << " (" << "xyz"[d] << " = " << x[d] << " Å, box "
              << box.lo[d] << " .. " << box.hi[d]
              << " Å); the dynamics is unstable or the boundary should be periodic";
        }
        message = msg.str();
      }
      break;
    }
  }
  raise_if_any(comm, count, message);
}

std::string lost_atoms_message(std::int64_t step, std::int64_t n_atoms, std::int64_t n_now,
                               std::int64_t id_sum, std::int64_t id_sum_now) {
  std::string text = "lost atoms at step " + std::to_string(step) + ": original " +
                     std::to_string(n_atoms) + ", current " + std::to_string(n_now);
  if (n_atoms - n_now == 1) text += " (the missing atom is atom " + std::to_string(id_sum - id_sum_now) + ")";
  return text + ": atoms must never disappear; this is a bug in mdrun, please report it";
}

std::int64_t global_id_sum(const ParticleState& state, const Communicator& comm) {
  std::int64_t sum = 0;
  for (int i = 0; i < state.n_local; ++i) sum += state.ids[i];
  return comm.sum(sum);
}

void check_after_rebuild(const ParticleState& state, const NeighborView& neighbors, int capacity,
                         std::int64_t n_atoms, std::int64_t id_sum, const Communicator& comm,
                         std::int64_t step) {
  std::int64_t overflow = 0;
  std::string message;
  if (capacity > 0) {
    for (int i = 0; i < state.n_local; ++i) {
      const int count = neighbors.offsets[i + 1] - neighbors.offsets[i];
      if (count <= capacity) continue;
      if (overflow++ == 0) {
        message = "neighbour capacity overflow at step " + std::to_string(step) + ": atom " +
                  std::to_string(state.ids[i]) + " has " + std::to_string(count) +
                  " neighbour-list entries, more than guards.max_neighbors = " +
                  std::to_string(capacity) +
                  " (overlapping or collapsed atoms; raise the limit only if the density is real)";
      }
    }
  }
  std::int64_t counts[3] = {state.n_local, overflow, 0};
  for (int i = 0; i < state.n_local; ++i) counts[2] += state.ids[i];
  comm.sum(Span<std::int64_t>(counts, 3));
  if (counts[0] != n_atoms) {
    throw UnstableDynamics(lost_atoms_message(step, n_atoms, counts[0], id_sum, counts[2]));
  }
  if (counts[1] > 0) raise_if_any(comm, overflow, message);
}

}  // namespace md
