// SPDX-License-Identifier: MIT
/// \file
/// The Potential contract: what every interatomic potential receives and what it must write.
///
/// Atoms are stored local-first: indices [0, n_local) are owned by this rank, [n_local, n_all) are
/// ghosts (periodic images and atoms of neighbouring ranks), created by the halo. A potential
/// computes forces on owned AND ghost atoms; the caller sums ghost forces back onto their owners
/// with the halo's reverse_sum. Energies and virials cover the interactions this rank is
/// responsible for, so summing them over ranks gives the system's values exactly once.
///
/// The worked example is potential/lennard_jones.hpp; a new potential copies its shape.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/box.hpp"
#include "core/device_span.hpp"
#include "core/span.hpp"

namespace md {

/// Positions and types of the local and ghost atoms.
struct AtomsView {
  Span<const double> positions;  ///< [n_all][3], Å
  Span<const int> types;         ///< [n_all], index into the run's type names (0-based)
  int n_local = 0;
  int n_all = 0;
  Box box;  ///< the global box (for information; ghosts already carry their periodic shifts)
};

/// Which pairs a neighbour list holds.
enum class NeighborKind {
  kFull,  ///< every neighbour j of each local atom i (i-j and j-i both appear for two local atoms)
  kHalf,  ///< each pair once over all ranks (newton on): a potential must put force on both atoms
};

/// A neighbour list in compressed-row form: the neighbours of local atom i are
/// neighbors[offsets[i] .. offsets[i+1]), indices into [0, n_all). It holds every pair within
/// cutoff + skin at the last rebuild, so a potential must test distances against its own cutoff.
struct NeighborView {
  NeighborKind kind = NeighborKind::kFull;
  Span<const int> offsets;    ///< [n_local + 1]
  Span<const int> neighbors;  ///< [offsets[n_local]]
  std::uint64_t build_count = 0;  ///< increases at every rebuild; a potential may cache per build
};

/// What the caller needs from this evaluation (forces are always computed).
struct ComputeRequest {
  bool energy = true;
  bool virial = true;
  bool atom_energy = false;  ///< per-atom energies
  bool atom_virial = false;  ///< per-atom virials
};

/// Where a potential writes its results. All outputs are OVERWRITTEN (not accumulated).
struct ForceOutput {
  Span<double> forces;  ///< [n_all][3], eV/Å; every entry written (ghost forces included)
  double energy = 0.0;  ///< eV: sum of the energies attributed to local atoms / local pairs
  /// Virial W[3a+b] = Σ_k F_{k,a} r_{k,b} over local and ghost atoms, in eV (DeePMD convention,
  /// equal to −∂E/∂ε_ab). Pressure = (2 KE + trace W) / (3 V).
  std::array<double, 9> virial{};
  /// Per-atom outputs, written when requested. Both cover local AND ghost atoms: a potential may
  /// attribute a share to a ghost, and the caller reverse-sums ghost rows onto their owners.
  Span<double> atom_energies;  ///< [n_all], eV
  Span<double> atom_virials;   ///< [n_all][9], eV
};

/// The inputs of compute_device(): AtomsView with the per-atom arrays on the current CUDA device.
struct DeviceAtomsView {
  DeviceSpan<const double> positions;  ///< [n_all][3], Å, device
  DeviceSpan<const int> types;         ///< [n_all], device
  /// The same types on the host. Types change only when the neighbour list is rebuilt (migration,
  /// new halo), so a potential may plan per build (NeighborView::build_count) from them.
  Span<const int> host_types;          ///< [n_all], host
  int n_local = 0;
  int n_all = 0;
  Box box;
};

/// NeighborView on the device (the lists of engine/neighbor_list_cuda.cuh).
struct DeviceNeighborView {
  NeighborKind kind = NeighborKind::kFull;
  DeviceSpan<const int> offsets;    ///< [n_local + 1], device
  DeviceSpan<const int> neighbors;  ///< [n_pairs], device
  std::uint64_t build_count = 0;
};

/// ForceOutput with the per-atom arrays on the device; the same OVERWRITE contract. Scalars
/// (energy, virial) are host values.
struct DeviceForceOutput {
  DeviceSpan<double> forces;  ///< [n_all][3], eV/Å, device
  double energy = 0.0;
  std::array<double, 9> virial{};
  DeviceSpan<double> atom_energies;  ///< [n_all], device (when requested)
  DeviceSpan<double> atom_virials;   ///< [n_all][9], device (when requested)
};

class Potential {
 public:
  virtual ~Potential() = default;
  /// A short name for logs ("lj/cut", "deepmd").
  virtual std::string name() const = 0;
  /// Interaction cutoff in Å; the neighbour list and the halo size themselves from it.
  virtual double cutoff() const = 0;
  /// The neighbour list this potential wants.
  virtual NeighborKind neighbor_kind() const = 0;
  /// Computes forces (and what `request` asks for) into `out`, overwriting it.
  virtual void compute(const AtomsView& atoms, const NeighborView& neighbors,
                       const ComputeRequest& request, ForceOutput& out) = 0;
  /// True when compute_device() is implemented (the CUDA backend's GPU-resident step uses it;
  /// otherwise that backend is refused for this potential).
  virtual bool has_device_compute() const { return false; }
  /// compute() on device arrays of the current CUDA device: same request, same outputs, same
  /// OVERWRITE contract. Synchronisation: the inputs must be complete when it is called (the
  /// caller synchronises its own stream first); on return the outputs are complete (the
  /// potential synchronises its own work), so the caller may use them on any stream. The
  /// default throws an internal Error.
  virtual void compute_device(const DeviceAtomsView& atoms, const DeviceNeighborView& neighbors,
                              const ComputeRequest& request, DeviceForceOutput& out);
  /// Bytes this potential holds on a GPU now (model, per-atom state, workspaces; not the CUDA
  /// context or library workspaces). 0 for a CPU potential. Buffers only grow, so at the end of a
  /// run this is the peak. For the end-of-run report (docs/outputs.md).
  virtual std::size_t device_memory_bytes() const { return 0; }
  /// The distance at which atoms of run types `a` and `b` are "in contact" for this potential, Å
  /// (Lennard-Jones: σ of the pair; a potential of elements: the sum of their covalent radii), or
  /// 0 when it has none. mdrun warns at start when two atoms are much closer than this.
  virtual double natural_distance(int /*a*/, int /*b*/) const { return 0.0; }
  /// What natural_distance is, for the warning ("σ of the pair").
  virtual std::string natural_distance_basis() const { return ""; }
};

}  // namespace md
