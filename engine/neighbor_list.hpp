// SPDX-License-Identifier: MIT
/// \file
/// Verlet neighbour list built from a cell list, with a skin.
///
/// The list holds every pair closer than cutoff + skin at build time. It stays valid while no atom
/// has moved more than skin/2 since then (two atoms approaching each other by at most skin in
/// total), which `max_displacement_sq` measures every step — there is no unchecked mode. The
/// displacement is measured on the unwrapped positions of owned atoms, which are only wrapped at
/// rebuilds, when the reference positions are reset.
///
/// Half lists (`NeighborKind::kHalf`) hold each pair once over all ranks: a pair of owned atoms when
/// j > i, and an owned-ghost pair only when the ghost lies "above" the owned atom (greater z, then
/// y, then x: LAMMPS's newton-on rule), so the mirror image of the pair, seen from the ghost's
/// owner, is dropped there.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "core/error.hpp"
#include "core/span.hpp"
#include "potential/potential.hpp"

namespace md {

/// The most pairs one rank's list can hold: row offsets and neighbour indices are 32-bit (the
/// potentials' NeighborView), so a list never indexes past 2^31 − 1 entries. At ~215 entries per
/// water atom (6 Å cutoff, 2 Å skin, full list) that is ~10 million atoms per rank or GPU.
constexpr std::int64_t kMaxNeighborPairs = std::numeric_limits<int>::max();

/// The error for a rank whose list would exceed `limit` entries (exit code 6, a size limit):
/// names the pairs needed, the limit and the ways out. Shared by the CPU and CUDA lists.
Error neighbor_pairs_limit_error(std::int64_t pairs_needed, int n_local,
                                 std::int64_t limit = kMaxNeighborPairs);

class NeighborList {
 public:
  /// `max_pairs` is the most entries a build may produce (the 32-bit limit; tests lower it to
  /// exercise the refusal): beyond it build() throws neighbor_pairs_limit_error.
  NeighborList(NeighborKind kind, double cutoff, double skin,
               std::int64_t max_pairs = kMaxNeighborPairs);

  /// Builds the list for local atoms [0, n_local) against all atoms [0, n_all) of `positions`
  /// ([n_all][3], Å) and records the local positions as the displacement reference.
  void build(Span<const double> positions, int n_local, int n_all);

  /// Largest squared displacement (Å²) of a local atom since the last build. Collective use:
  /// reduce it over ranks before deciding to rebuild.
  double max_displacement_sq(Span<const double> positions, int n_local) const;
  /// True when `max_displacement_sq` (already reduced over ranks) calls for a rebuild.
  bool exceeds_half_skin(double max_displacement_sq) const {
    return 4.0 * max_displacement_sq > skin_ * skin_;
  }

  NeighborView view() const;
  NeighborKind kind() const { return kind_; }
  double cutoff() const { return cutoff_; }
  double skin() const { return skin_; }
  /// cutoff + skin: the list radius and the ghost width the halo must provide.
  double list_cutoff() const { return cutoff_ + skin_; }
  std::uint64_t build_count() const { return build_count_; }
  /// The local positions at the last build ([n_local][3], Å), the displacement reference. Saved in
  /// checkpoints so that a restart can rebuild exactly the same list.
  const std::vector<double>& reference_positions() const { return reference_positions_; }
  std::size_t n_pairs() const { return neighbors_.size(); }

 private:
  NeighborKind kind_;
  double cutoff_;
  double skin_;
  std::int64_t max_pairs_;
  std::uint64_t build_count_ = 0;
  std::vector<int> offsets_;
  std::vector<int> neighbors_;
  std::vector<double> reference_positions_;  ///< [n_local][3] at the last build
  // Cell-list workspace, kept between builds to avoid reallocation.
  std::vector<int> cell_of_atom_;
  std::vector<int> cell_start_;
  std::vector<int> atoms_by_cell_;
  std::vector<int> stencil_;  ///< [n][3] cell offsets that can hold neighbours (make_stencil)
};

}  // namespace md
