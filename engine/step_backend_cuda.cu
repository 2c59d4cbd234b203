// SPDX-License-Identifier: MIT
/// \file
/// The GPU-resident backend of the MD step (engine/step_backend.hpp; the host copy's staleness is
/// the ResidentStepBackend base's, engine/step_backend_resident.hpp): device atom arrays plus the
/// device neighbour list (engine/neighbor_list_cuda.cuh), the device halo (comm/halo_cuda.cuh)
/// and the integrator kernels (engine/integrate_cuda.cuh), all on one stream. The potential runs
/// on its own stream, so the stream is synchronised before it is called; compute_device returns
/// with its outputs complete (potential/potential.hpp). Twin of the host backend,
/// engine/step_backend_host.cpp.
#include <algorithm>

#include "device/device_buffer.hpp"
#include "comm/halo_cuda.cuh"
#include "engine/integrate_cuda.cuh"
#include "engine/neighbor_list_cuda.cuh"
#include "engine/step_backend_resident.hpp"

namespace md {
namespace {

/// Makes room for `n` elements with 1/8 headroom, so that atom counts fluctuating from rebuild
/// to rebuild do not reallocate every time (contents are discarded on growth).
template <class T>
void reserve_rows(DeviceBuffer<T>& buffer, std::size_t n) {
  if (n > buffer.capacity()) buffer.reserve(n + n / 8);
  buffer.resize(n);
}

/// Host → device copy of `n` elements on `stream` (pageable host memory is staged by the runtime).
template <class T>
void copy_to_device(T* device, const T* host, std::size_t n, cudaStream_t stream) {
  if (n > 0) MD_CUDA_CHECK(cudaMemcpyAsync(device, host, n * sizeof(T), cudaMemcpyHostToDevice, stream));
}

/// Device → host copy of `n` elements on `stream` (the caller synchronises).
template <class T>
void copy_to_host(T* host, const T* device, std::size_t n, cudaStream_t stream) {
  if (n > 0) MD_CUDA_CHECK(cudaMemcpyAsync(host, device, n * sizeof(T), cudaMemcpyDeviceToHost, stream));
}

class CudaStepBackend final : public ResidentStepBackend {
 public:
  CudaStepBackend(NeighborKind kind, double cutoff, double skin,
                  const std::vector<double>& type_masses)
      : list_(kind, cutoff, skin), kernels_(type_masses, stream_.get()) {}

  const char* name() const override { return "cuda"; }
  const std::vector<double>& reference_positions() const override { return reference_; }
  std::size_t n_pairs() const override { return list_.n_pairs(); }
  std::uint64_t build_count() const override { return list_.build_count(); }

  std::size_t device_memory_bytes() const override {
    return positions_.capacity_bytes() + velocities_.capacity_bytes() +
           forces_.capacity_bytes() + types_.capacity_bytes() + ids_.capacity_bytes() +
           list_.device_memory_bytes() + halo_.device_memory_bytes() +
           kernels_.device_memory_bytes();
  }

 protected:
  AtomKernels& resident_kernels() override { return kernels_; }

  void upload_all(const ParticleState& state, const Halo& halo) override {
    cudaStream_t s = stream_.get();
    n_local_ = state.n_local;
    n_all_ = state.n_all();
    const auto n_local = static_cast<std::size_t>(n_local_);
    const auto n_all = static_cast<std::size_t>(n_all_);
    reserve_rows(positions_, 3 * n_all);
    reserve_rows(forces_, 3 * n_all);
    reserve_rows(velocities_, 3 * n_local);
    reserve_rows(types_, n_all);
    reserve_rows(ids_, n_all);
    copy_to_device(positions_.data(), state.positions.data(), 3 * n_all, s);
    copy_to_device(velocities_.data(), state.velocities.data(), 3 * n_local, s);
    copy_to_device(types_.data(), state.types.data(), n_all, s);
    copy_to_device(ids_.data(), state.ids.data(), n_all, s);
    host_types_.assign(state.types.begin(), state.types.begin() + n_all);
    reference_.assign(state.positions.begin(), state.positions.begin() + 3 * n_local);
    halo_.set_plan(halo, s);
    list_.build(positions_.data(), n_local_, n_all_, s);
    kernels_.bind(DeviceAtomArrays{positions_.data(), velocities_.data(), forces_.data(),
                                   types_.data(), ids_.data(), n_local_});
  }

  void upload_owned(const ParticleState& state) override {
    const auto n_local = static_cast<std::size_t>(n_local_);
    if (state.n_local != n_local_) {
      throw internal_error("upload_owned: the host state has another atom count than the device");
    }
    copy_to_device(positions_.data(), state.positions.data(), 3 * n_local, stream_.get());
    copy_to_device(velocities_.data(), state.velocities.data(), 3 * n_local, stream_.get());
  }

  void download_owned(ParticleState& state) override {
    const auto n_local = static_cast<std::size_t>(n_local_);
    if (state.n_local != n_local_ || state.positions.size() < 3 * n_local ||
        state.velocities.size() < 3 * n_local || state.forces.size() < 3 * n_local) {
      throw internal_error("download: the host state does not hold the device's owned atoms");
    }
    cudaStream_t s = stream_.get();
    copy_to_host(state.positions.data(), positions_.data(), 3 * n_local, s);
    copy_to_host(state.velocities.data(), velocities_.data(), 3 * n_local, s);
    copy_to_host(state.forces.data(), forces_.data(), 3 * n_local, s);
    stream_.synchronize();
  }

