// SPDX-License-Identifier: MIT
/// \file
/// CPU implementation of prod_force_virial (contract in prod_force_virial.hpp): one loop over the
/// pairs of a group, scattering into forces and virials.
#include "potential/deep/prod_force_virial.hpp"

namespace md::deep {

void prod_force_virial_cpu(const ProdForceVirialArgs& args, const PairGroup& group, double* forces,
                           double* virial, double* atom_virial) {
  double w[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  for (int p = 0; p < group.n_pairs; ++p) {
    const int c = group.center[p];
    const std::size_t stat =
        (static_cast<std::size_t>(args.center_type[c]) * args.n_nei + group.slot[p]) * 4;
    const double* grad_env = &group.grad_env[4 * static_cast<std::size_t>(p)];
    double grad_raw[4];
    for (int k = 0; k < 4; ++k) grad_raw[k] = grad_env[k] / args.dstd[stat + k];
    double g[3];
    pair_force(grad_raw, &group.env_deriv[12 * static_cast<std::size_t>(p)], g);
    const double* d = &group.diff[3 * static_cast<std::size_t>(p)];
    const int i = args.center_begin + c;
    const int j = group.neighbor[p];
    for (int a = 0; a < 3; ++a) {
      forces[3 * i + a] += g[a];
      forces[3 * j + a] -= g[a];
    }
    for (int a = 0; a < 3; ++a) {
      for (int b = 0; b < 3; ++b) w[3 * a + b] -= g[a] * d[b];
    }
    if (atom_virial != nullptr) {
      double* av = atom_virial + 9 * static_cast<std::size_t>(j);
      for (int a = 0; a < 3; ++a) {
        for (int b = 0; b < 3; ++b) av[3 * a + b] -= g[a] * d[b];
      }
    }
  }
  for (int k = 0; k < 9; ++k) virial[k] += w[k];
}

}  // namespace md::deep
