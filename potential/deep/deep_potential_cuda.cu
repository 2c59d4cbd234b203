// SPDX-License-Identifier: MIT
/// \file
/// DeepPotentialCuda: set-up (the model prepared as for the CPU class, prepared_model.hpp; device
/// copies of it in the chosen precision), chunk planning from the memory budget, and the
/// per-chunk orchestration of the CUDA ops. Like deep_potential.cpp, the math lives in the ops.
///
/// The host part (type mapping, which centres go to which fitting net, the compensated energy
/// sum, the sel-overflow report) is precision independent; the device part is
/// DeepPotentialCuda::Engine, implemented once as EngineImpl<Real> for Real = double and float.

#include <algorithm>
#include <climits>

#include "core/compensated_sum.hpp"
#include "core/error.hpp"
#include "core/exact_math.hpp"
#include "device/device_buffer.hpp"
#include "potential/deep/deep_potential_cuda.hpp"
#include "potential/deep/descriptor.hpp"
#include "potential/deep/descriptor_cuda.cuh"
#include "potential/deep/embedding_net_cuda.cuh"
#include "potential/deep/env_mat_cuda.cuh"
#include "potential/deep/format_nlist_cuda.cuh"
#include "potential/deep/pair_groups_cuda.cuh"
#include "potential/deep/prod_force_virial_cuda.cuh"
#include "potential/deep/tabulated_embedding.hpp"
#include "potential/deep/tabulated_embedding_cuda.cuh"
#include "potential/deep/type_mapping.hpp"
#include "potential/device_evaluator_cuda.cuh"
#include "potential/nn/blas_cuda.cuh"
#include "potential/nn/dense_net_cuda.cuh"
#include "potential/nn/energy_net.hpp"
#include "potential/nn/energy_net_cuda.cuh"

namespace md {
namespace {

constexpr int kThreads = 256;
/// The embedding workspace gets this fraction of the budget, within [kMinBlockRows,
/// kMaxBlockRows] rows per GEMM block.
constexpr std::size_t kEmbeddingBudgetDivisor = 8;
constexpr std::size_t kMinBlockRows = 1024;
constexpr std::size_t kMaxBlockRows = std::size_t{1} << 18;

/// input[r] = (descriptor of centre fit_rows[r], extra), [rows][n_in].
template <class Real>
__global__ void gather_fitting_input_kernel(int rows, int dim_d, int n_in, const int* fit_rows,
                                            const Real* descriptor, const Real* extra,
                                            Real* input) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx >= static_cast<std::size_t>(rows) * n_in) return;
  const auto r = static_cast<std::size_t>(idx / n_in);
  const int k = static_cast<int>(idx - r * n_in);
  input[idx] =
      k < dim_d ? descriptor[static_cast<std::size_t>(fit_rows[r]) * dim_d + k] : extra[k - dim_d];
}

/// Per fitting row: E_i = ((net − vacuum[t]) + bias_atom_e[t]) + out_bias[t] in double (the CPU's
/// order), and ∂E/∂D of the centre from the first dim_d columns of ∂E/∂input.
template <class Real>
__global__ void scatter_fitting_output_kernel(int rows, int dim_d, int n_in, int center_begin,
                                              const int* fit_rows, const int* center_type,
                                              const Real* energy, const Real* grad_input,
                                              const double* vacuum, const double* bias_atom_e,
                                              const double* out_bias, double* atom_energy,
                                              Real* grad_descriptor) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx >= static_cast<std::size_t>(rows) * dim_d) return;
  const auto r = static_cast<std::size_t>(idx / dim_d);
  const int k = static_cast<int>(idx - r * dim_d);
  const int c = fit_rows[r];
  grad_descriptor[static_cast<std::size_t>(c) * dim_d + k] = grad_input[r * n_in + k];
  if (k == 0) {
    const int t = center_type[c];
    atom_energy[center_begin + c] =
        static_cast<double>(energy[r]) - vacuum[t] + bias_atom_e[t] + out_bias[t];
  }
}

}  // namespace

/// The device side of DeepPotentialCuda: the shared stream and per-atom buffers
/// (device_evaluator_cuda.cuh), the per-build types and fitting rows, and the counters;
/// EngineImpl<Real> evaluates. Both entry points run the same evaluate(): compute() points
/// Inputs/Outputs at the engine's own buffers (upload_inputs, own_outputs), compute_device() at
/// the caller's arrays (caller_outputs).
class DeepPotentialCuda::Engine : public DeviceEvaluatorBase {
 public:
  struct Inputs : DeviceEvalInputs {
    bool skip_excluded = true;                        ///< atom_exclude_types centres skipped
    const std::vector<int>* fit_net_begin = nullptr;  ///< host, DeepPotentialCuda::fit_net_begin_
  };
  using Outputs = DeviceEvalOutputs;