  double resident_max_displacement_sq() override {
    return list_.max_displacement_sq(positions_.data(), n_local_, stream_.get());
  }

  void update_halo_shifts(const Halo& halo) override { halo_.update_shifts(halo); }

  void resident_forward_positions(const Communicator& comm) override {
    halo_.forward_positions(comm, positions_.data(), stream_.get());
  }

  ForceTally resident_compute_forces(Potential& potential, const Box& box,
                                     const ComputeRequest& request) override {
    const ResidentInputs in = inputs(box);
    DeviceForceOutput out;
    out.forces = DeviceSpan<double>(forces_.data(), 3 * static_cast<std::size_t>(n_all_));
    stream_.synchronize();  // positions complete before the potential's stream reads them
    potential.compute_device(in.atoms, in.neighbors, request, out);
    return ForceTally{out.energy, out.virial};
  }

  std::vector<ForceTally> resident_compute_committee_forces(
      Committee& committee, const Box& box, const ComputeRequest& request) override {
    const auto members = static_cast<std::size_t>(committee.size());
    if (member_forces_.size() < members) member_forces_.resize(members);
    std::vector<DeviceForceOutput> outs(members);
    std::vector<DeviceForceOutput*> out_pointers(members);
    for (std::size_t m = 0; m < members; ++m) {
      DeviceBuffer<double>& rows = m == 0 ? forces_ : member_forces_[m];
      if (m > 0) reserve_rows(rows, 3 * static_cast<std::size_t>(n_all_));
      outs[m].forces = DeviceSpan<double>(rows.data(), 3 * static_cast<std::size_t>(n_all_));
      out_pointers[m] = &outs[m];
    }
    const ResidentInputs in = inputs(box);
    stream_.synchronize();  // positions complete before the potentials' streams read them
    committee.compute_all_device(in.atoms, in.neighbors, request, out_pointers);
    std::vector<ForceTally> tallies(members);
    for (std::size_t m = 0; m < members; ++m) tallies[m] = ForceTally{outs[m].energy, outs[m].virial};
    return tallies;
  }

  void resident_reverse_sum_member_forces(const Communicator& comm, int member,
                                          std::vector<double>& owned_forces) override {
    DeviceBuffer<double>& rows = member_forces_.at(static_cast<std::size_t>(member));
    halo_.reverse_sum(comm, rows.data(), 3, stream_.get());
    owned_forces.resize(3 * static_cast<std::size_t>(n_local_));
    copy_to_host(owned_forces.data(), rows.data(), owned_forces.size(), stream_.get());
    stream_.synchronize();
  }

  void resident_reverse_sum_forces(const Communicator& comm) override {
    halo_.reverse_sum(comm, forces_.data(), 3, stream_.get());
  }

  std::vector<int> download_neighbor_offsets() override {
    std::vector<int> offsets(static_cast<std::size_t>(n_local_) + 1, 0);
    copy_to_host(offsets.data(), list_.offsets(), offsets.size(), stream_.get());
    stream_.synchronize();
    return offsets;
  }

 private:
  /// The potential's view of the resident atoms and list.
  struct ResidentInputs {
    DeviceAtomsView atoms;
    DeviceNeighborView neighbors;
  };
  ResidentInputs inputs(const Box& box) {
    const auto n_local = static_cast<std::size_t>(n_local_);
    const auto n_all = static_cast<std::size_t>(n_all_);
    ResidentInputs in;
    in.atoms.positions = DeviceSpan<const double>(positions_.data(), 3 * n_all);
    in.atoms.types = DeviceSpan<const int>(types_.data(), n_all);
    in.atoms.host_types = Span<const int>(host_types_.data(), n_all);
    in.atoms.n_local = n_local_;
    in.atoms.n_all = n_all_;
    in.atoms.box = box;
    in.neighbors.kind = list_.kind();
    in.neighbors.offsets = DeviceSpan<const int>(list_.offsets(), n_local + 1);
    in.neighbors.neighbors = DeviceSpan<const int>(list_.neighbors(), list_.n_pairs());
    in.neighbors.build_count = list_.build_count();
    return in;
  }

  CudaStream stream_;  // first member: the others queue work on it from their constructors
  int n_local_ = 0;
  int n_all_ = 0;
  DeviceBuffer<double> positions_;     ///< [n_all][3]
  DeviceBuffer<double> velocities_;    ///< [n_local][3]
  DeviceBuffer<double> forces_;        ///< [n_all][3]
  /// [members][n_all][3] committee members' forces on deviation steps (entry 0 unused).
  std::vector<DeviceBuffer<double>> member_forces_;
  DeviceBuffer<int> types_;            ///< [n_all]
  DeviceBuffer<std::int64_t> ids_;     ///< [n_all]
  std::vector<int> host_types_;        ///< [n_all] (DeviceAtomsView::host_types)
  std::vector<double> reference_;      ///< [n_local][3] positions at the last build
  DeviceNeighborList list_;
  DeviceHalo halo_;
  DeviceAtomKernels kernels_;
};

}  // namespace

std::unique_ptr<StepBackend> make_cuda_step_backend(NeighborKind kind, double cutoff, double skin,
                                                    const std::vector<double>& type_masses) {
  return std::make_unique<CudaStepBackend>(kind, cutoff, skin, type_masses);
}

}  // namespace md
