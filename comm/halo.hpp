// SPDX-License-Identifier: MIT
/// \file
/// The halo: ghost atoms and the communication plan that keeps them current.
///
/// Vocabulary (used everywhere else without redefinition):
///  - *owned* (local) atoms are those inside this rank's subdomain: indices [0, n_local);
///  - *ghosts* are copies of atoms owned elsewhere (another rank, or a periodic image of this
///    rank's own atoms), within `ghost_width` of the subdomain: indices [n_local, n_all);
///  - *export*: an atom this rank sends as someone's ghost; *import*: a ghost it receives;
///  - `forward` copies owned values to their ghosts (positions, with the periodic shift);
///  - `reverse_sum` adds ghost values onto their owners (forces) and leaves ghosts stale.
///
/// The plan is a list of swaps built at neighbour-list rebuilds and applied every step (LAMMPS's
/// borders / forward_comm / reverse_comm). Dimensions are handled in turn, x then y then z, and
/// each swap sends a slab of atoms to the neighbour below or above; ghosts received in earlier
/// dimensions travel on in later ones, so edge and corner images need no special case. When the
/// ghost width exceeds a subdomain, a direction takes several hops, each forwarding what the
/// previous hop brought in. A serial run is the 1 × 1 × 1 grid whose neighbour is itself: the same
/// swaps, with periodic shifts, produce the periodic images. Every rank performs the same number
/// of exchanges, so ranks with empty subdomains take part like any other.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "comm/communicator.hpp"
#include "comm/domain.hpp"
#include "core/portability.hpp"
#include "core/span.hpp"

namespace md {

/// Per-row halo math, shared by the host Halo and the device halo (comm/halo_cuda.cuh), so both
/// produce the same bits. A row is the `components` values of one atom.
///
/// Packs one exported row: out[c] = row[c] + shift[c], or row[c] + 0.0 when `shift` is null (as
/// the host has always done; note that this turns −0.0 into +0.0).
MD_HOST_DEVICE inline void halo_pack_row(const double* row, int components, const double* shift,
                                         double* out) {
  for (int c = 0; c < components; ++c) out[c] = row[c] + (shift != nullptr ? shift[c] : 0.0);
}

/// Adds one received ghost row onto its owner's row: row[c] += received[c].
MD_HOST_DEVICE inline void halo_accumulate_row(const double* received, int components,
                                               double* row) {
  for (int c = 0; c < components; ++c) row[c] += received[c];
}

class Halo {
 public:
  /// Rebuilds the plan and the ghosts. On entry the arrays hold the n_local owned atoms, all inside
  /// this rank's subdomain; on exit ghosts are appended: positions [n_all][3] (periodic shift
  /// applied), types [n_all], ids [n_all]. Collective. Returns n_ghost.
  int build(const Domain& domain, const Communicator& comm, double ghost_width, int n_local,
            std::vector<double>& positions, std::vector<int>& types,
            std::vector<std::int64_t>& ids);

  /// Copies owned positions to their ghosts, adding each ghost's periodic shift. Collective.
  void forward_positions(const Communicator& comm, Span<double> positions);
  /// Copies `components` values per atom from owned atoms to their ghosts. Collective.
  void forward(const Communicator& comm, Span<double> values, int components);
  /// Adds the ghost rows of `values` onto their owners (`components` values per atom). Ghost rows
  /// are left unchanged (stale). Collective.
  void reverse_sum(const Communicator& comm, Span<double> values, int components);

  /// After a box change without a rebuild (a barostat's step; the atoms were mapped at fixed
  /// fractional coordinates, so the plan's exports still hold): the periodic shifts become
  /// `box`'s edge vectors.
  void update_shifts(const Box& box);
  /// A bound (Å) on how far any ghost's periodic shift moves when the box changes from `from`
  /// (the box of the last build) to `to`: Σ_d hops_d·|edge_d(to) − edge_d(from)|, a ghost
  /// crossing the periodic boundary along d at most once per hop.
  double ghost_shift_change(const Box& from, const Box& to) const;

  int n_local() const { return n_local_; }
  int n_ghost() const { return n_ghost_; }
  /// Number of ghost atoms received from other ranks (not periodic self-images), for reporting.
  int n_imported_from_other_ranks() const { return n_remote_; }

  /// Read-only view of one swap of the plan (for the device halo, comm/halo_cuda.cuh), valid until
  /// the next build(). `forward` applies the swaps in order 0, 1, …; `reverse_sum` in reverse.
  struct SwapView {
    int dest;                 ///< rank the exports go to (−1: nobody)
    int source;               ///< rank the imports come from (−1: nobody)
    Span<const int> exports;  ///< local indices sent, in order
    const double* shift;      ///< [3], added to exported positions
    int import_first;         ///< first index of the received ghosts
    int import_count;
  };
  std::size_t n_swaps() const { return swaps_.size(); }
  SwapView swap_view(std::size_t k) const {
    const Swap& s = swaps_[k];
    return SwapView{s.dest, s.source, Span<const int>(s.exports), s.shift, s.import_first,
                    s.import_count};
  }

 private:
  struct Swap {
    int dest = -1;    ///< rank the exports go to (−1: nobody)
    int source = -1;  ///< rank the imports come from (−1: nobody)
    std::vector<int> exports;  ///< local indices sent, in order
    double shift[3] = {0.0, 0.0, 0.0};  ///< added to exported positions (periodic boundary)
    int dimension = 0;       ///< the dimension this swap sends along
    int direction = 0;       ///< −1 (down) or +1 (up)
    bool crosses = false;    ///< the step crosses the periodic boundary (shift = −direction·edge)
    int import_first = 0;  ///< first index of the received ghosts
    int import_count = 0;
  };

  void forward_impl(const Communicator& comm, Span<double> values, int components, bool shift);
  /// swap.shift = −direction·edge of `box` along the swap's dimension.
  static void set_shift(Swap& swap, const Box& box);

  std::vector<Swap> swaps_;
  std::array<int, 3> hops_{0, 0, 0};  ///< hops per direction along each dimension
  int n_local_ = 0;
  int n_ghost_ = 0;
  int n_remote_ = 0;
  std::vector<double> send_buffer_;
  std::vector<double> recv_buffer_;
};

}  // namespace md
