// SPDX-License-Identifier: MIT
/// \file
/// AniPotentialCuda (ani_potential_cuda.hpp): set-up (the model prepared as for the CPU class;
/// device copies of its constants and networks in the chosen precision), chunk planning from the
/// memory budget, and the per-chunk orchestration of the CUDA ops. The math lives in the ops
/// (aev_cuda.cuh, nn/energy_net_cuda.cuh).
///
/// The host part (element mapping, which centres go to which element's networks, the compensated
/// energy sum) is precision independent; the device part is AniPotentialCuda::Engine,
/// implemented once as EngineImpl<Real> for Real = double and float.
#include <algorithm>
#include <climits>

#include "core/compensated_sum.hpp"
#include "core/ensure_size.hpp"
#include "core/error.hpp"
#include "device/device_buffer.hpp"
#include "potential/ani/aev_cuda.cuh"
#include "potential/ani/ani_potential_cuda.hpp"
#include "potential/device_evaluator_cuda.cuh"
#include "potential/nn/blas_cuda.cuh"
#include "potential/nn/dense_net_cuda.cuh"
#include "potential/nn/energy_net_cuda.cuh"

namespace md {
namespace {

constexpr int kThreads = 256;

/// rows_in[r] = aev[rows[r]], [n_rows][length].
template <class Real>
__global__ void gather_rows_kernel(int n_rows, int length, const int* rows, const Real* aev,
                                   Real* rows_in) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx >= static_cast<std::size_t>(n_rows) * length) return;
  const auto r = idx / static_cast<std::size_t>(length);
  const auto k = idx - r * static_cast<std::size_t>(length);
  rows_in[idx] = aev[static_cast<std::size_t>(rows[r]) * length + k];
}

/// One member's outputs added to the sums over members (the first member assigns).
template <class Real>
__global__ void add_member_kernel(int n_rows, int length, bool first, const Real* energy,
                                  const Real* grad, double* energy_sum, Real* grad_sum) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx >= static_cast<std::size_t>(n_rows) * length) return;
  grad_sum[idx] = first ? grad[idx] : grad_sum[idx] + grad[idx];
  if (idx % static_cast<std::size_t>(length) == 0) {
    const auto r = idx / static_cast<std::size_t>(length);
    const double e = static_cast<double>(energy[r]);
    energy_sum[r] = first ? e : energy_sum[r] + e;
  }
}

/// Per row: E_i = (Σ_m net_m / M + self energy) · Hartree→eV in double (AniPotential's order),
/// and ∂E/∂AEV of the centre = Σ_m ∂net_m/∂AEV · (Hartree→eV / M).
template <class Real>
__global__ void scatter_rows_kernel(int n_rows, int length, int center_begin, const int* rows,
                                    const double* energy_sum, const Real* grad_sum,
                                    double inv_members, double self_energy, double* atom_energy,
                                    Real* grad_aev) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx >= static_cast<std::size_t>(n_rows) * length) return;
  const auto r = idx / static_cast<std::size_t>(length);
  const auto k = idx - r * static_cast<std::size_t>(length);
  const auto c = static_cast<std::size_t>(rows[r]);
  grad_aev[c * length + k] =
      static_cast<Real>(static_cast<double>(grad_sum[idx]) * inv_members * kHartreeToEv);
  if (k == 0) {
    atom_energy[center_begin + c] = (energy_sum[r] * inv_members + self_energy) * kHartreeToEv;
  }
}

}  // namespace

/// The device side of AniPotentialCuda: the shared stream and per-atom buffers
/// (device_evaluator_cuda.cuh) plus the per-build plan; EngineImpl<Real> evaluates. compute()
/// points Inputs/Outputs at the engine's own buffers, compute_device() at the caller's arrays;
/// both run evaluate().
class AniPotentialCuda::Engine : public DeviceEvaluatorBase {
 public:
  struct Inputs : DeviceEvalInputs {
    const std::vector<int>* element_begin = nullptr;  ///< host, AniPotentialCuda::element_begin_
  };
  using Outputs = DeviceEvalOutputs;

  /// Evaluates with the elements and rows of the last upload_plan(): writes `out` and downloads
  /// the virial (host [9], eV). On return all work is complete.
  virtual void evaluate(const Inputs& in, const Outputs& out, double* virial) = 0;
  virtual int max_chunk_centers() const = 0;
  virtual std::size_t device_bytes() const = 0;

  /// Uploads the per-build plan: the model element of each of the n_all atoms and the rows.
  void upload_plan(const std::vector<int>& elements, int n_all, const std::vector<int>& rows) {
    elements_.upload(elements.data(), static_cast<std::size_t>(n_all), stream_.get());
    rows_.upload(rows.data(), rows.size(), stream_.get());
  }

