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
  /// Bytes this potential holds on a GPU now (model, per-atom state, workspaces; not the CUDA
  /// context or library workspaces). 0 for a CPU potential. Buffers only grow, so at the end of a
  /// run this is the peak. For the end-of-run report (docs/outputs.md).
  virtual std::size_t device_memory_bytes() const { return 0; }
};

}  // namespace md
