// SPDX-License-Identifier: MIT
/// \file
/// Velocity-Verlet half steps, velocity scaling and the kinetic-energy reduction on DEVICE arrays
/// (CUDA stage 2 building block; not yet used by the MD step). Compiled only when the build has
/// CUDA (MD_ENABLE_CUDA); include it only from .cu files or sources built only with CUDA.
///
/// Contract (the CPU twins in brackets), owned atoms [0, n_local) only, every array on the device:
///  - `DeviceVelocityVerlet::first_half`: v += dtfm·f then x += dt·v per atom
///    [velocity_verlet_first_half]; `second_half`: v += dtfm·f [velocity_verlet_second_half];
///    dtfm = half_kick_factor(dt, mass of the atom's type), computed once per type on the host.
///  - `scale_velocities_cuda`: v *= λ for every component [VerletIntegrator's thermostat half
///    step; λ stays a host scalar from the host-side thermostat].
///  - `DeviceKineticEnergy::local_tensor`: Σ m v_a v_b · mvv2e (xx yy zz xy xz yz) of this rank's
///    owned atoms [local_kinetic_tensor, engine/thermo.hpp]; `local_twice_kinetic_energy` its
///    trace [local_twice_kinetic_energy, engine/integrator.hpp]. Local only: reduce over ranks.
///
/// Arithmetic: kick_atom / drift_atom (engine/velocity_verlet.hpp) and atom_kinetic_tensor
/// (engine/thermo.hpp) are the MD_HOST_DEVICE functions the CPU calls; the device kick and drift
/// round the multiply and the add separately (no FMA), so positions and velocities are BITWISE
/// the CPU's after any number of steps, and the scaling is one multiply (bitwise too). The
/// kinetic sums are a CUB tree reduction in double, whose order differs from the CPU's serial
/// sum: equal to the CPU within rounding (relative differences of order n·1e-16, not bitwise),
/// deterministic for a given n and device.
///
/// Synchronisation: the half steps and the scaling are queued on `stream`; the kinetic reduction
/// waits for it (6 doubles come to the host). Memory: buffers only grow.
#pragma once

#include <cuda_runtime.h>

#include <array>
#include <cstddef>
#include <vector>

#include "device/device_buffer.hpp"

namespace md {

class DeviceVelocityVerlet {
 public:
  /// `type_masses` [n_types] (amu), `dt` (ps). Uploads the per-type half-kick factors on
  /// `stream`.
  DeviceVelocityVerlet(const std::vector<double>& type_masses, double dt, cudaStream_t stream);

  /// Half kick then drift of atoms [0, n_local): positions and velocities [n_local][3], forces
  /// [n_local][3] (or more rows), types [n_local].
  void first_half(double* d_positions, double* d_velocities, const double* d_forces,
                  const int* d_types, int n_local, cudaStream_t stream) const;
  /// The closing half kick of atoms [0, n_local).
  void second_half(double* d_velocities, const double* d_forces, const int* d_types, int n_local,
                   cudaStream_t stream) const;

  double dt() const { return dt_; }
  std::size_t device_memory_bytes() const { return half_kick_factors_.capacity_bytes(); }

 private:
  double dt_;
  DeviceBuffer<double> half_kick_factors_;  ///< [n_types] dtfm per type
};

/// v *= lambda for the 3·n_local velocity components of the device array `d_velocities`.
void scale_velocities_cuda(double* d_velocities, int n_local, double lambda, cudaStream_t stream);

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
  /// Σ m v² · mvv2e (eV), the trace of local_tensor. Local only.
  double local_twice_kinetic_energy(const double* d_velocities, const int* d_types, int n_local,
                                    cudaStream_t stream);

  std::size_t device_memory_bytes() const {
    return masses_.capacity_bytes() + result_.capacity_bytes() + cub_temp_.capacity_bytes();
  }

 private:
  DeviceBuffer<double> masses_;          ///< [n_types]
  DeviceBuffer<Tensor> result_;          ///< [1]
  DeviceBuffer<unsigned char> cub_temp_; ///< CUB temporary storage
};

}  // namespace md
