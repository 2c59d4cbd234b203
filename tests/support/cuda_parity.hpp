// SPDX-License-Identifier: MIT
/// \file
/// Helpers of the CUDA parity tests (tests/backend/test_*_cuda_parity.cpp): where the shared data
/// and the checkout are (overridable for GPU hosts that get a copy elsewhere: MD_SHARED_DIR,
/// MD_SOURCE_DIR), the one tolerance type and array comparison, the perturbed water box, and a
/// potential's compute() and compute_device() on a test system with every output filled with −1
/// first (so unwritten entries show).
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/compensated_sum.hpp"
#include "core/precision.hpp"
#include "device/device_buffer.hpp"
#include "tests/support/deep_test_util.hpp"

namespace md::test {

using md::Precision;

inline std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}
inline std::string shared_dir() { return env_or("MD_SHARED_DIR", MD_SHARED_DIR); }
inline std::string source_dir() { return env_or("MD_SOURCE_DIR", MD_SOURCE_DIR); }

/// The one table of parity tolerances: |got − ref| must not exceed bound(ref, scale).
struct Tolerance {
  double per_value;  ///< times max(1, |ref|)
  double of_scale;   ///< times the largest |ref| of the array
  double bound(double ref, double scale) const {
    return per_value * std::max(1.0, std::fabs(ref)) + of_scale * scale;
  }
};
/// Compares two arrays value by value; one CHECK per array, with the worst entry in the message.
inline void check_close(const std::string& what, const std::vector<double>& got,
                 const std::vector<double>& ref, const Tolerance& tol) {
  REQUIRE(got.size() == ref.size());
  double scale = 0.0;
  for (double r : ref) scale = std::max(scale, std::fabs(r));
  std::size_t failures = 0, worst = 0;
  double worst_ratio = 0.0;
  for (std::size_t k = 0; k < ref.size(); ++k) {
    const double bound = tol.bound(ref[k], scale);
    const double diff = std::fabs(got[k] - ref[k]);
    const double ratio = bound > 0.0 ? diff / bound : (diff > 0.0 ? INFINITY : 0.0);
    if (!(diff <= bound)) ++failures;  // NaN fails too
    if (!(ratio <= worst_ratio)) {
      worst_ratio = ratio;
      worst = k;
    }
  }
  INFO(what << ": " << failures << " of " << ref.size() << " values outside tolerance; worst at ["
            << worst << "]: got " << got[worst] << ", expected " << ref[worst] << ", |diff| "
            << std::fabs(got[worst] - ref[worst]) << " = " << worst_ratio << " × tolerance");
  CHECK(failures == 0);
}

inline void check_results(const DeepResult& got, const DeepResult& ref, const Tolerance& tol) {
  check_close("energy", {got.energy}, {ref.energy}, tol);
  check_close("forces", got.forces, ref.forces, tol);
  check_close("ghost forces (unfolded)", got.raw_forces, ref.raw_forces, tol);
  check_close("virial", std::vector<double>(got.virial.begin(), got.virial.end()),
              std::vector<double>(ref.virial.begin(), ref.virial.end()), tol);
  check_close("per-atom energies", got.atom_energy, ref.atom_energy, tol);
  check_close("per-atom virials", got.atom_virial, ref.atom_virial, tol);
}

/// The water box of shared/data/water-example replicated reps³ times, every coordinate moved by
/// up to ±amplitude Å, in its periodic cell.
inline PeriodicSystem water(int reps, double amplitude, unsigned seed, double cutoff) {
  const md::test::LammpsData base =
      md::test::read_lammps_data(shared_dir() + "/data/water-example/lmp/water.lmp");
  md::test::LammpsData data = md::test::replicate(base, reps, reps, reps);
  md::test::perturb(data.positions, amplitude, seed);
  return md::test::make_periodic_system(
      data.positions, data.types,
      md::test::orthorhombic_cell(data.box[0], data.box[1], data.box[2]), {true, true, true},
      cutoff);
}

inline const char* precision_name(Precision p) {
  return p == Precision::kDouble ? "double" : "mixed";
}

/// Every output of one evaluation, per-atom arrays [n_all] rows as the potential wrote them
/// (entries it did not write keep the fill value -1).
struct RawResult {
  double energy = 0.0;
  std::vector<double> virial, forces, atom_energy, atom_virial;
};