  Engine() { overflow_.resize(4); }

  /// Evaluates with the types of the last upload_types(): writes `out`, and downloads the virial
  /// (`virial`, host [9], eV) and the counters (`overflow`, host [4]: [0..1] sel overflow, see
  /// format_nlist_cuda; [2..3] pairs outside the compressed model's tables, see
  /// tabulated_embedding_cuda.cuh). On return all work is complete (the downloads synchronise
  /// the stream).
  virtual void evaluate(const Inputs& in, const Outputs& out, double* virial,
                        unsigned long long* overflow) = 0;
  /// Descriptors of all local centres into `out` (host, [n_local][ng·M2]).
  virtual void descriptors(const Inputs& in, double* out) = 0;
  virtual int max_chunk_centers() const = 0;
  virtual std::size_t budget() const = 0;
  virtual std::size_t device_bytes() const = 0;
  virtual std::size_t chunk_bytes() const = 0;

  /// Uploads the per-build state: model types (first n_all of `model_types`) and fitting rows.
  void upload_types(const std::vector<int>& model_types, int n_all,
                    const std::vector<int>& fit_rows) {
    model_types_.upload(model_types.data(), static_cast<std::size_t>(n_all), stream_.get());
    fit_rows_.upload(fit_rows.data(), fit_rows.size(), stream_.get());
  }

 protected:
  DeviceBuffer<int> model_types_, fit_rows_;   ///< per-build state
  DeviceBuffer<unsigned long long> overflow_;  ///< [4], see evaluate()

  /// Clears the counters: zero, except the smallest missed pair key (all ones).
  void reset_counters(cudaStream_t s) {
    overflow_.fill_zero(4, s);
    MD_CUDA_CHECK(cudaMemsetAsync(overflow_.data() + 3, 0xff, sizeof(unsigned long long), s));
  }
};

namespace {

using Inputs = DeepPotentialCuda::Engine::Inputs;
using Outputs = DeepPotentialCuda::Engine::Outputs;

template <class Real>
class EngineImpl final : public DeepPotentialCuda::Engine {
 public:
  EngineImpl(const deep::PreparedDeepModel& prepared, std::size_t memory_budget_bytes);

  void evaluate(const Inputs& in, const Outputs& out, double* virial,
                unsigned long long* overflow) override;
  void descriptors(const Inputs& in, double* out) override;
  int max_chunk_centers() const override { return chunk_centers_; }
  std::size_t budget() const override { return budget_; }
  std::size_t device_bytes() const override;
  std::size_t chunk_bytes() const override;

 private:
  /// format_nlist and descriptor_forward for one chunk.
  void forward(const Inputs& in, int begin, int n_centers);
  /// The descriptor seam on the device (the CPU's is descriptor_stage_cpu.hpp): from the chunk's
  /// formatted pairs to descriptor_ [n_centers][dim_d] (se_e2_a: env_mat, embedding_net per
  /// group, descriptor), and back from grad_descriptor_ to the pairs' ∂E/∂R̃. Another descriptor
  /// form, or the tabulated embedding, is selected here.
  void descriptor_forward(int n_centers);
  void descriptor_backward(int n_centers);
  /// Fitting forward and backward for the chunk's rows, one batch per fitting net; the atomic
  /// energies of the chunk's centres go to atom_energy[begin + c].
  void fit(int chunk, int begin, int n_centers, const Inputs& in, double* atom_energy);
  void plan_memory(std::size_t memory_budget_bytes);
  /// The descriptor's model constants and padding table, for its forward and backward launches.
  deep::DescriptorCudaArgs<Real> descriptor_args() const;

