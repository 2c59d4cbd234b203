// SPDX-License-Identifier: MIT
/// \file
/// CPU implementation of env_mat (contract in env_mat.hpp): a loop over the pairs of a group
/// calling the shared per-pair function; the per-slot normalisation as a second pass.
#include "potential/deep/env_mat.hpp"

namespace md::deep {

void env_mat_cpu(const EnvMatArgs& args, PairGroup& group) {
  const auto n = static_cast<std::size_t>(group.n_pairs);
  ensure_size(group.env_raw, 4 * n);
  ensure_size(group.env_deriv, 12 * n);
  for (std::size_t p = 0; p < n; ++p) {
    env_mat_row(&group.diff[3 * p], args.rcut_smth, args.rcut, args.protection,
                &group.env_raw[4 * p], &group.env_deriv[12 * p]);
  }
}

void env_normalize_cpu(const EnvMatArgs& args, PairGroup& group) {
  const auto n = static_cast<std::size_t>(group.n_pairs);
  ensure_size(group.env, 4 * n);
  for (std::size_t p = 0; p < n; ++p) {
    const std::size_t stat =
        (static_cast<std::size_t>(args.center_type[group.center[p]]) * args.n_nei +
         static_cast<std::size_t>(group.slot[p])) *
        4;
    normalize_env_row(&group.env_raw[4 * p], &args.davg[stat], &args.dstd[stat],
                      &group.env[4 * p]);
  }
}

}  // namespace md::deep
