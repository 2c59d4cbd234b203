// SPDX-License-Identifier: MIT
/// \file
/// What the ANI evaluators (AniPotential on the CPU, AniPotentialCuda) prepare from a model, the
/// run options and the run's type names, with the same checks and messages for both: the element
/// of each run type, the ensemble members to average, and the AEV constants in the evaluation
/// precision (make_aev_constants).
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "potential/ani/aev.hpp"
#include "potential/ani/ani_model.hpp"
#include "potential/ani/ani_options.hpp"

namespace md::ani {

struct PreparedAniModel {
  AniModel model;
  std::vector<int> members;          ///< the members averaged (indices into model.members)
  std::vector<int> element_of_type;  ///< [run types] model element index
};

/// Throws a model Error naming the run types the model has no network for (and the model's
/// elements), or a model with more ShfA/ShfZ values than kMaxAngularShifts; a config Error for an
/// `ensemble` member that does not exist or is listed twice.
PreparedAniModel prepare_ani_model(AniModel model, const AniOptions& options,
                                   const std::vector<std::string>& run_type_names);

/// The model's AEV constants converted to Real (cos and sin of ShfZ computed in double first).
template <class Real>
AevConstants<Real> make_aev_constants(const AniModel& model) {
  const AniAevParams& p = model.aev;
  AevConstants<Real> c;
  AevView<Real>& v = c.view;
  v.radial_cutoff = static_cast<Real>(p.radial_cutoff);
  v.angular_cutoff = static_cast<Real>(p.angular_cutoff);
  v.n_eta_r = static_cast<int>(p.eta_r.size());
  v.n_shift_r = static_cast<int>(p.shift_r.size());
  v.n_zeta = static_cast<int>(p.zeta.size());
  v.n_shift_z = static_cast<int>(p.shift_z.size());
  v.n_eta_a = static_cast<int>(p.eta_a.size());
  v.n_shift_a = static_cast<int>(p.shift_a.size());
  v.n_elements = model.n_elements();
  v.radial_block = p.radial_block();
  v.angular_block = p.angular_block();
  v.radial_length = v.n_elements * v.radial_block;
  v.aev_length = model.aev_length();
  auto append = [&](const std::vector<double>& values) {
    for (double x : values) c.values.push_back(static_cast<Real>(x));
  };
  append(p.eta_r);
  append(p.shift_r);
  append(p.zeta);
  for (double shift : p.shift_z) c.values.push_back(static_cast<Real>(std::cos(shift)));
  for (double shift : p.shift_z) c.values.push_back(static_cast<Real>(std::sin(shift)));
  append(p.eta_a);
  append(p.shift_a);
  c.view = c.point_at(c.values.data());
  return c;
}

}  // namespace md::ani