  // Model constants.
  const DeepModel& model_;
  int n_types_ = 0;
  int n_nei_ = 0;
  int ng_ = 0;
  int dim_d_ = 0;
  int fit_in_ = 0;
  bool sort_always_ = false;
  nn::CublasHandle cublas_;
  DeviceBuffer<int> sel_, sel_offset_;
  DeviceBuffer<char> pair_exclude_, descriptor_exclude_, atom_exclude_;
  DeviceBuffer<double> davg_, dstd_;
  DeviceBuffer<double> vacuum_, bias_atom_e_, out_bias_;
  DeviceBuffer<Real> fitting_extra_;
  deep::DevicePaddingTable<Real> padding_;
  /// The compressed model's tables (prepared.tables); then the embedding nets are not uploaded
  /// and no per-pair G is stored.
  std::unique_ptr<deep::DeviceEmbeddingTables<Real>> tables_;
  std::vector<nn::DeviceDenseNet<Real>> embedding_nets_;
  std::vector<nn::DeviceDenseNet<Real>> fitting_nets_;

  // Memory plan.
  std::size_t budget_ = 0;
  int chunk_centers_ = 1;
  int block_rows_ = 1;

  // Chunk state.
  deep::DeviceChunkPairs<Real> pairs_;
  deep::EmbeddingCudaWorkspace<Real> embedding_ws_;
  nn::EnergyNetCudaWorkspace<Real> fitting_ws_;
  DeviceBuffer<Real> gr_, descriptor_, grad_descriptor_, grad_gr_;
  DeviceBuffer<Real> fit_input_, fit_grad_, fit_energy_;
  std::vector<Real> host_descriptor_;
};

template <class Real>
EngineImpl<Real>::EngineImpl(const deep::PreparedDeepModel& prepared,
                             std::size_t memory_budget_bytes)
    : model_(prepared.model), cublas_(stream_.get()) {
  const DeepModel& model = prepared.model;
  cudaStream_t s = stream_.get();
  n_types_ = model.n_types();
  n_nei_ = model.n_nei();
  ng_ = model.embedding_width();
  dim_d_ = model.descriptor_dim();
  fit_in_ = model.fitting_input_dim();

  std::vector<int> sel_offset(static_cast<std::size_t>(n_types_), 0);
  for (int t = 0; t < n_types_; ++t) sel_offset[t] = model.sel_offset(t);
  sel_.upload(model.sel.data(), model.sel.size(), s);
  sel_offset_.upload(sel_offset.data(), sel_offset.size(), s);
  pair_exclude_.upload(model.pair_exclude.data(), model.pair_exclude.size(), s);
  descriptor_exclude_.upload(model.descriptor_exclude.data(), model.descriptor_exclude.size(), s);
  atom_exclude_.upload(model.atom_exclude.data(), model.atom_exclude.size(), s);
  davg_.upload(model.davg.data(), model.davg.size(), s);
  dstd_.upload(model.dstd.data(), model.dstd.size(), s);
  vacuum_.upload(prepared.vacuum_energy.data(), prepared.vacuum_energy.size(), s);
  bias_atom_e_.upload(model.bias_atom_e.data(), model.bias_atom_e.size(), s);
  out_bias_.upload(model.out_bias.data(), model.out_bias.size(), s);
  const std::vector<Real> extra(prepared.fitting_extra.begin(), prepared.fitting_extra.end());
  fitting_extra_.resize(std::max<std::size_t>(1, extra.size()));
  if (!extra.empty()) fitting_extra_.upload(extra.data(), extra.size(), s);

  sort_always_ = prepared.sort_always;
  padding_.upload(prepared.padding, s);
  if (prepared.tables) {
    tables_ = std::make_unique<deep::DeviceEmbeddingTables<Real>>();
    tables_->upload(*prepared.tables, s);
  } else {
    for (const DenseNet& net : model.embedding_nets) embedding_nets_.emplace_back(net, s);
  }
  for (const DenseNet& net : model.fitting_nets) fitting_nets_.emplace_back(net, s);
  stream_.synchronize();
  plan_memory(memory_budget_bytes);
}

template <class Real>
void EngineImpl<Real>::plan_memory(std::size_t memory_budget_bytes) {
  budget_ = chunk_memory_budget(memory_budget_bytes);
  const std::size_t real = sizeof(Real);
  const auto n_groups = static_cast<std::size_t>(model_.n_embedding_nets());
  const auto nnei = static_cast<std::size_t>(n_nei_);
  const auto ng = static_cast<std::size_t>(ng_);
  const auto dim_d = static_cast<std::size_t>(dim_d_);
  const auto fit_in = static_cast<std::size_t>(fit_in_);

  // Embedding workspace: 3 buffers of [2·block_rows][max width].
  std::size_t emb_width = 1;
  for (const auto& net : embedding_nets_) {
    emb_width = std::max(emb_width, static_cast<std::size_t>(net.max_width()));
  }
  const std::size_t bytes_per_block_row = 6 * emb_width * real;
  const std::size_t block_rows = std::clamp(budget_ / kEmbeddingBudgetDivisor / bytes_per_block_row,
                                            kMinBlockRows, kMaxBlockRows);
  block_rows_ = static_cast<int>(block_rows);
  // Compressed: no embedding workspace and no per-pair G (the tables are model constants).
  const std::size_t embedding_bytes = tables_ ? 0 : block_rows * bytes_per_block_row;
  const int stored_ng = tables_ ? 0 : ng_;

  // Per centre: its worst case of nnei pairs, the per-centre pair bookkeeping, gr, D, ∂E/∂D,
  // ∂E/∂gr, and the fitting rows (input, gradient, energy, per-layer inputs and gates, three
  // scratch rows of the widest layer).
  std::size_t fit_row = (2 * fit_in + 1) * real;
  for (const auto& net : fitting_nets_) {
    std::size_t layers = 3 * static_cast<std::size_t>(net.max_width());
    for (const auto& layer : net.layers()) layers += 2 * static_cast<std::size_t>(layer.n_out);
    fit_row = std::max(fit_row, (2 * fit_in + 1 + layers) * real);
  }
  const std::size_t per_center =
      nnei * deep::DeviceChunkPairs<Real>::bytes_per_pair(stored_ng) +
      sizeof(int) * (nnei + static_cast<std::size_t>(n_types_) + 1 + 2 * n_groups) +
      real * (8 * ng + 2 * dim_d) + fit_row;
  const std::size_t fixed = embedding_bytes + sizeof(int) * (n_groups + 1);  // + group sizes
  const std::size_t room = budget_ > fixed ? budget_ - fixed : 0;
  const std::size_t centers = room / per_center;
  const std::size_t max_centers =
      static_cast<std::size_t>(INT_MAX) / std::max<std::size_t>(1, nnei);
  chunk_centers_ = static_cast<int>(std::clamp<std::size_t>(centers, 1, max_centers));
}

template <class Real>
std::size_t EngineImpl<Real>::chunk_bytes() const {
  return pairs_.device_bytes() + embedding_ws_.device_bytes() + fitting_ws_.device_bytes() +
         gr_.capacity_bytes() + descriptor_.capacity_bytes() + grad_descriptor_.capacity_bytes() +
         grad_gr_.capacity_bytes() + fit_input_.capacity_bytes() + fit_grad_.capacity_bytes() +
         fit_energy_.capacity_bytes();
}

template <class Real>
std::size_t EngineImpl<Real>::device_bytes() const {
  std::size_t bytes = chunk_bytes();
  bytes += sel_.capacity_bytes() + sel_offset_.capacity_bytes() + pair_exclude_.capacity_bytes() +
           descriptor_exclude_.capacity_bytes() + atom_exclude_.capacity_bytes() +
           davg_.capacity_bytes() + dstd_.capacity_bytes() + vacuum_.capacity_bytes() +
           bias_atom_e_.capacity_bytes() + out_bias_.capacity_bytes() +
           fitting_extra_.capacity_bytes() + padding_.device_bytes() +
           (tables_ ? tables_->device_bytes() : 0);
  for (const auto& net : embedding_nets_) bytes += net.device_bytes();
  for (const auto& net : fitting_nets_) bytes += net.device_bytes();
  bytes += io_bytes() + model_types_.capacity_bytes() + fit_rows_.capacity_bytes() +
           overflow_.capacity_bytes();
  return bytes;
}

template <class Real>
deep::DescriptorCudaArgs<Real> EngineImpl<Real>::descriptor_args() const {
  deep::DescriptorCudaArgs<Real> desc;
  desc.n_types = n_types_;
  desc.ng = ng_;
  desc.axis_neuron = model_.axis_neuron;
  desc.n_nei = n_nei_;
  desc.sel = sel_.data();
  desc.padding_uniform = padding_.uniform;
  desc.padding_values = padding_.values.data();
  desc.padding_offset = padding_.block_offset.data();
  return desc;
}

template <class Real>
void EngineImpl<Real>::forward(const Inputs& in, int begin, int n_centers) {
  cudaStream_t s = stream_.get();
  deep::FormatNlistCudaArgs fmt;
  fmt.positions = in.positions;
  fmt.model_types = model_types_.data();
  fmt.offsets = in.offsets;
  fmt.neighbors = in.neighbors;
  fmt.center_begin = begin;
  fmt.n_centers = n_centers;
  fmt.n_types = n_types_;
  fmt.n_nei = n_nei_;
  fmt.ng = tables_ ? 0 : ng_;  // sizes the per-pair G arrays, which the tables do without
  fmt.sel = sel_.data();
  fmt.sel_offset = sel_offset_.data();
  fmt.rcut = model_.rcut;
  fmt.pair_exclude = pair_exclude_.data();
  fmt.descriptor_exclude = descriptor_exclude_.data();
  fmt.skip_center_type = in.skip_excluded ? atom_exclude_.data() : nullptr;
  fmt.type_one_side = model_.type_one_side;
  fmt.sort_always = sort_always_;
  fmt.overflow = overflow_.data();
  deep::format_nlist_cuda(fmt, pairs_, s);
  descriptor_forward(n_centers);
}

template <class Real>
void EngineImpl<Real>::descriptor_forward(int n_centers) {
  cudaStream_t s = stream_.get();
  deep::EnvMatCudaArgs env;
  env.rcut_smth = model_.rcut_smth;
  env.rcut = model_.rcut;
  env.protection = model_.env_protection;
  env.n_nei = n_nei_;
  env.davg = davg_.data();
  env.dstd = dstd_.data();
  deep::env_mat_cuda(env, pairs_, s);

  const auto centers = static_cast<std::size_t>(n_centers);
  gr_.resize(centers * 4 * ng_);
  descriptor_.resize(centers * dim_d_);
  const deep::DescriptorCudaArgs<Real> desc = descriptor_args();
  if (tables_) {
    deep::tabulated_embedding_forward_cuda(desc, *tables_, pairs_, gr_.data(), descriptor_.data(),
                                           overflow_.data() + 2, s);
    return;
  }
  for (int e = 0; e < pairs_.n_groups; ++e) {
    const int first = pairs_.group_begin[e];
    const int count = pairs_.group_begin[e + 1] - first;
    deep::embedding_net_cuda(embedding_nets_[e], first, count, block_rows_, pairs_, embedding_ws_,
                             cublas_.get(), s);
  }
  deep::descriptor_forward_cuda(desc, pairs_, gr_.data(), descriptor_.data(), s);
}

template <class Real>
void EngineImpl<Real>::descriptor_backward(int n_centers) {
  grad_gr_.resize(static_cast<std::size_t>(n_centers) * 4 * ng_);
  if (tables_) {
    deep::descriptor_grad_gr_cuda(descriptor_args(), gr_.data(), grad_descriptor_.data(), n_centers,
                                  grad_gr_.data(), stream_.get());
    deep::tabulated_embedding_backward_cuda(*tables_, grad_gr_.data(), pairs_, stream_.get());
    return;
  }
  deep::descriptor_backward_cuda(descriptor_args(), gr_.data(), grad_descriptor_.data(), pairs_,
                                 grad_gr_.data(), stream_.get());
}

template <class Real>
void EngineImpl<Real>::fit(int chunk, int begin, int n_centers, const Inputs& in,
                           double* atom_energy) {
  cudaStream_t s = stream_.get();
  const auto centers = static_cast<std::size_t>(n_centers);
  grad_descriptor_.resize(centers * dim_d_);
  grad_descriptor_.fill_zero(centers * dim_d_, s);
  fit_input_.resize(centers * fit_in_);
  fit_grad_.resize(centers * fit_in_);
  fit_energy_.resize(centers);
  const int n_nets = static_cast<int>(fitting_nets_.size());
  const int* net_begin = in.fit_net_begin->data() + static_cast<std::size_t>(chunk) * (n_nets + 1);
  for (int f = 0; f < n_nets; ++f) {
    const int rows = net_begin[f + 1] - net_begin[f];
    if (rows == 0) continue;
    const int* d_rows = fit_rows_.data() + net_begin[f];
    const std::size_t n_input = static_cast<std::size_t>(rows) * fit_in_;
    gather_fitting_input_kernel<Real><<<blocks_for(n_input, kThreads), kThreads, 0, s>>>(
        rows, dim_d_, fit_in_, d_rows, descriptor_.data(), fitting_extra_.data(),
        fit_input_.data());
    MD_CUDA_CHECK_LAUNCH(s);
    nn::energy_net_cuda(fitting_nets_[f], rows, fit_input_.data(), fit_energy_.data(),
                        fit_grad_.data(), fitting_ws_, cublas_.get(), s);
    const std::size_t n_out = static_cast<std::size_t>(rows) * dim_d_;
    scatter_fitting_output_kernel<Real><<<blocks_for(n_out, kThreads), kThreads, 0, s>>>(
        rows, dim_d_, fit_in_, begin, d_rows, pairs_.center_type.data(), fit_energy_.data(),
        fit_grad_.data(), vacuum_.data(), bias_atom_e_.data(), out_bias_.data(), atom_energy,
        grad_descriptor_.data());
    MD_CUDA_CHECK_LAUNCH(s);
  }
}

template <class Real>
void EngineImpl<Real>::evaluate(const Inputs& in, const Outputs& out, double* virial,
                                unsigned long long* overflow) {
  cudaStream_t s = stream_.get();
  const auto n_all = static_cast<std::size_t>(in.n_all);
  zero_fill(out.forces, 3 * n_all, s);
  zero_fill(out.atom_energies, out.atom_energy_rows, s);
  if (out.atom_virials != nullptr) zero_fill(out.atom_virials, 9 * n_all, s);
  virial_.fill_zero(9, s);
  reset_counters(s);

  deep::ProdForceVirialCudaArgs pfv;
  pfv.n_nei = n_nei_;
  pfv.dstd = dstd_.data();

  int chunk = 0;
  for (int begin = 0; begin < in.n_local; begin += chunk_centers_, ++chunk) {
    const int n_centers = std::min(chunk_centers_, in.n_local - begin);
    forward(in, begin, n_centers);
    fit(chunk, begin, n_centers, in, out.atom_energies);
    descriptor_backward(n_centers);
    pfv.center_begin = begin;
    deep::prod_force_virial_cuda(pfv, pairs_, out.forces, virial_.data(), out.atom_virials, s);
  }

  virial_.download(virial, 9, s);
  overflow_.download(overflow, 4, s);
}

template <class Real>
void EngineImpl<Real>::descriptors(const Inputs& in, double* out) {
  cudaStream_t s = stream_.get();
  reset_counters(s);
  for (int begin = 0; begin < in.n_local; begin += chunk_centers_) {
    const int n_centers = std::min(chunk_centers_, in.n_local - begin);
    forward(in, begin, n_centers);
    const std::size_t count = static_cast<std::size_t>(n_centers) * dim_d_;
    host_descriptor_.resize(count);
    descriptor_.download(host_descriptor_.data(), count, s);
    std::copy(host_descriptor_.begin(), host_descriptor_.end(),
              out + static_cast<std::size_t>(begin) * dim_d_);
  }
}

}  // namespace

