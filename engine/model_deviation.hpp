// SPDX-License-Identifier: MIT
/// \file
/// The model deviation of a committee (potential/committee.hpp) on one configuration: from every
/// member's forces on this rank's owned atoms (ghost contributions already summed) and every
/// member's virial share, the row of LAMMPS + DeePMD-kit's model_devi.out (core/model_deviation.hpp
/// has the row and the formulas; tests/data/model_devi/README.md the definitions and sources):
///
///   σ_i      = sqrt( (1/M) Σ_m |F_m,i − ⟨F_i⟩|² )                (÷ (|⟨F_i⟩| + L) with relative L)
///   max/min/avg_devi_f = max, min, arithmetic mean of σ_i over all N atoms
///   v_m      = W_m / N   (the virial per atom, each of the 9 components)
///   σ_v,ab   = sqrt( (1/M) Σ_m (v_m,ab − ⟨v_ab⟩)² )              (÷ (|⟨v_ab⟩| + L) with relative_v L)
///   max/min_devi_v = max, min over the 9;  avg_devi_v = sqrt( (1/9) Σ_ab σ_v,ab² )
///
/// The engine part only: the Simulation evaluates the members and hands their forces here;
/// writing the file is the io layer's (io/model_deviation_writer.hpp) through an observer.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "comm/communicator.hpp"
#include "core/model_deviation.hpp"
#include "engine/observer.hpp"

namespace md {

class ModelDeviation {
 public:
  ModelDeviation(ModelDeviationSettings settings, int n_models);

  /// True on the steps that get a row: multiples of `every` (so a restart keeps the cadence).
  bool due(std::int64_t step) const { return settings_.every > 0 && step % settings_.every == 0; }
  int n_models() const { return n_models_; }

  /// Member m's forces on the owned atoms [n_local][3], eV/Å (filled by the caller; each call
  /// of measure() reads them).
  std::vector<double>& member_forces(int m) { return forces_[static_cast<std::size_t>(m)]; }
  /// Member m's virial, this rank's share, W[3a+b] = Σ F_a r_b (eV).
  std::array<double, 9>& member_virial(int m) { return virials_[static_cast<std::size_t>(m)]; }

  /// The row for `step` over all ranks (`n_atoms` in total; `ids` [n_local] name the owned atoms
  /// for the atomic columns, gathered when the settings or `atomic` ask). Identical on every rank
  /// but atom_devi_f, which is on root only. Collective.
  ModelDeviationRecord measure(std::int64_t step, const Communicator& comm,
                               const std::vector<std::int64_t>& ids, int n_local,
                               std::int64_t n_atoms, bool atomic);

 private:
  ModelDeviationSettings settings_;
  int n_models_;
  std::vector<std::vector<double>> forces_;    ///< [M][n_local][3]
  std::vector<std::array<double, 9>> virials_; ///< [M]
  std::vector<double> stacked_;                ///< [M][3] one atom's forces, model by model
  std::vector<double> sigma_;                  ///< [n_local] σ_i
};

class Simulation;

/// Hands each row the Simulation measured (Simulation::model_deviation_record) to `writer`
/// (rank 0 only; null elsewhere). Called after setup and after every step, never after a
/// restore, so a restarted run does not repeat the restart step's row.
class ModelDeviationObserver final : public Observer {
 public:
  explicit ModelDeviationObserver(std::unique_ptr<ModelDeviationWriter> writer)
      : writer_(std::move(writer)) {}
  void on_step(const Simulation& simulation) override;
  bool reads_atoms(std::int64_t) const override { return false; }

 private:
  std::unique_ptr<ModelDeviationWriter> writer_;
};

}  // namespace md
