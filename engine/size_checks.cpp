// SPDX-License-Identifier: MIT
#include "engine/size_checks.hpp"

#include <unistd.h>

#include <climits>
#include <cmath>
#include <limits>
#include <string>

#include "core/format.hpp"

namespace md {
namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

std::string counts_text(const std::array<int, 3>& counts) {
  return "[" + std::to_string(counts[0]) + ", " + std::to_string(counts[1]) + ", " +
         std::to_string(counts[2]) + "]";
}

/// a × b, or nothing when it overflows 64 bits (both ≥ 0).
bool multiply(std::int64_t a, std::int64_t b, std::int64_t& out) {
  if (a != 0 && b > kInt64Max / a) return false;
  out = a * b;
  return true;
}

}  // namespace

std::int64_t replicated_atom_count(std::int64_t n_base, const std::array<int, 3>& counts) {
  std::int64_t n = n_base;
  for (int c : counts) {
    if (!multiply(n, c, n)) {
      throw config_error("structure.replicate " + counts_text(counts) + " of " +
                         std::to_string(n_base) +
                         " atoms gives more atoms than a 64-bit count can hold");
    }
  }
  return n;
}

std::int64_t replicated_max_id(std::int64_t max_base_id, const std::array<int, 3>& counts) {
  // Replica r's atom b gets id b + r·max_base_id, r < nx·ny·nz: the largest is
  // max_base_id·(nx·ny·nz).
  std::int64_t replicas = 1;
  std::int64_t max_id = 0;
  if (!multiply(replicas, counts[0], replicas) || !multiply(replicas, counts[1], replicas) ||
      !multiply(replicas, counts[2], replicas) || !multiply(max_base_id, replicas, max_id)) {
    throw config_error("structure.replicate " + counts_text(counts) +
                       ": the replicated atom ids (up to the largest base id " +
                       std::to_string(max_base_id) +
                       " times the number of replicas) do not fit in 64 bits; renumber the "
                       "structure's atoms 1..N or replicate fewer times");
  }
  return max_id;
}

void check_box_for_radius(const Box& box, double list_radius) {
  double factor = 1.0;
  for (int d = 0; d < 3; ++d) {
    const double length = box.length(d);
    if (!std::isnormal(length) || length <= 0.0) {
      throw config_error(std::string("the box length along ") + "xyz"[d] + " is " +
                         format_number(length) +
                         " Å: a box needs a positive, normal length in every dimension");
    }
    if (box.periodic[d]) factor *= 1.0 + 2.0 * list_radius / box.width(d);
  }
  if (!(factor <= kMaxPeriodicImageFactor)) {
    double shortest = INFINITY;
    int which = 0;
    for (int d = 0; d < 3; ++d) {
      if (box.periodic[d] && box.width(d) < shortest) {
        shortest = box.width(d);
        which = d;
      }
    }
    throw config_error(
        "the periodic box (narrowest width " + format_number(shortest) + " Å along " +
        "xyz"[which] + ") is too small for the neighbour-list radius of " +
        format_number(list_radius) + " Å (cutoff + skin): every atom would need about " +
        format_number(factor) + " periodic images of the box as ghosts, more than " +
        format_number(kMaxPeriodicImageFactor) +
        "; check the box bounds of the structure (or replicate it) and the cutoff");
  }
}

void check_fits_in_memory(std::int64_t n_atoms, int n_ranks, int ranks_per_node,
                          double node_memory_bytes) {
  if (node_memory_bytes <= 0.0 || n_ranks < 1 || ranks_per_node < 1) return;
  const double per_rank = kMinBytesPerAtom * static_cast<double>(n_atoms) / n_ranks;
  const double available = node_memory_bytes / ranks_per_node;
  if (per_rank <= available) return;
  constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
  throw Error(ExitCode::kOutOfMemory,
              std::to_string(n_atoms) + " atoms on " + std::to_string(n_ranks) +
                  " rank(s) need at least " + format_number(per_rank / kGiB) +
                  " GiB per rank (" + format_number(kMinBytesPerAtom) +
                  " bytes per atom before any neighbour list), but this node has " +
                  format_number(node_memory_bytes / kGiB) + " GiB for " +
                  std::to_string(ranks_per_node) +
                  " rank(s): use more nodes, or a smaller structure.replicate");
}

double node_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return 0.0;
  return static_cast<double>(pages) * static_cast<double>(page);
}

void check_wrappable(const Box& box, int d, const double* x, int image, std::int64_t id) {
  if (!box.periodic[d]) return;
  for (int c = 0; c < 3; ++c) {
    if (std::isfinite(x[c])) continue;
    throw input_error("atom " + std::to_string(id) + " has the non-finite coordinate " +
                      "xyz"[c] + " = " + format_number(x[c]) + " Å");
  }
  const double shifts = std::floor((box.untilted(x, d) - box.lo[d]) / box.length(d));
  const double wrapped_image = static_cast<double>(image) + shifts;
  if (wrapped_image >= INT_MIN && wrapped_image <= INT_MAX) return;
  throw input_error("atom " + std::to_string(id) + " lies at " + "xyz"[d] + " = " +
                    format_number(x[d]) + " Å, " + format_number(std::fabs(shifts)) +
                    " box lengths outside the periodic box " + format_number(box.lo[d]) +
                    " .. " + format_number(box.hi[d]) +
                    " Å: its image count does not fit in 32 bits (is the coordinate a typo?)");
}

void check_tilted_dimensions_periodic(const Box& box, const std::string& structure_file) {
  static constexpr const char* kName[3] = {"xy", "xz", "yz"};
  static constexpr int kSkewed[3] = {1, 2, 2};  // the dimension each tilt skews
  for (int t = 0; t < 3; ++t) {
    if (box.tilt[t] == 0.0 || box.periodic[kSkewed[t]]) continue;
    throw config_error(structure_file + " has tilt factor " + kName[t] + " = " +
                       format_number(box.tilt[t]) + " Å, but structure.boundary makes " +
                       "xyz"[kSkewed[t]] +
                       " non-periodic: a tilted box must be periodic in the dimension it skews "
                       "(xy needs y periodic, xz and yz need z periodic), as in LAMMPS");
  }
}

}  // namespace md