DeepPotentialCuda::DeepPotentialCuda(DeepModel model, DeepPotentialOptions options,
                                     const std::vector<std::string>& run_type_names,
                                     std::size_t memory_budget_bytes)
    : prepared_(deep::prepare_deep_model(std::move(model), options, run_type_names)),
      options_(std::move(options)),
      contacts_(run_type_names),
      overflow_report_(options_.sel_overflow) {
  if (options_.precision == Precision::kMixed) {
    engine_ = std::make_unique<EngineImpl<float>>(prepared_, memory_budget_bytes);
  } else {
    engine_ = std::make_unique<EngineImpl<double>>(prepared_, memory_budget_bytes);
  }
}

DeepPotentialCuda::~DeepPotentialCuda() = default;

std::string DeepPotentialCuda::name() const {
  return std::string("deepmd") + (options_.precision == Precision::kMixed ? "/mixed" : "") +
         (prepared_.tables ? "/compressed" : "");
}

std::size_t DeepPotentialCuda::device_memory_bytes() const { return engine_->device_bytes(); }
std::size_t DeepPotentialCuda::chunk_memory_bytes() const { return engine_->chunk_bytes(); }
std::size_t DeepPotentialCuda::memory_budget_bytes() const { return engine_->budget(); }
int DeepPotentialCuda::max_chunk_centers() const { return engine_->max_chunk_centers(); }

