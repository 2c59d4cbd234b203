// SPDX-License-Identifier: MIT
/// \file
/// `deepmd`: a DeePMD-kit se_e2_a energy model evaluated natively on the CPU, in double precision.
///
///   E   = Σ_{i local} E_i,   E_i = FitNet_{t_i}(D_i) + bias_atom_e[t_i] + out_bias[t_i]
///   D_i = se_e2_a descriptor of i's neighbours within rcut (descriptor.hpp)
///
/// (shared/docs/deepmd-se_e2_a.md §3; docs/model-format.md). Results agree with DeePMD-kit's own
/// to 1e-10 (tests/regression/test_deep_fixture.cpp).
///
/// Contract details, as every potential states them (potential/potential.hpp):
///  - It asks for a FULL neighbour list (every neighbour j of each local i, within rcut + skin)
///    and filters it by rcut itself. Only local atoms are centres; a ghost is only a neighbour.
///  - Forces are written for all n_all atoms (ghost rows hold the forces on ghost images; the
///    caller reverse-sums them). Energy, virial and per-atom outputs are OVERWRITTEN.
///  - Per-atom energy: E_i on local rows, 0 on ghost rows. Per-atom virial: each pair's virial
///    −(∂E_i/∂d_ij) ⊗ d_ij goes to the NEIGHBOUR j (DeePMD-kit's convention), so ghost rows are
///    filled and must be reverse-summed.
///  - Virial W[3a+b] = Σ_k F_k,a r_k,b (eV).
///  - When an atom has more neighbours of a type than the model's `sel`, the nearest are kept
///    (as in DeePMD-kit) and options.sel_overflow decides: warn (once per neighbour-list build)
///    or throw md::unstable_error.
///
/// Pipeline per chunk of local atoms (one op per file pair, `<op>.hpp` + `<op>_cpu.cpp`):
///   format_nlist → descriptor stage (se_e2_a: env_mat → embedding_net → descriptor; the seam of
///   descriptor_stage_cpu.hpp) → fitting (nn/energy_net, forward + backward) → descriptor stage
///   backward → prod_force_virial.
/// The model is prepared once (prepared_model.hpp: checks, type mapping, fitting extras, vacuum
/// energies, padding), exactly as for DeepPotentialCuda. Workspaces are members and only grow, so
/// a steady-state step allocates nothing (apart from the message when sel overflows).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/compensated_sum.hpp"
#include "potential/deep/deep_model.hpp"
#include "potential/deep/deep_potential_options.hpp"
#include "potential/deep/descriptor_stage_cpu.hpp"
#include "potential/deep/format_nlist.hpp"
#include "potential/deep/pair_groups.hpp"
#include "potential/deep/fitting_fold.hpp"
#include "potential/deep/prepared_model.hpp"
#include "potential/deep/sel_overflow_report.hpp"
#include "potential/element_contacts.hpp"
#include "potential/nn/energy_net.hpp"
#include "potential/potential.hpp"

namespace md {

class DeepPotential final : public Potential {
 public:
  /// `run_type_names[t]` names the run's internal type t; each must be in the model's type_map
  /// (md::model_error otherwise, listing the model's types). fparam/aparam in `options` must
  /// match the model's numb_fparam/numb_aparam (md::config_error otherwise).
  DeepPotential(DeepModel model, DeepPotentialOptions options,
                const std::vector<std::string>& run_type_names);
  // The descriptor stage keeps a reference to prepared_.
  DeepPotential(const DeepPotential&) = delete;
  DeepPotential& operator=(const DeepPotential&) = delete;

  std::string name() const override {
    return prepared_.tables ? "deepmd/compressed" : "deepmd";
  }
  double cutoff() const override { return prepared_.model.rcut; }
  NeighborKind neighbor_kind() const override { return NeighborKind::kFull; }
  double natural_distance(int a, int b) const override { return contacts_.distance(a, b); }
  std::string natural_distance_basis() const override { return ElementContacts::basis(); }
  void compute(const AtomsView& atoms, const NeighborView& neighbors, const ComputeRequest& request,
               ForceOutput& out) override;