 protected:
  std::size_t base_bytes() const {
    return io_bytes() + elements_.capacity_bytes() + rows_.capacity_bytes();
  }

  DeviceBuffer<int> elements_, rows_;
};

namespace {

using Inputs = AniPotentialCuda::Engine::Inputs;
using Outputs = AniPotentialCuda::Engine::Outputs;

template <class Real>
class EngineImpl final : public AniPotentialCuda::Engine {
 public:
  EngineImpl(const ani::PreparedAniModel& prepared, std::size_t memory_budget_bytes);

  void evaluate(const Inputs& in, const Outputs& out, double* virial) override;
  int max_chunk_centers() const override { return chunk_centers_; }
  std::size_t device_bytes() const override;

 private:
  /// The networks of one chunk: atomic energies into atom_energy[begin + c], ∂E/∂AEV into
  /// grad_aev_.
  void networks(int chunk, int begin, int n_centers, const Inputs& in, double* atom_energy);
  void plan_memory(std::size_t memory_budget_bytes);

  const ani::PreparedAniModel& prepared_;
  int length_ = 0;  ///< AEV length
  nn::CublasHandle cublas_;
  ani::AevConstants<Real> constants_;  ///< host values; the view points into constants_device_
  DeviceBuffer<Real> constants_device_;
  ani::AevView<Real> view_;
  /// [element][chosen member] networks in Real.
  std::vector<std::vector<nn::DeviceDenseNet<Real>>> nets_;

  std::size_t budget_ = 0;
  int chunk_centers_ = 1;