void DeepPotentialCuda::plan_chunks(int n_local, bool skip_excluded) {
  const int chunk = engine_->max_chunk_centers();
  const int n_nets = static_cast<int>(prepared_.model.fitting_nets.size());
  fit_rows_.clear();
  fit_net_begin_.clear();
  for (int begin = 0; begin < n_local; begin += chunk) {
    const int n_centers = std::min(chunk, n_local - begin);
    for (int f = 0; f < n_nets; ++f) {
      fit_net_begin_.push_back(static_cast<int>(fit_rows_.size()));
      for (int c = 0; c < n_centers; ++c) {
        const int t = model_types_[begin + c];
        if (skip_excluded && prepared_.model.atom_exclude[t]) continue;
        if (prepared_.model.fitting_index(t) == f) fit_rows_.push_back(c);
      }
    }
    fit_net_begin_.push_back(static_cast<int>(fit_rows_.size()));
  }
  if (fit_rows_.empty()) fit_rows_.push_back(0);  // keep the device copy non-empty
}

namespace {

void require_full_list(NeighborKind kind) {
  if (kind != NeighborKind::kFull) throw internal_error("deepmd needs a full neighbour list");
}

}  // namespace

void DeepPotentialCuda::prepare_types(Span<const int> types, int n_local, int n_all,
                                      bool skip_excluded) {
  deep::map_run_types(types, n_all, prepared_.run_to_model, model_types_);
  plan_chunks(n_local, skip_excluded);
  engine_->upload_types(model_types_, n_all, fit_rows_);
}

