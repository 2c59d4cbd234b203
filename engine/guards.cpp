// SPDX-License-Identifier: MIT
#include "engine/guards.hpp"

#include <cmath>
#include <limits>
#include <sstream>

#include "comm/collectives.hpp"
#include "core/exact_math.hpp"
#include "core/format.hpp"

namespace md {
namespace {

constexpr const char* kUnstableHint =
    "the dynamics is unstable (time step too large, overlapping atoms, or a bad start)";

/// Image flags are 32-bit; wrapping an atom beyond this many box lengths would overflow them.
constexpr double kMaxImage = 2147483647.0;

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
  broadcast(comm, text, owner);
  if (total > 1) text += " (" + std::to_string(total) + " atoms affected)";
  throw UnstableDynamics(text);
}

void check_atom_values(const ParticleState& state, double max_force, const Communicator& comm,
                       std::int64_t step) {
  std::int64_t count = 0;
  std::string message;
  const double max_force_sq = max_force * max_force;
  for (int i = 0; i < state.n_local; ++i) {
    const std::size_t row = 3 * static_cast<std::size_t>(i);
    const double* x = &state.positions[row];
    const double* v = &state.velocities[row];
    const double* f = &state.forces[row];
    const bool finite = finite3(x) && finite3(v) && finite3(f);
    const double f_sq = finite ? f[0] * f[0] + f[1] * f[1] + f[2] * f[2] : 0.0;
    if (finite && !(max_force > 0.0 && f_sq > max_force_sq)) continue;
    if (count++ > 0) continue;
    std::ostringstream msg;
    if (finite) {
      msg << "force of " << format_number(std::sqrt(f_sq)) << " eV/Å on atom " << state.ids[i]
          << " at step " << step << " (" << triple(f) << "), more than guards.max_force_eV_A = "
          << format_number(max_force) << ": " << kUnstableHint;
    } else {
      const char* what = !finite3(f) ? "force" : (!finite3(v) ? "velocity" : "position");
      const double* value = !finite3(f) ? f : (!finite3(v) ? v : x);
      msg << "non-finite " << what << " on atom " << state.ids[i] << " at step " << step << " ("
          << triple(value) << "): " << kUnstableHint;
    }
    message = msg.str();
  }
  raise_if_any(comm, count, message);
}

void check_step_displacement(const ParticleState& state, const std::vector<double>& reference,
                             double moved, double skin, double limit, const Communicator& comm,
                             std::int64_t step) {
  if (!(limit > 0.0) || !(moved > 0.5 * skin + limit)) return;
  // The largest displacement on this rank, with its atom; the rank holding the overall largest
  // names it.
  double worst = -1.0;
  int worst_atom = -1;
  for (int i = 0; i < state.n_local; ++i) {
    const double d = std::sqrt(distance_sq(&state.positions[3 * static_cast<std::size_t>(i)],
                                            &reference[3 * static_cast<std::size_t>(i)]));
    if (!(d <= worst)) {  // NaN counts as the worst
      worst = d;
      worst_atom = i;
    }
  }
  const double largest = comm.max(std::isnan(worst) ? INFINITY : worst);
  const bool mine = worst_atom >= 0 && (std::isnan(worst) ? INFINITY : worst) == largest;
  std::string message;
  if (mine) {
    std::ostringstream msg;
    msg << "atom " << state.ids[worst_atom] << " moved at least "
        << format_number(worst - 0.5 * skin) << " Å in one step (step " << step
        << "), more than guards.max_step_displacement_A = " << format_number(limit)
        << " Å: " << kUnstableHint;
    message = msg.str();
  }
  raise_if_any(comm, mine ? 1 : 0, message);
  throw internal_error("check_step_displacement: no rank holds the displaced atom");
}

std::string close_contact_warning(const ParticleState& state, const NeighborView& neighbors,
                                  const Potential& potential, double fraction,
                                  const Communicator& comm) {
  double worst_ratio = INFINITY;
  std::int64_t pair[2] = {0, 0};
  double worst_r = 0.0, worst_natural = 0.0;
  for (int i = 0; i < state.n_local; ++i) {
    const double* xi = &state.positions[3 * static_cast<std::size_t>(i)];
    for (int k = neighbors.offsets[i]; k < neighbors.offsets[i + 1]; ++k) {
      const int j = neighbors.neighbors[k];
      const double natural = potential.natural_distance(state.types[i], state.types[j]);
      if (!(natural > 0.0)) continue;
      const double r = std::sqrt(distance_sq(xi, &state.positions[3 * static_cast<std::size_t>(j)]));
      if (r / natural < worst_ratio) {
        worst_ratio = r / natural;
        worst_r = r;
        worst_natural = natural;
        pair[0] = state.ids[i];
        pair[1] = state.ids[j];
      }
    }
  }
  const double smallest = comm.min(worst_ratio);
  const bool mine = worst_ratio == smallest && smallest < fraction;
  std::string message;
  if (mine) {
    std::ostringstream msg;
    msg << "atoms " << std::min(pair[0], pair[1]) << " and " << std::max(pair[0], pair[1])
        << " are " << format_number(worst_r) << " Å apart, less than "
        << format_number(fraction) << " of their natural distance ("
        << format_number(worst_natural) << " Å, " << potential.natural_distance_basis()
        << "): overlapping atoms make the first steps explode; check the structure";
    message = msg.str();
  }
  // The lowest rank with the smallest ratio sends its text to rank 0.
  const double owner = comm.min(mine ? static_cast<double>(comm.rank()) : INFINITY);
  if (!std::isfinite(owner)) return "";
  broadcast(comm, message, static_cast<int>(owner));
  return message;
}

void check_inside_box(const ParticleState& state, const Box& box, const Communicator& comm,
                      std::int64_t step) {
  std::int64_t count = 0;
  std::string message;
  for (int i = 0; i < state.n_local; ++i) {
    const double* x = &state.positions[3 * static_cast<std::size_t>(i)];
    for (int d = 0; d < 3; ++d) {
      const bool finite = std::isfinite(x[0]) && std::isfinite(x[1]) && std::isfinite(x[2]);
      const bool outside = !box.periodic[d] && !box.contains(x, d);
      const int image = state.images[3 * static_cast<std::size_t>(i) + d];
      const bool wrappable =
          !box.periodic[d] ||
          std::fabs(image + std::floor((box.untilted(x, d) - box.lo[d]) / box.length(d))) <
              kMaxImage;
      if (finite && !outside && wrappable) continue;
      if (count++ == 0) {
        std::ostringstream msg;
        msg.precision(10);
        if (!finite) {
          msg << "non-finite position of atom " << state.ids[i] << " at step " << step << " ("
              << triple(x) << "): " << kUnstableHint;
        } else if (!wrappable) {
          msg << "atom " << state.ids[i] << " is " << format_number(x[d]) << " Å away along "
              << "xyz"[d] << " at step " << step
              << ", too many box lengths for its image flag: " << kUnstableHint;
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
