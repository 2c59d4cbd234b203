// SPDX-License-Identifier: MIT
#include "comm/halo.hpp"

#include <cmath>

#include "core/error.hpp"

namespace md {

int Halo::build(const Domain& domain, const Communicator& comm, double ghost_width, int n_local,
                std::vector<double>& positions, std::vector<int>& types,
                std::vector<std::int64_t>& ids) {
  swaps_.clear();
  hops_ = {0, 0, 0};
  n_local_ = n_local;
  n_remote_ = 0;
  positions.resize(3 * static_cast<std::size_t>(n_local));
  types.resize(n_local);
  ids.resize(n_local);
  int n_all = n_local;

  for (int d = 0; d < 3; ++d) {
    const bool has_neighbors = domain.box().periodic[d] || domain.grid()[d] > 1;
    if (!has_neighbors) continue;
    // Faces and widths are in the untilted coordinate u_d, in which a sphere of radius
    // ghost_width reaches ghost_width·width_factor(d) (1 for an orthogonal box).
    const Box& box = domain.box();
    const double reach = ghost_width * box.width_factor(d);
    // Every rank takes the same number of hops (subdomains are equal), so exchanges pair up.
    const int hops = static_cast<int>(std::ceil(reach / domain.sub_length(d)));
    hops_[d] = hops;
    const int n_before_dimension = n_all;
    for (int dir : {-1, +1}) {
      int candidate_first = 0;
      int candidate_count = n_before_dimension;
      for (int hop = 0; hop < hops; ++hop) {
        Swap swap;
        swap.dest = domain.neighbor(d, dir);
        swap.source = domain.neighbor(d, -dir);
        swap.dimension = d;
        swap.direction = dir;
        swap.crosses = domain.crosses_boundary(d, dir);
        // A ghost across the periodic boundary is its atom moved by one edge vector.
        if (swap.crosses) set_shift(swap, box);
        if (swap.dest >= 0) {
          // Sending down: the receiver needs atoms within `reach` above its upper face, which
          // is our lower face; sending up, the mirror image.
          const double face_lo = domain.sub_lo(d) + reach;
          const double face_hi = domain.sub_hi(d) - reach;
          for (int i = candidate_first; i < candidate_first + candidate_count; ++i) {
            const double x = box.untilted(&positions[3 * static_cast<std::size_t>(i)], d);
            if (dir < 0 ? x < face_lo : x >= face_hi) swap.exports.push_back(i);
          }
        }
        std::vector<double> send_positions(3 * swap.exports.size());
        std::vector<int> send_types(swap.exports.size());
        std::vector<std::int64_t> send_ids(swap.exports.size());
        for (std::size_t k = 0; k < swap.exports.size(); ++k) {
          const std::size_t i = swap.exports[k];
          for (int c = 0; c < 3; ++c) send_positions[3 * k + c] = positions[3 * i + c] + swap.shift[c];
          send_types[k] = types[i];
          send_ids[k] = ids[i];
        }
        const auto recv_positions = comm.exchange(swap.dest, send_positions, swap.source);
        const auto recv_types = comm.exchange(swap.dest, send_types, swap.source);
        const auto recv_ids = comm.exchange(swap.dest, send_ids, swap.source);
        swap.import_first = n_all;
        swap.import_count = static_cast<int>(recv_types.size());
        positions.insert(positions.end(), recv_positions.begin(), recv_positions.end());
        types.insert(types.end(), recv_types.begin(), recv_types.end());
        ids.insert(ids.end(), recv_ids.begin(), recv_ids.end());
        n_all += swap.import_count;
        if (swap.source != comm.rank()) n_remote_ += swap.import_count;
        // The next hop in this direction forwards what this hop brought in.
        candidate_first = swap.import_first;
        candidate_count = swap.import_count;
        swaps_.push_back(std::move(swap));
      }
    }
  }
  n_ghost_ = n_all - n_local;
  return n_ghost_;
}

void Halo::set_shift(Swap& swap, const Box& box) {
  double edge[3];
  box.edge(swap.dimension, edge);
  for (int c = 0; c < 3; ++c) swap.shift[c] = -swap.direction * edge[c];
}

void Halo::update_shifts(const Box& box) {
  for (Swap& swap : swaps_) {
    if (swap.crosses) set_shift(swap, box);
  }
}

double Halo::ghost_shift_change(const Box& from, const Box& to) const {
  double bound = 0.0;
  for (int d = 0; d < 3; ++d) {
    if (hops_[d] == 0) continue;
    double a[3], b[3];
    from.edge(d, a);
    to.edge(d, b);
    const double change[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    bound += hops_[d] * std::sqrt(change[0] * change[0] + change[1] * change[1] +
                                  change[2] * change[2]);
  }
  return bound;
}

void Halo::forward_impl(const Communicator& comm, Span<double> values, int components,
                        bool shift) {
  for (const Swap& swap : swaps_) {
    send_buffer_.resize(swap.exports.size() * components);
    for (std::size_t k = 0; k < swap.exports.size(); ++k) {
      const std::size_t i = swap.exports[k];
      halo_pack_row(&values[i * components], components, shift ? swap.shift : nullptr,
                    &send_buffer_[k * components]);
    }
    double* destination =
        values.data() + static_cast<std::size_t>(swap.import_first) * components;
    comm.exchange_bytes(swap.dest, send_buffer_.data(), send_buffer_.size() * sizeof(double),
                        swap.source, destination,
                        static_cast<std::size_t>(swap.import_count) * components * sizeof(double));
  }
}

void Halo::forward_positions(const Communicator& comm, Span<double> positions) {
  forward_impl(comm, positions, 3, true);
}

void Halo::forward(const Communicator& comm, Span<double> values, int components) {
  forward_impl(comm, values, components, false);
}

void Halo::reverse_sum(const Communicator& comm, Span<double> values, int components) {
  for (auto it = swaps_.rbegin(); it != swaps_.rend(); ++it) {
    const Swap& swap = *it;
    // The ghosts go back the way they came: to `source`, from `dest`.
    const double* ghost_rows =
        values.data() + static_cast<std::size_t>(swap.import_first) * components;
    recv_buffer_.resize(swap.exports.size() * components);
    comm.exchange_bytes(swap.source, ghost_rows,
                        static_cast<std::size_t>(swap.import_count) * components * sizeof(double),
                        swap.dest, recv_buffer_.data(), recv_buffer_.size() * sizeof(double));
    for (std::size_t k = 0; k < swap.exports.size(); ++k) {
      const std::size_t i = swap.exports[k];
      halo_accumulate_row(&recv_buffer_[k * components], components, &values[i * components]);
    }
  }
}

}  // namespace md