double DeepPotentialCuda::sum_atom_energies(int n_local) const {
  CompensatedSum energy;  // as DeepPotential: the exact sum of the atomic energies
  for (int c = 0; c < n_local; ++c) energy.add(atom_energy_[c]);
  return energy.value();
}

template <class WorstRow>
void DeepPotentialCuda::report_overflow(const unsigned long long overflow[2],
                                        std::uint64_t build_count, const WorstRow& worst_row) {
  if (overflow[0] == 0 || !overflow_report_.due(build_count)) return;
  const DeepModel& model = prepared_.model;
  int excess = 0, worst = 0;
  deep::decode_overflow(overflow[1], excess, worst);
  // The per-type counts of the worst centre, recounted on the host with format_nlist's rules.
  const OverflowRow row = worst_row(worst);
  const int n_types = model.n_types();
  deep::SelOverflow found;
  found.n_atoms = static_cast<int>(std::min<unsigned long long>(overflow[0], INT_MAX));
  found.worst_excess = excess;
  found.worst_atom = worst;
  found.worst_atom_type = model_types_[worst];
  found.worst_counts.assign(static_cast<std::size_t>(n_types), 0);
  const double* x = row.positions;
  const int t_i = found.worst_atom_type;
  const double rcut_sq = model.rcut * model.rcut;
  for (int k = 0; k < row.count; ++k) {
    const int j = row.neighbors[k];
    if (j == worst) continue;
    const int t_j = model_types_[j];
    if (model.pair_exclude[static_cast<std::size_t>(t_i) * n_types + t_j]) continue;
    if (distance_sq(x + 3 * static_cast<std::size_t>(j), x + 3 * static_cast<std::size_t>(worst)) <=
        rcut_sq) {
      ++found.worst_counts[t_j];
    }
  }
  overflow_report_.report(model, found, build_count);
}

