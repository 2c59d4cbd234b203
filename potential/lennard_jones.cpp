// SPDX-License-Identifier: MIT
#include "potential/lennard_jones.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/error.hpp"

namespace md {
namespace {

struct RawPair {
  double epsilon = 0.0;
  double sigma = 0.0;
  double cutoff = 0.0;
};

int type_index(const std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) {
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    throw config_error("potential.pairs: type '" + name + "' is not in the run's type_map [" +
                       known + "]");
  }
  return static_cast<int>(it - names.begin());
}

LennardJonesCoeff make_coeff(const RawPair& p, bool shift_energy) {
  LennardJonesCoeff c;
  const double s6 = std::pow(p.sigma, 6.0);
  const double s12 = s6 * s6;
  c.lj1 = 48.0 * p.epsilon * s12;
  c.lj2 = 24.0 * p.epsilon * s6;
  c.lj3 = 4.0 * p.epsilon * s12;
  c.lj4 = 4.0 * p.epsilon * s6;
  c.cutoff_sq = p.cutoff * p.cutoff;
  if (shift_energy && p.cutoff > 0.0) {
    const double ratio6 = std::pow(p.sigma / p.cutoff, 6.0);
    c.energy_offset = 4.0 * p.epsilon * (ratio6 * ratio6 - ratio6);
  }
  return c;
}

}  // namespace

LennardJones::LennardJones(const LennardJonesSpec& spec,
                           const std::vector<std::string>& type_names)
    : n_types_(static_cast<int>(type_names.size())) {
  std::vector<std::optional<RawPair>> raw(n_types_ * n_types_);
  for (const auto& pair : spec.pairs) {
    const int a = type_index(type_names, pair.type_a);
    const int b = type_index(type_names, pair.type_b);
    const RawPair p{pair.epsilon, pair.sigma, pair.cutoff > 0.0 ? pair.cutoff : spec.cutoff};
    raw[a * n_types_ + b] = p;
    raw[b * n_types_ + a] = p;
  }
  table_.resize(n_types_ * n_types_);
  sigma_.resize(n_types_ * n_types_);
  for (int a = 0; a < n_types_; ++a) {
    for (int b = 0; b < n_types_; ++b) {
      std::optional<RawPair> p = raw[a * n_types_ + b];
      if (!p) {
        const auto& aa = raw[a * n_types_ + a];
        const auto& bb = raw[b * n_types_ + b];
        if (!aa || !bb) {
          throw config_error("potential.pairs: no Lennard-Jones coefficients for the pair " +
                             type_names[a] + "-" + type_names[b] +
                             " and none to mix from (give " + type_names[a] + "-" +
                             type_names[a] + " and " + type_names[b] + "-" + type_names[b] +
                             ", or the pair itself)");
        }
        // LAMMPS `pair_modify mix geometric` (the lj/cut default).
        p = RawPair{std::sqrt(aa->epsilon * bb->epsilon), std::sqrt(aa->sigma * bb->sigma),
                    std::max(aa->cutoff, bb->cutoff)};
      }
      table_[a * n_types_ + b] = make_coeff(*p, spec.shift_energy);
      sigma_[a * n_types_ + b] = p->sigma;
      max_cutoff_ = std::max(max_cutoff_, p->cutoff);
    }
  }
  if (!(max_cutoff_ > 0.0)) throw config_error("potential.cutoff_A: must be > 0");
}

void LennardJones::compute(const AtomsView& atoms, const NeighborView& neighbors,
                           const ComputeRequest& request, ForceOutput& out) {
  if (neighbors.kind != NeighborKind::kHalf) {
    throw internal_error("lj/cut needs a half neighbour list");
  }
  // Energy and virial sums cost about a quarter of the pair loop, so steps without thermo output
  // skip them (as LAMMPS does with eflag/vflag); per-atom tallies are rarer still.
  const bool tally = request.energy || request.virial;
  const bool per_atom = request.atom_energy || request.atom_virial;
  if (per_atom) {
    compute_pairs<true, true>(atoms, neighbors, request, out);
  } else if (tally) {
    compute_pairs<true, false>(atoms, neighbors, request, out);
  } else {
    compute_pairs<false, false>(atoms, neighbors, request, out);
  }
}

template <bool kTally, bool kPerAtom>
void LennardJones::compute_pairs(const AtomsView& atoms, const NeighborView& neighbors,
                                 const ComputeRequest& request, ForceOutput& out) const {
  const double* x = atoms.positions.data();
  double* f = out.forces.data();
  std::fill(out.forces.begin(), out.forces.end(), 0.0);
  if (request.atom_energy) std::fill(out.atom_energies.begin(), out.atom_energies.end(), 0.0);
  if (request.atom_virial) std::fill(out.atom_virials.begin(), out.atom_virials.end(), 0.0);

  double energy = 0.0;
  double w[6] = {0, 0, 0, 0, 0, 0};  // xx yy zz xy xz yz
  for (int i = 0; i < atoms.n_local; ++i) {
    const double xi = x[3 * i], yi = x[3 * i + 1], zi = x[3 * i + 2];
    const LennardJonesCoeff* row = &table_[atoms.types[i] * n_types_];
    double fxi = 0.0, fyi = 0.0, fzi = 0.0;
    for (int k = neighbors.offsets[i]; k < neighbors.offsets[i + 1]; ++k) {
      const int j = neighbors.neighbors[k];
      const double dx = xi - x[3 * j], dy = yi - x[3 * j + 1], dz = zi - x[3 * j + 2];
      const double r_sq = dx * dx + dy * dy + dz * dz;
      const LennardJonesCoeff& c = row[atoms.types[j]];
      if (r_sq >= c.cutoff_sq) continue;
      double force_over_r = 0.0;
      const double e_pair = lennard_jones_pair(c, r_sq, force_over_r);
      fxi += dx * force_over_r;
      fyi += dy * force_over_r;
      fzi += dz * force_over_r;
      f[3 * j] -= dx * force_over_r;
      f[3 * j + 1] -= dy * force_over_r;
      f[3 * j + 2] -= dz * force_over_r;
      if constexpr (kTally) {
        energy += e_pair;
        w[0] += dx * dx * force_over_r;
        w[1] += dy * dy * force_over_r;
        w[2] += dz * dz * force_over_r;
        w[3] += dx * dy * force_over_r;
        w[4] += dx * dz * force_over_r;
        w[5] += dy * dz * force_over_r;
      }
      if constexpr (kPerAtom) {
        if (request.atom_energy) {
          out.atom_energies[i] += 0.5 * e_pair;
          out.atom_energies[j] += 0.5 * e_pair;
        }
        if (request.atom_virial) {
          const double pair_w[9] = {dx * dx, dx * dy, dx * dz, dy * dx, dy * dy,
                                    dy * dz, dz * dx, dz * dy, dz * dz};
          for (int c9 = 0; c9 < 9; ++c9) {
            out.atom_virials[9 * i + c9] += 0.5 * pair_w[c9] * force_over_r;
            out.atom_virials[9 * j + c9] += 0.5 * pair_w[c9] * force_over_r;
          }
        }
      }
    }
    f[3 * i] += fxi;
    f[3 * i + 1] += fyi;
    f[3 * i + 2] += fzi;
  }
  out.energy = request.energy ? energy : 0.0;
  if (request.virial) {
    out.virial = {w[0], w[3], w[4], w[3], w[1], w[5], w[4], w[5], w[2]};
  } else {
    out.virial.fill(0.0);
  }
}

}  // namespace md
