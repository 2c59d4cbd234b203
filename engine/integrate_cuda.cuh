// SPDX-License-Identifier: MIT
/// \file
/// The integrators' per-atom operations (AtomKernels, engine/atom_kernels.hpp) on DEVICE arrays,
/// and the kinetic-energy reduction. Compiled only when the build has CUDA (MD_ENABLE_CUDA);
/// include it only from .cu files or sources built only with CUDA.
///
/// Contract: that of AtomKernels — owned atoms [0, n_local) of the arrays given to bind(), in
/// place — with the CPU twin (HostAtomKernels) in brackets:
///  - half_kick: v += dtfm·f, dtfm = half_kick_factor(dt, mass of the atom's type), per-type
///    factors computed on the host for each dt [kick_atom loop];
///  - drift: x += dt·v [drift_atom loop]; scale_velocities: v *= λ [one multiply];
///  - ornstein_uhlenbeck: ornstein_uhlenbeck_atom per atom with its global id, the heat summed by
///    a CUB reduction (one double to the host) [serial loop];
///  - local_twice_kinetic_energy / local_kinetic_tensor: Σ m v_a v_b · mvv2e by a CUB reduction
///    of atom_kinetic_tensor (engine/thermo.hpp) [local_kinetic_tensor, and
///    HostAtomKernels::local_twice_kinetic_energy].
///
/// Arithmetic: kick_atom and drift_atom (engine/velocity_verlet.hpp) round the device multiply and
/// add separately (no FMA), so half_kick, drift and scale_velocities are BITWISE the CPU's after any
/// number of steps. The reductions sum in another order than the CPU (equal within rounding,
/// relative n·1e-16, deterministic for a given n and device), and the O step's log/cos/sqrt may
/// differ from the host libm in the last bit (the random numbers are the same keyed draws).
///
/// Synchronisation: everything is queued on the stream given at construction; the reductions
/// wait for it (their results come to the host). Memory: buffers only grow.
#pragma once

#include <cuda_runtime.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "device/device_buffer.hpp"
#include "engine/atom_kernels.hpp"

namespace md {

/// The device arrays the kernels work on (owned rows [0, n_local) are used).
struct DeviceAtomArrays {
  double* positions = nullptr;        ///< [≥ n_local][3], Å
  double* velocities = nullptr;       ///< [n_local][3], Å/ps
  const double* forces = nullptr;     ///< [≥ n_local][3], eV/Å
  const int* types = nullptr;         ///< [≥ n_local]
  const std::int64_t* ids = nullptr;  ///< [≥ n_local] global ids (the O step's noise keys)
  int n_local = 0;
};

class DeviceKineticEnergy {
 public:
  /// Six tensor components (the reduction's value type).
  struct Tensor {
    double v[6];
  };

  /// `type_masses` [n_types] (amu), uploaded on `stream`.
  DeviceKineticEnergy(const std::vector<double>& type_masses, cudaStream_t stream);

  /// Σ m v_a v_b · mvv2e (eV; xx yy zz xy xz yz) over atoms [0, n_local) of the device arrays
  /// (velocities [n_local][3], types [n_local]); waits for `stream`. Local only.
  std::array<double, 6> local_tensor(const double* d_velocities, const int* d_types, int n_local,
                                     cudaStream_t stream);

  std::size_t device_memory_bytes() const {
    return masses_.capacity_bytes() + result_.capacity_bytes() + cub_temp_.capacity_bytes();
  }

 private:
  DeviceBuffer<double> masses_;          ///< [n_types]
  DeviceBuffer<Tensor> result_;          ///< [1]
  DeviceBuffer<unsigned char> cub_temp_; ///< CUB temporary storage
};

class DeviceAtomKernels final : public AtomKernels {
 public:
  /// `type_masses` [n_types] (amu); all work goes to `stream` (not owned).
  DeviceAtomKernels(const std::vector<double>& type_masses, cudaStream_t stream);

  /// Points the kernels at the device arrays; call again whenever they or n_local change.
  void bind(const DeviceAtomArrays& arrays) { arrays_ = arrays; }

  void half_kick(double dt) override;
  void drift(double dt) override;
  void scale_velocities(double lambda) override;
  void scale_velocity_components(const std::array<double, 3>& lambda) override;
  void map_positions(const BoxMap& map) override;
  double local_twice_kinetic_energy() override;
  void shear_velocities(const std::array<double, 3>& rate, double c) override;
  std::array<double, 6> local_twice_kinetic_tensor() override;
  double ornstein_uhlenbeck(const OrnsteinUhlenbeckStep& step) override;
  /// Σ m v_a v_b · mvv2e of the owned atoms (see DeviceKineticEnergy). Local only.
  std::array<double, 6> local_kinetic_tensor();

  std::size_t device_memory_bytes() const;

 private:
  cudaStream_t stream_;
  std::vector<double> type_masses_;
  DeviceAtomArrays arrays_;
  double half_kick_dt_ = 0.0;                ///< the dt of the uploaded factors (0: none yet)
  DeviceBuffer<double> half_kick_factors_;   ///< [n_types] dtfm for half_kick_dt_
  DeviceBuffer<double> masses_;              ///< [n_types]
  DeviceBuffer<double> atom_heat_;           ///< [n_local] the O step's per-atom heat
  DeviceBuffer<double> heat_sum_;            ///< [1]
  DeviceBuffer<unsigned char> cub_temp_;     ///< CUB temporary storage (heat sum)
  DeviceKineticEnergy kinetic_;
};

}  // namespace md
