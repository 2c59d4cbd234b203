// SPDX-License-Identifier: MIT
#include "engine/model_deviation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "engine/distribute.hpp"
#include "engine/simulation.hpp"

namespace md {

ModelDeviation::ModelDeviation(ModelDeviationSettings settings, int n_models)
    : settings_(std::move(settings)),
      n_models_(n_models),
      forces_(static_cast<std::size_t>(n_models)),
      virials_(static_cast<std::size_t>(n_models)),
      stacked_(3 * static_cast<std::size_t>(n_models)) {
  if (n_models < 2) throw internal_error("a model deviation needs at least two models");
}

ModelDeviationRecord ModelDeviation::measure(std::int64_t step, const Communicator& comm,
                                             const std::vector<std::int64_t>& ids, int n_local,
                                             std::int64_t n_atoms, bool atomic) {
  const auto n = static_cast<std::size_t>(n_local);
  for (const auto& forces : forces_) {
    if (forces.size() < 3 * n) throw internal_error("model deviation: a member has no forces");
  }
  const double relative = settings_.relative.value_or(-1.0);
  double mean[9];

  // Forces: σ_i per owned atom, then max, min and the sum over all atoms.
  sigma_.resize(n);
  double local_max = 0.0;
  double local_min = std::numeric_limits<double>::infinity();
  double local_sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    for (int m = 0; m < n_models_; ++m) {
      std::copy_n(&forces_[static_cast<std::size_t>(m)][3 * i], 3, &stacked_[3 * m]);
    }
    const double s = deviation::spread(stacked_.data(), n_models_, 3, 3, mean, relative);
    sigma_[i] = s;
    local_max = std::max(local_max, s);
    local_min = std::min(local_min, s);
    local_sum += s;
  }
  ModelDeviationRecord record;
  record.step = step;
  record.max_devi_f = comm.max(local_max);
  record.min_devi_f = comm.min(local_min);
  record.avg_devi_f = comm.sum(local_sum) / static_cast<double>(n_atoms);

  // Virials: each member's total over ranks, per atom, then the spread of each component.
  std::vector<double> per_atom(9 * static_cast<std::size_t>(n_models_));
  for (int m = 0; m < n_models_; ++m) {
    std::copy(virials_[m].begin(), virials_[m].end(), &per_atom[9 * m]);
  }
  comm.sum(Span<double>(per_atom));
  for (double& v : per_atom) v /= static_cast<double>(n_atoms);
  const double relative_v = settings_.relative_v.value_or(-1.0);
  double sum_sq = 0.0;
  record.max_devi_v = 0.0;
  record.min_devi_v = std::numeric_limits<double>::infinity();
  for (int c = 0; c < 9; ++c) {
    const double s = deviation::spread(&per_atom[c], n_models_, 9, 1, mean, relative_v);
    record.max_devi_v = std::max(record.max_devi_v, s);
    record.min_devi_v = std::min(record.min_devi_v, s);
    sum_sq += s * s;
  }
  record.avg_devi_v = std::sqrt(sum_sq / 9.0);

  if (settings_.atomic || atomic) record.atom_devi_f = gather_by_id(comm, ids, n_local, sigma_.data(), 1);
  return record;
}

void ModelDeviationObserver::on_step(const Simulation& simulation) {
  const ModelDeviationRecord* record = simulation.model_deviation_record();
  if (record == nullptr || !writer_) return;
  writer_->write(*record);
}

}  // namespace md
