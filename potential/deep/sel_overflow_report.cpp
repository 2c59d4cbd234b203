// SPDX-License-Identifier: MIT
#include "potential/deep/sel_overflow_report.hpp"

#include <spdlog/spdlog.h>

#include <sstream>

#include "core/error.hpp"

namespace md::deep {

void SelOverflowReport::report(const DeepModel& model, const SelOverflow& overflow,
                               std::uint64_t build_count) {
  if (overflow.n_atoms == 0 || !due(build_count)) return;
  std::ostringstream msg;
  msg << "deepmd: " << overflow.n_atoms
      << " local atom(s) have more neighbours within rcut = " << model.rcut
      << " Å than the model's sel allows; worst: local atom " << overflow.worst_atom << " (type "
      << model.type_map[overflow.worst_atom_type] << ") has";
  for (int t = 0; t < model.n_types(); ++t) {
    msg << (t ? "," : "") << " " << overflow.worst_counts[t] << " " << model.type_map[t]
        << " (sel " << model.sel[t] << ")";
  }
  msg << ". Like DeePMD-kit, only the nearest are kept, so the energy is not smooth; the "
         "structure is unphysical or the model's sel is too small";
  if (policy_ == SelOverflowPolicy::kError) throw unstable_error(msg.str());
  spdlog::warn("{}", msg.str());
  last_warning_ = build_count;
  ++warnings_;
}

}  // namespace md::deep