  /// Evaluates every model of `models` on the same atoms and list, each into its own output
  /// (outs[m], the compute() contract), formatting the neighbour list and computing the raw
  /// environment rows once for all: they must share them (shares_environment_with the first;
  /// internal Error otherwise). A committee trained on one data set with one descriptor setting
  /// (DP-GEN's) does. compute() is this with one model.
  static void compute_together(const std::vector<DeepPotential*>& models, const AtomsView& atoms,
                               const NeighborView& neighbors, const ComputeRequest& request,
                               const std::vector<ForceOutput*>& outs);
  /// True when `other` formats its neighbours and computes its raw environment rows exactly as
  /// this model does: the same types, rcut, rcut_smth, env_protection, sel, exclusions, slot
  /// order and chunking (the statistics davg/dstd may differ: each model normalises the shared
  /// rows itself).
  bool shares_environment_with(const DeepPotential& other) const;

  /// The se_e2_a descriptor of every local atom: `out` becomes [n_local][ng·M2]. For tests
  /// (DeePMD-kit's test case pins it) and diagnostics.
  void compute_descriptors(const AtomsView& atoms, const NeighborView& neighbors,
                           std::vector<double>& out);

  /// Evaluates padded slots one by one and assigns slots in DeePMD-kit's sorted order even when
  /// davg/dstd are uniform per type block (the general path). Results agree with the default
  /// path to rounding; tests use it to check one path against the other.
  void use_explicit_statistics();

  const DeepModel& model() const { return prepared_.model; }
  /// The fitting net's extra inputs after the descriptor: normalised fparam, aparam and case
  /// embedding.
  const std::vector<double>& fitting_extra() const { return prepared_.fitting_extra; }
  /// [T] the fitting net's output at a zero descriptor, subtracted per type (0 where not removed).
  const std::vector<double>& vacuum_energy() const { return prepared_.vacuum_energy; }
  /// How many sel-overflow warnings have been logged (at most one per neighbour-list build).
  std::uint64_t sel_overflow_warnings() const { return overflow_report_.warnings(); }
  /// True when davg/dstd are uniform per (centre type, neighbour-type block) and the constant
  /// padded-slot shortcut is in use.
  bool uses_uniform_statistics() const { return prepared_.padding.uniform; }

 private:
  /// format_nlist and the environment matrix of one chunk, into chunk_.
  void format_chunk(const AtomsView& atoms, const NeighborView& neighbors, int begin,
                    int n_centers, bool skip_excluded);
  /// The descriptor stage forward of a formatted chunk (into descriptor_).
  void forward_descriptor(deep::ChunkPairs& pairs, int n_centers);
  /// Fitting forward and backward for the chunk's centres, one batch per fitting net: writes
  /// atom_energy_ (eV, biases included; 0 for skipped centres) and grad_descriptor_ (∂E_i/∂D_i).
  void fit_chunk(const deep::ChunkPairs& pairs, int n_centers);
  /// Zeroes `out`'s arrays and this model's energy and virial sums.
  void start_outputs(const AtomsView& atoms, const ComputeRequest& request, ForceOutput& out);
  /// This model on a formatted chunk (possibly another model's: compute_together): descriptor,
  /// fitting, backward, forces and virials ACCUMULATED into `out` and the sums.
  void evaluate_chunk(deep::ChunkPairs& pairs, int n_centers, const ComputeRequest& request,
                      ForceOutput& out);
  /// Energy and virial from the sums into `out`.
  void finish_outputs(const ComputeRequest& request, ForceOutput& out) const;

  deep::PreparedDeepModel prepared_;
  /// The fitting nets with their first layer on the folded descriptor (fitting_fold.hpp).
  deep::FittingFold fold_;
  std::vector<DenseNet> fitting_nets_;
  DeepPotentialOptions options_;
  ElementContacts contacts_;
  std::unique_ptr<deep::DescriptorStageCpu> descriptor_stage_;
  deep::SelOverflowReport overflow_report_;

  // Workspaces (grow-only).
  std::vector<int> model_types_;  ///< [n_all]
  deep::ChunkPairs chunk_;
  deep::FormatNlistWorkspace format_ws_;
  nn::EnergyNetWorkspace fitting_ws_;
  std::vector<double> descriptor_;       ///< [chunk][ng·M2]
  std::vector<double> grad_descriptor_;  ///< [chunk][ng·M2]
  std::vector<double> fit_input_;        ///< [rows][fitting input]
  std::vector<double> fit_grad_;         ///< [rows][fitting input]
  std::vector<double> fit_energy_;       ///< [rows]
  std::vector<int> fit_rows_;            ///< [rows] chunk-local centre of each fitting row
  std::vector<double> atom_energy_;      ///< [chunk]
  CompensatedSum energy_sum_;            ///< this evaluation's energy so far
  double virial_sum_[9] = {};            ///< this evaluation's virial so far
};

}  // namespace md
