// SPDX-License-Identifier: MIT
/// \file
/// CPU implementation of env_mat (contract in env_mat.hpp): a loop over the pairs of a group
/// calling the shared per-pair function, then the per-slot normalisation.
#include "potential/deep/env_mat.hpp"

namespace md::deep {

void env_mat_cpu(const EnvMatArgs& args, PairGroup& group) {
  const auto n = static_cast<std::size_t>(group.n_pairs);
  ensure_size(group.env, 4 * n);
  ensure_size(group.env_deriv, 12 * n);
  for (std::size_t p = 0; p < n; ++p) {
    double row[4];
    env_mat_row(&group.diff[3 * p], args.rcut_smth, args.rcut, args.protection, row,
                &group.env_deriv[12 * p]);
    const std::size_t stat =
        (static_cast<std::size_t>(args.center_type[group.center[p]]) * args.n_nei +
         static_cast<std::size_t>(group.slot[p])) *
        4;
    for (int c = 0; c < 4; ++c) {
      group.env[4 * p + c] = (row[c] - args.davg[stat + c]) / args.dstd[stat + c];
    }
  }
}

}  // namespace md::deep