  // Chunk state.
  DeviceBuffer<Real> aev_, grad_aev_, rows_in_, rows_grad_, rows_grad_sum_, rows_energy_;
  DeviceBuffer<double> rows_energy_sum_;
  nn::EnergyNetCudaWorkspace<Real> net_ws_;
};

template <class Real>
EngineImpl<Real>::EngineImpl(const ani::PreparedAniModel& prepared, std::size_t memory_budget_bytes)
    : prepared_(prepared),
      length_(prepared.model.aev_length()),
      cublas_(stream_.get()),
      constants_(ani::make_aev_constants<Real>(prepared.model)) {
  cudaStream_t s = stream_.get();
  constants_device_.upload(constants_.values.data(), constants_.values.size(), s);
  view_ = constants_.point_at(constants_device_.data());
  const AniModel& model = prepared.model;
  nets_.resize(static_cast<std::size_t>(model.n_elements()));
  for (int e = 0; e < model.n_elements(); ++e) {
    for (int m : prepared.members) nets_[e].emplace_back(model.members[m][e], s);
  }
  stream_.synchronize();
  plan_memory(memory_budget_bytes);
}

template <class Real>
void EngineImpl<Real>::plan_memory(std::size_t memory_budget_bytes) {
  budget_ = chunk_memory_budget(memory_budget_bytes);
  // Per centre: AEV, ∂E/∂AEV, its row copy, one member's gradient and the sum over members
  // (5 × length), the energies, and the network workspace (per layer its input and gate, three
  // rows of the widest layer).
  std::size_t net_row = 0;
  for (const auto& element_nets : nets_) {
    for (const auto& net : element_nets) {
      std::size_t row = 3 * static_cast<std::size_t>(net.max_width());
      for (const auto& layer : net.layers()) {
        row += static_cast<std::size_t>(layer.n_in) + static_cast<std::size_t>(layer.n_out);
      }
      net_row = std::max(net_row, row);
    }
  }
  const std::size_t per_center =
      sizeof(Real) * (5 * static_cast<std::size_t>(length_) + 1 + net_row) + sizeof(double) +
      sizeof(int);
  const std::size_t centers = budget_ / per_center;
  const std::size_t max_centers = static_cast<std::size_t>(INT_MAX) / std::max(1, length_);
  chunk_centers_ = static_cast<int>(std::clamp<std::size_t>(centers, 1, max_centers));
}

template <class Real>
std::size_t EngineImpl<Real>::device_bytes() const {
  std::size_t bytes = base_bytes() + constants_device_.capacity_bytes() + aev_.capacity_bytes() +
                      grad_aev_.capacity_bytes() + rows_in_.capacity_bytes() +
                      rows_grad_.capacity_bytes() + rows_grad_sum_.capacity_bytes() +
                      rows_energy_.capacity_bytes() + rows_energy_sum_.capacity_bytes() +
                      net_ws_.device_bytes();
  for (const auto& element_nets : nets_) {
    for (const auto& net : element_nets) bytes += net.device_bytes();
  }
  return bytes;
}

template <class Real>
void EngineImpl<Real>::networks(int chunk, int begin, int n_centers, const Inputs& in,
                                double* atom_energy) {
  cudaStream_t s = stream_.get();
  const AniModel& model = prepared_.model;
  const int n_elements = model.n_elements();
  const double inv_members = 1.0 / static_cast<double>(prepared_.members.size());
  const int* element_begin =
      in.element_begin->data() + static_cast<std::size_t>(chunk) * (n_elements + 1);
  for (int e = 0; e < n_elements; ++e) {
    const int n_rows = element_begin[e + 1] - element_begin[e];
    if (n_rows == 0) continue;
    const int* rows = rows_.data() + element_begin[e];
    const std::size_t n_values = static_cast<std::size_t>(n_rows) * length_;
    const unsigned int blocks = blocks_for(n_values, kThreads);
    gather_rows_kernel<Real>
        <<<blocks, kThreads, 0, s>>>(n_rows, length_, rows, aev_.data(), rows_in_.data());
    MD_CUDA_CHECK_LAUNCH(s);
    for (std::size_t m = 0; m < nets_[e].size(); ++m) {
      nn::energy_net_cuda(nets_[e][m], n_rows, rows_in_.data(), rows_energy_.data(),
                          rows_grad_.data(), net_ws_, cublas_.get(), s);
      add_member_kernel<Real><<<blocks, kThreads, 0, s>>>(
          n_rows, length_, m == 0, rows_energy_.data(), rows_grad_.data(), rows_energy_sum_.data(),
          rows_grad_sum_.data());
      MD_CUDA_CHECK_LAUNCH(s);
    }
    scatter_rows_kernel<Real><<<blocks, kThreads, 0, s>>>(
        n_rows, length_, begin, rows, rows_energy_sum_.data(), rows_grad_sum_.data(), inv_members,
        model.self_energies[e], atom_energy, grad_aev_.data());
    MD_CUDA_CHECK_LAUNCH(s);
  }
}

template <class Real>
void EngineImpl<Real>::evaluate(const Inputs& in, const Outputs& out, double* virial) {
  cudaStream_t s = stream_.get();
  const auto n_all = static_cast<std::size_t>(in.n_all);
  zero_fill(out.forces, 3 * n_all, s);
  zero_fill(out.atom_energies, out.atom_energy_rows, s);
  if (out.atom_virials != nullptr) zero_fill(out.atom_virials, 9 * n_all, s);
  virial_.fill_zero(9, s);

  const std::size_t chunk_values =
      static_cast<std::size_t>(std::max(1, std::min(chunk_centers_, in.n_local))) * length_;
  for (auto* buffer : {&aev_, &grad_aev_, &rows_in_, &rows_grad_, &rows_grad_sum_}) {
    buffer->resize(chunk_values);
  }
  rows_energy_.resize(chunk_values / length_);
  rows_energy_sum_.resize(chunk_values / length_);

  ani::AevCudaArgs<Real> args;
  args.view = view_;
  args.positions = in.positions;
  args.elements = elements_.data();
  args.offsets = in.offsets;
  args.neighbors = in.neighbors;
  int chunk = 0;
  for (int begin = 0; begin < in.n_local; begin += chunk_centers_, ++chunk) {
    args.center_begin = begin;
    args.n_centers = std::min(chunk_centers_, in.n_local - begin);
    ani::aev_forward_cuda(args, aev_.data(), s);
    networks(chunk, begin, args.n_centers, in, out.atom_energies);
    ani::aev_backward_cuda(args, grad_aev_.data(), out.forces, virial_.data(), out.atom_virials, s);
  }
  virial_.download(virial, 9, s);
}

}  // namespace

AniPotentialCuda::AniPotentialCuda(AniModel model, AniOptions options,
                                   const std::vector<std::string>& run_type_names,
                                   std::size_t memory_budget_bytes)
    : prepared_(ani::prepare_ani_model(std::move(model), options, run_type_names)),
      options_(std::move(options)),
      contacts_(run_type_names) {
  if (options_.precision == Precision::kMixed) {
    engine_ = std::make_unique<EngineImpl<float>>(prepared_, memory_budget_bytes);
  } else {
    engine_ = std::make_unique<EngineImpl<double>>(prepared_, memory_budget_bytes);
  }
}

AniPotentialCuda::~AniPotentialCuda() = default;

std::string AniPotentialCuda::name() const {
  return std::string("ani") + (options_.precision == Precision::kMixed ? "/mixed" : "");
}

