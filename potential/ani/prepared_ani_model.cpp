// SPDX-License-Identifier: MIT
#include "potential/ani/prepared_ani_model.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace md::ani {
namespace {

std::string join(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return "[" + text + "]";
}

}  // namespace

PreparedAniModel prepare_ani_model(AniModel model, const AniOptions& options,
                                   const std::vector<std::string>& run_type_names) {
  PreparedAniModel prepared;
  prepared.model = std::move(model);
  const AniModel& m = prepared.model;
  std::vector<std::string> missing;
  for (const std::string& name : run_type_names) {
    const auto it = std::find(m.elements.begin(), m.elements.end(), name);
    if (it == m.elements.end()) missing.push_back(name);
    prepared.element_of_type.push_back(static_cast<int>(it - m.elements.begin()));
  }
  if (!missing.empty()) {
    throw model_error("the ANI model " + options.model_file + " has no network for the element" +
                      (missing.size() > 1 ? "s " : " ") + join(missing) +
                      " of the structure; its elements are " + join(m.elements));
  }
  if (static_cast<int>(m.aev.shift_a.size()) > kMaxAngularShifts ||
      static_cast<int>(m.aev.shift_z.size()) > kMaxAngularShifts) {
    throw model_error("the ANI model " + options.model_file + " has more than " +
                      std::to_string(kMaxAngularShifts) +
                      " angular shifts (ShfA or ShfZ), more than this evaluator handles");
  }
  const int n_members = static_cast<int>(m.members.size());
  if (options.ensemble.empty()) {
    for (int k = 0; k < n_members; ++k) prepared.members.push_back(k);
    return prepared;
  }
  for (int k : options.ensemble) {
    if (k < 0 || k >= n_members) {
      throw config_error("potential.ensemble: member " + std::to_string(k) +
                         " does not exist; the model " + options.model_file + " has " +
                         std::to_string(n_members) + " member" + (n_members > 1 ? "s" : "") +
                         " (0 to " + std::to_string(n_members - 1) + ")");
    }
    if (std::count(options.ensemble.begin(), options.ensemble.end(), k) > 1) {
      throw config_error("potential.ensemble lists member " + std::to_string(k) + " twice");
    }
    prepared.members.push_back(k);
  }
  return prepared;
}

}  // namespace md::ani