inline RawResult unwritten(int n_all) {
  const auto n = static_cast<std::size_t>(n_all);
  return RawResult{-1.0, std::vector<double>(9, -1.0), std::vector<double>(3 * n, -1.0),
                   std::vector<double>(n, -1.0), std::vector<double>(9 * n, -1.0)};
}

inline md::ComputeRequest every_output() {
  md::ComputeRequest request;
  request.atom_energy = true;
  request.atom_virial = true;
  return request;
}

/// gpu.compute (host views).
inline RawResult host_compute(md::Potential& gpu, const PeriodicSystem& sys,
                       const md::ComputeRequest& request) {
  RawResult r = unwritten(sys.n_all);
  md::ForceOutput out;
  out.forces = md::Span<double>(r.forces.data(), r.forces.size());
  out.atom_energies = md::Span<double>(r.atom_energy.data(), r.atom_energy.size());
  out.atom_virials = md::Span<double>(r.atom_virial.data(), r.atom_virial.size());
  gpu.compute(sys.atoms(), sys.neighbor_view(), request, out);
  r.energy = out.energy;
  r.virial.assign(out.virial.begin(), out.virial.end());
  return r;
}

/// gpu.compute_device on device copies of `sys` (positions, types, CSR list,
/// outputs filled with -1), with `host_types` as DeviceAtomsView::host_types and the device types.
inline RawResult device_compute(md::Potential& gpu, const PeriodicSystem& sys,
                         const std::vector<int>& host_types, const md::ComputeRequest& request) {
  const md::CudaStream stream;
  const cudaStream_t s = stream.get();
  RawResult r = unwritten(sys.n_all);
  md::DeviceBuffer<double> positions, forces, atom_energy, atom_virial;
  md::DeviceBuffer<int> types, offsets, neighbors;
  positions.upload(sys.positions.data(), sys.positions.size(), s);
  types.upload(host_types.data(), host_types.size(), s);
  offsets.upload(sys.offsets.data(), sys.offsets.size(), s);
  neighbors.upload(sys.neighbors.data(), sys.neighbors.size(), s);
  forces.upload(r.forces.data(), r.forces.size(), s);
  atom_energy.upload(r.atom_energy.data(), r.atom_energy.size(), s);
  atom_virial.upload(r.atom_virial.data(), r.atom_virial.size(), s);
  stream.synchronize();  // the caller's side of the contract: inputs complete before the call

  md::DeviceAtomsView atoms;
  atoms.positions = md::DeviceSpan<const double>(positions.data(), positions.size());
  atoms.types = md::DeviceSpan<const int>(types.data(), types.size());
  atoms.host_types = md::Span<const int>(host_types.data(), host_types.size());
  atoms.n_local = sys.n_local;
  atoms.n_all = sys.n_all;
  atoms.box = sys.box;
  md::DeviceNeighborView list;
  list.kind = md::NeighborKind::kFull;
  list.offsets = md::DeviceSpan<const int>(offsets.data(), offsets.size());
  list.neighbors = md::DeviceSpan<const int>(neighbors.data(), neighbors.size());
  list.build_count = sys.build_count;
  md::DeviceForceOutput out;
  out.forces = md::DeviceSpan<double>(forces.data(), forces.size());
  out.atom_energies = md::DeviceSpan<double>(atom_energy.data(), atom_energy.size());
  out.atom_virials = md::DeviceSpan<double>(atom_virial.data(), atom_virial.size());
  gpu.compute_device(atoms, list, request, out);

  forces.download(r.forces.data(), r.forces.size(), s);
  atom_energy.download(r.atom_energy.data(), r.atom_energy.size(), s);
  atom_virial.download(r.atom_virial.data(), r.atom_virial.size(), s);
  r.energy = out.energy;
  r.virial.assign(out.virial.begin(), out.virial.end());
  return r;
}

/// compute_device's results against compute()'s; its energy must be the compensated sum of its
/// own atomic energies, bit for bit (one summation, shared with compute()).
inline void check_device_vs_host(const RawResult& device, const RawResult& host, int n_local,
                          const Tolerance& tol) {
  check_close("energy", {device.energy}, {host.energy}, tol);
  check_close("virial", device.virial, host.virial, tol);
  check_close("forces", device.forces, host.forces, tol);
  check_close("per-atom energies", device.atom_energy, host.atom_energy, tol);
  check_close("per-atom virials", device.atom_virial, host.atom_virial, tol);
  md::CompensatedSum energy;
  for (int i = 0; i < n_local; ++i) energy.add(device.atom_energy[i]);
  CHECK(device.energy == energy.value());
}

}  // namespace md::test