template <class PositionOf>
void DeepPotentialCuda::report_table_miss(const unsigned long long counters[4],
                                          const PositionOf& position_of) const {
  if (counters[2] == 0) return;
  int center = 0, neighbor = 0;
  deep::decode_table_miss(counters[3], center, neighbor);
  double xi[3], xj[3];
  position_of(center, xi);
  position_of(neighbor, xj);
  throw unstable_error(deep::table_miss_message(
      prepared_.model, *prepared_.tables, center, model_types_[center], neighbor,
      std::sqrt(distance_sq(xj, xi)), static_cast<long long>(counters[2])));
}

void DeepPotentialCuda::compute(const AtomsView& atoms, const NeighborView& neighbors,
                                const ComputeRequest& request, ForceOutput& out) {
  require_full_list(neighbors.kind);
  device_plan_.invalidate();  // the uploads below replace what compute_device() planned
  prepare_types(atoms.types, atoms.n_local, atoms.n_all, true);
  const auto n_all = static_cast<std::size_t>(atoms.n_all);
  const auto n_local = static_cast<std::size_t>(atoms.n_local);
  const Engine::Inputs in{engine_->upload_inputs(atoms, neighbors), true, &fit_net_begin_};
  const Engine::Outputs device_out =
      engine_->own_outputs(atoms.n_local, atoms.n_all, request.atom_virial);
  double virial[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  unsigned long long overflow[4] = {0, 0, 0, 0};
  engine_->evaluate(in, device_out, virial, overflow);
  engine_->download(device_out.forces, out.forces.data(), 3 * n_all);
  ensure_size(atom_energy_, n_local);
  engine_->download(device_out.atom_energies, atom_energy_.data(), n_local);
  if (request.atom_virial) {
    engine_->download(device_out.atom_virials, out.atom_virials.data(), 9 * n_all);
  }

  const double energy = sum_atom_energies(atoms.n_local);
  if (request.atom_energy) {
    std::copy(atom_energy_.begin(), atom_energy_.begin() + n_local, out.atom_energies.begin());
    std::fill(out.atom_energies.begin() + n_local, out.atom_energies.begin() + n_all, 0.0);
  }
  report_table_miss(overflow, [&](int atom, double* x) {
    std::copy(&atoms.positions[3 * static_cast<std::size_t>(atom)],
              &atoms.positions[3 * static_cast<std::size_t>(atom)] + 3, x);
  });
  report_overflow(overflow, neighbors.build_count, [&](int worst) {
    const int begin = neighbors.offsets[worst];
    return OverflowRow{atoms.positions.data(), neighbors.neighbors.data() + begin,
                       neighbors.offsets[worst + 1] - begin};
  });
  out.energy = request.energy ? energy : 0.0;
  for (int k = 0; k < 9; ++k) out.virial[k] = request.virial ? virial[k] : 0.0;
}

void DeepPotentialCuda::compute_device(const DeviceAtomsView& atoms,
                                       const DeviceNeighborView& neighbors,
                                       const ComputeRequest& request, DeviceForceOutput& out) {
  check_device_arrays("deepmd", atoms, neighbors, request, out);
  const auto n_all = static_cast<std::size_t>(atoms.n_all);
  const auto n_local = static_cast<std::size_t>(atoms.n_local);
  if (device_plan_.needs_upload(neighbors.build_count, atoms.n_local, atoms.n_all)) {
    prepare_types(atoms.host_types, atoms.n_local, atoms.n_all, true);
  }
  const Engine::Inputs in{{atoms.positions.data(), neighbors.offsets.data(),
                           neighbors.neighbors.data(), atoms.n_local, atoms.n_all},
                          true,
                          &fit_net_begin_};
  const Engine::Outputs device_out =
      engine_->caller_outputs(atoms.n_local, atoms.n_all, request, out);
  double virial[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  unsigned long long overflow[4] = {0, 0, 0, 0};
  engine_->evaluate(in, device_out, virial, overflow);

  double energy = 0.0;
  if (request.energy) {
    ensure_size(atom_energy_, n_local);
    engine_->download(device_out.atom_energies, atom_energy_.data(), n_local);
    energy = sum_atom_energies(atoms.n_local);
  }
  report_table_miss(overflow, [&](int atom, double* x) {
    engine_->download(atoms.positions.data() + 3 * static_cast<std::size_t>(atom), x, 3);
  });
  // Rare path: fetch only the worst centre's row (two offsets, its neighbours) and the positions.
  std::vector<int> worst_neighbors;
  std::vector<double> positions;
  report_overflow(overflow, neighbors.build_count, [&](int worst) {
    int row[2] = {0, 0};
    engine_->download(neighbors.offsets.data() + worst, row, 2);
    worst_neighbors.resize(static_cast<std::size_t>(row[1] - row[0]));
    engine_->download(neighbors.neighbors.data() + row[0], worst_neighbors.data(),
                      worst_neighbors.size());
    positions.resize(3 * n_all);
    engine_->download(atoms.positions.data(), positions.data(), positions.size());
    return OverflowRow{positions.data(), worst_neighbors.data(), row[1] - row[0]};
  });
  out.energy = energy;
  for (int k = 0; k < 9; ++k) out.virial[k] = request.virial ? virial[k] : 0.0;
}

void DeepPotentialCuda::compute_descriptors(const AtomsView& atoms, const NeighborView& neighbors,
                                            std::vector<double>& out) {
  require_full_list(neighbors.kind);
  device_plan_.invalidate();
  prepare_types(atoms.types, atoms.n_local, atoms.n_all, false);
  const Engine::Inputs in{engine_->upload_inputs(atoms, neighbors), false, &fit_net_begin_};
  out.assign(static_cast<std::size_t>(atoms.n_local) * prepared_.model.descriptor_dim(), 0.0);
  engine_->descriptors(in, out.data());
}

}  // namespace md
