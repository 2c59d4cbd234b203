// SPDX-License-Identifier: MIT
/// \file
/// CUDA implementation of format_nlist (contracts in format_nlist.hpp and format_nlist_cuda.cuh).
#include <algorithm>
#include <climits>

#include "core/exact_math.hpp"
#include "potential/deep/format_nlist_cuda.cuh"

namespace md::deep {
namespace {

constexpr int kWarpSize = 32;
constexpr unsigned int kFullMask = 0xffffffffu;
constexpr int kWarpsPerBlock = 4;
constexpr int kScanThreads = 1024;

/// Whether list entry j is a candidate neighbour of centre i (type t_i at xi): not i itself, not
/// pair-excluded, within rcut. r² is rounded exactly as format_nlist_cpu computes it.
__device__ inline bool candidate(const FormatNlistCudaArgs& a, double rcut_sq, int i, int t_i,
                                 const double xi[3], int j, int& t_j, double& r_sq) {
  if (j == i) return false;
  t_j = a.model_types[j];
  if (a.pair_exclude[t_i * a.n_types + t_j]) return false;
  r_sq = distance_sq(a.positions + 3 * static_cast<std::size_t>(j), xi);
  return r_sq <= rcut_sq;
}

/// Step 1: one warp per centre. Writes center_type, n_kept, pair_count and slot_atom.
__global__ void format_slots_kernel(FormatNlistCudaArgs a, double rcut_sq, int* center_type,
                                    int* n_kept, int* pair_count, int* slot_atom) {
  extern __shared__ int s_mem[];
  const int warp = static_cast<int>(threadIdx.x) / kWarpSize;
  const int lane = static_cast<int>(threadIdx.x) % kWarpSize;
  const int c = static_cast<int>(blockIdx.x) * kWarpsPerBlock + warp;
  if (c >= a.n_centers) return;  // uniform over the warp
  const int n_types = a.n_types;
  const int n_groups = a.type_one_side ? n_types : n_types * n_types;
  int* s_count = s_mem + warp * 2 * n_types;  // candidates per type
  int* s_running = s_count + n_types;         // ranks handed out so far, per type (list order)
  for (int t = lane; t < n_types; t += kWarpSize) {
    s_count[t] = 0;
    s_running[t] = 0;
  }
  __syncwarp();

  const int i = a.center_begin + c;
  const int t_i = a.model_types[i];
  if (lane == 0) center_type[c] = t_i;
  if (a.skip_center_type != nullptr && a.skip_center_type[t_i]) {
    for (int t = lane; t < n_types; t += kWarpSize) n_kept[c * n_types + t] = 0;
    for (int e = lane; e < n_groups; e += kWarpSize) pair_count[e * a.n_centers + c] = 0;
    return;
  }
  const double xi[3] = {a.positions[3 * i], a.positions[3 * i + 1], a.positions[3 * i + 2]};
  const int row_begin = a.offsets[i];
  const int row_end = a.offsets[i + 1];

  for (int k = row_begin + lane; k < row_end; k += kWarpSize) {
    int t_j;
    double r_sq;
    if (candidate(a, rcut_sq, i, t_i, xi, a.neighbors[k], t_j, r_sq)) atomicAdd(&s_count[t_j], 1);
  }
  __syncwarp();

  int* slots = slot_atom + static_cast<std::size_t>(c) * a.n_nei;
  for (int k0 = row_begin; k0 < row_end; k0 += kWarpSize) {
    const int k = k0 + lane;
    int j = -1, t_j = -1;
    double r_sq = 0.0;
    bool valid = false;
    if (k < row_end) {
      j = a.neighbors[k];
      valid = candidate(a, rcut_sq, i, t_i, xi, j, t_j, r_sq);
    }
    const unsigned int same = __match_any_sync(kFullMask, valid ? t_j : -1);
    if (valid) {
      const int sel_t = a.sel[t_j];
      int rank = 0;
      if (s_count[t_j] > sel_t || a.sort_always) {
        // Rank by (r², j) among this type's candidates: the CPU's sorted order.
        for (int k2 = row_begin; k2 < row_end; ++k2) {
          const int j2 = a.neighbors[k2];
          int t2;
          double r2;
          if (!candidate(a, rcut_sq, i, t_i, xi, j2, t2, r2) || t2 != t_j) continue;
          if (r2 < r_sq || (r2 == r_sq && j2 < j)) ++rank;
        }
      } else {
        rank = s_running[t_j] + __popc(same & ((1u << lane) - 1u));
      }
      if (rank < sel_t) slots[a.sel_offset[t_j] + rank] = j;
    }
    __syncwarp();
    if (valid && lane == __ffs(same) - 1) s_running[t_j] += __popc(same);
    __syncwarp();
  }

  for (int t = lane; t < n_types; t += kWarpSize) {
    n_kept[c * n_types + t] = min(s_count[t], a.sel[t]);
  }
  for (int e = lane; e < n_groups; e += kWarpSize) {
    const int group_center = a.type_one_side ? t_i : e % n_types;
    const int t_j = a.type_one_side ? e : e / n_types;
    int count = 0;
    if (group_center == t_i && !a.descriptor_exclude[t_i * n_types + t_j]) {
      count = min(s_count[t_j], a.sel[t_j]);
    }
    pair_count[e * a.n_centers + c] = count;
  }
  if (lane == 0) {
    int excess = 0;
    for (int t = 0; t < n_types; ++t) excess = max(excess, s_count[t] - a.sel[t]);
    if (excess > 0) {
      atomicAdd(&a.overflow[0], 1ULL);
      const unsigned long long key = (static_cast<unsigned long long>(excess) << 32) |
                                     (0xffffffffULL - static_cast<unsigned int>(i));
      atomicMax(&a.overflow[1], key);
    }
  }
}

/// Step 2 (one block): begin = exclusive scan of count over [n_groups][n_centers]; total[e] =
/// first pair of group e, total[n_groups] = number of pairs.
__global__ void pair_offsets_kernel(const int* count, int n_groups, int n_centers, int* begin,
                                    int* total) {
  __shared__ int s_partial[kScanThreads];
  const int n = n_groups * n_centers;
  const int tid = static_cast<int>(threadIdx.x);
  const int per_thread = (n + kScanThreads - 1) / kScanThreads;
  const int lo = min(n, tid * per_thread);
  const int hi = min(n, lo + per_thread);
  int sum = 0;
  for (int k = lo; k < hi; ++k) sum += count[k];
  s_partial[tid] = sum;
  __syncthreads();
  for (int offset = 1; offset < kScanThreads; offset <<= 1) {  // inclusive Hillis–Steele scan
    const int v = tid >= offset ? s_partial[tid - offset] : 0;
    __syncthreads();
    s_partial[tid] += v;
    __syncthreads();
  }
  int running = tid > 0 ? s_partial[tid - 1] : 0;
  for (int k = lo; k < hi; ++k) {
    begin[k] = running;
    running += count[k];
  }
  __syncthreads();
  for (int e = tid; e <= n_groups; e += kScanThreads) {
    total[e] = e < n_groups ? begin[e * n_centers] : s_partial[kScanThreads - 1];
  }
}

/// Step 3: one warp per centre writes its pairs (identity and displacement).
__global__ void format_pairs_kernel(FormatNlistCudaArgs a, const int* center_type,
                                    const int* n_kept, const int* pair_begin, const int* slot_atom,
                                    int* center, int* neighbor, int* slot, double* diff) {
  const int warp = static_cast<int>(threadIdx.x) / kWarpSize;
  const int lane = static_cast<int>(threadIdx.x) % kWarpSize;
  const int c = static_cast<int>(blockIdx.x) * kWarpsPerBlock + warp;
  if (c >= a.n_centers) return;
  const int n_types = a.n_types;
  const int t_i = center_type[c];
  const int i = a.center_begin + c;
  const double xi[3] = {a.positions[3 * i], a.positions[3 * i + 1], a.positions[3 * i + 2]};
  const int* slots = slot_atom + static_cast<std::size_t>(c) * a.n_nei;
  for (int t_j = 0; t_j < n_types; ++t_j) {
    if (a.descriptor_exclude[t_i * n_types + t_j]) continue;
    const int e = a.type_one_side ? t_j : t_i + n_types * t_j;
    const int base = pair_begin[e * a.n_centers + c];
    const int kept = n_kept[c * n_types + t_j];
    const int first_slot = a.sel_offset[t_j];
    for (int r = lane; r < kept; r += kWarpSize) {
      const int p = base + r;
      const int j = slots[first_slot + r];
      center[p] = c;
      neighbor[p] = j;
      slot[p] = first_slot + r;
      for (int d = 0; d < 3; ++d) {
        diff[3 * static_cast<std::size_t>(p) + d] = sub_rn(a.positions[3 * j + d], xi[d]);
      }
    }
  }
}

}  // namespace

template <class Real>
void format_nlist_cuda(const FormatNlistCudaArgs& args, DeviceChunkPairs<Real>& out,
                       cudaStream_t stream) {
  const int n_types = args.n_types;
  const int n_centers = args.n_centers;
  const int n_groups = args.type_one_side ? n_types : n_types * n_types;
  if (n_centers <= 0) throw internal_error("format_nlist_cuda: empty chunk");
  if (static_cast<long long>(n_centers) * args.n_nei > INT_MAX) {
    throw internal_error("format_nlist_cuda: chunk too large for 32-bit pair indices");
  }
  out.center_begin = args.center_begin;
  out.n_centers = n_centers;
  out.n_groups = n_groups;
  const auto centers = static_cast<std::size_t>(n_centers);
  out.center_type.resize(centers);
  out.n_kept.resize(centers * n_types);
  out.pair_count.resize(centers * n_groups);
  out.pair_begin.resize(centers * n_groups);
  out.slot_atom.resize(centers * args.n_nei);
  out.group_total.resize(static_cast<std::size_t>(n_groups) + 1);

  const double rcut_sq = args.rcut * args.rcut;
  const unsigned int blocks = blocks_for(centers, kWarpsPerBlock);
  const unsigned int threads = kWarpsPerBlock * kWarpSize;
  const std::size_t shared = sizeof(int) * 2 * n_types * kWarpsPerBlock;
  format_slots_kernel<<<blocks, threads, shared, stream>>>(args, rcut_sq, out.center_type.data(),
                                                           out.n_kept.data(), out.pair_count.data(),
                                                           out.slot_atom.data());
  MD_CUDA_CHECK_LAUNCH(stream);
  pair_offsets_kernel<<<1, kScanThreads, 0, stream>>>(
      out.pair_count.data(), n_groups, n_centers, out.pair_begin.data(), out.group_total.data());
  MD_CUDA_CHECK_LAUNCH(stream);
  out.group_begin.resize(static_cast<std::size_t>(n_groups) + 1);
  out.group_total.download(out.group_begin.data(), out.group_begin.size(), stream);

  // Size every per-pair array for this chunk (grow-only; 1/8 slack so that a slowly growing
  // pair count does not reallocate every step).
  const auto n_pairs = static_cast<std::size_t>(out.n_pairs());
  const std::size_t bound = centers * static_cast<std::size_t>(args.n_nei);
  const std::size_t wanted = std::min(bound, n_pairs + n_pairs / 8);
  const auto ng = static_cast<std::size_t>(args.ng);
  out.center.reserve(wanted);
  out.neighbor.reserve(wanted);
  out.slot.reserve(wanted);
  out.diff.reserve(3 * wanted);
  out.env.reserve(4 * wanted);
  out.env_deriv.reserve(12 * wanted);
  out.g.reserve(ng * wanted);
  out.g_deriv.reserve(ng * wanted);
  out.grad_env.reserve(4 * wanted);
  out.center.resize(n_pairs);
  out.neighbor.resize(n_pairs);
  out.slot.resize(n_pairs);
  out.diff.resize(3 * n_pairs);
  out.env.resize(4 * n_pairs);
  out.env_deriv.resize(12 * n_pairs);
  out.g.resize(ng * n_pairs);
  out.g_deriv.resize(ng * n_pairs);
  out.grad_env.resize(4 * n_pairs);
  if (n_pairs == 0) return;

  format_pairs_kernel<<<blocks, threads, 0, stream>>>(
      args, out.center_type.data(), out.n_kept.data(), out.pair_begin.data(), out.slot_atom.data(),
      out.center.data(), out.neighbor.data(), out.slot.data(), out.diff.data());
  MD_CUDA_CHECK_LAUNCH(stream);
}

template void format_nlist_cuda<double>(const FormatNlistCudaArgs&, DeviceChunkPairs<double>&,
                                        cudaStream_t);
template void format_nlist_cuda<float>(const FormatNlistCudaArgs&, DeviceChunkPairs<float>&,
                                       cudaStream_t);

}  // namespace md::deep