std::size_t AniPotentialCuda::device_memory_bytes() const { return engine_->device_bytes(); }
int AniPotentialCuda::max_chunk_centers() const { return engine_->max_chunk_centers(); }

void AniPotentialCuda::prepare_types(Span<const int> types, int n_local, int n_all) {
  elements_.resize(static_cast<std::size_t>(n_all));
  for (int k = 0; k < n_all; ++k) elements_[k] = prepared_.element_of_type[types[k]];
  const int chunk = engine_->max_chunk_centers();
  const int n_elements = prepared_.model.n_elements();
  rows_.clear();
  element_begin_.clear();
  for (int begin = 0; begin < n_local; begin += chunk) {
    const int n_centers = std::min(chunk, n_local - begin);
    for (int e = 0; e < n_elements; ++e) {
      element_begin_.push_back(static_cast<int>(rows_.size()));
      for (int c = 0; c < n_centers; ++c) {
        if (elements_[begin + c] == e) rows_.push_back(c);
      }
    }
    element_begin_.push_back(static_cast<int>(rows_.size()));
  }
  if (rows_.empty()) rows_.push_back(0);  // keep the device copy non-empty
  if (elements_.empty()) elements_.push_back(0);
  engine_->upload_plan(elements_, std::max(1, n_all), rows_);
}

double AniPotentialCuda::sum_atom_energies(int n_local) const {
  CompensatedSum energy;  // as AniPotential: the exact sum of the atomic energies
  for (int c = 0; c < n_local; ++c) energy.add(atom_energy_[c]);
  return energy.value();
}

void AniPotentialCuda::compute(const AtomsView& atoms, const NeighborView& neighbors,
                               const ComputeRequest& request, ForceOutput& out) {
  if (neighbors.kind != NeighborKind::kFull)
    throw internal_error("ani needs a full neighbour list");
  device_plan_.invalidate();  // the uploads below replace what compute_device() planned
  prepare_types(atoms.types, atoms.n_local, atoms.n_all);
  const auto n_all = static_cast<std::size_t>(atoms.n_all);
  const auto n_local = static_cast<std::size_t>(atoms.n_local);
  const Engine::Inputs in{engine_->upload_inputs(atoms, neighbors), &element_begin_};
  const Engine::Outputs device_out =
      engine_->own_outputs(atoms.n_local, atoms.n_all, request.atom_virial);
  double virial[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  engine_->evaluate(in, device_out, virial);
  engine_->download(device_out.forces, out.forces.data(), 3 * n_all);
  ensure_size(atom_energy_, n_local);
  engine_->download(device_out.atom_energies, atom_energy_.data(), n_local);
  if (request.atom_virial) {
    engine_->download(device_out.atom_virials, out.atom_virials.data(), 9 * n_all);
  }
  if (request.atom_energy) {
    std::copy(atom_energy_.begin(), atom_energy_.begin() + n_local, out.atom_energies.begin());
    std::fill(out.atom_energies.begin() + n_local, out.atom_energies.begin() + n_all, 0.0);
  }
  out.energy = request.energy ? sum_atom_energies(atoms.n_local) : 0.0;
  for (int k = 0; k < 9; ++k) out.virial[k] = request.virial ? virial[k] : 0.0;
}

void AniPotentialCuda::compute_device(const DeviceAtomsView& atoms,
                                      const DeviceNeighborView& neighbors,
                                      const ComputeRequest& request, DeviceForceOutput& out) {
  check_device_arrays("ani", atoms, neighbors, request, out);
  if (device_plan_.needs_upload(neighbors.build_count, atoms.n_local, atoms.n_all)) {
    prepare_types(atoms.host_types, atoms.n_local, atoms.n_all);
  }
  const Engine::Inputs in{{atoms.positions.data(), neighbors.offsets.data(),
                           neighbors.neighbors.data(), atoms.n_local, atoms.n_all},
                          &element_begin_};
  const Engine::Outputs device_out =
      engine_->caller_outputs(atoms.n_local, atoms.n_all, request, out);
  double virial[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  engine_->evaluate(in, device_out, virial);
  double energy = 0.0;
  if (request.energy) {
    const auto n_local = static_cast<std::size_t>(atoms.n_local);
    ensure_size(atom_energy_, n_local);
    engine_->download(device_out.atom_energies, atom_energy_.data(), n_local);
    energy = sum_atom_energies(atoms.n_local);
  }
  out.energy = energy;
  for (int k = 0; k < 9; ++k) out.virial[k] = request.virial ? virial[k] : 0.0;
}

}  // namespace md
