// SPDX-License-Identifier: MIT
/// \file
/// Test helper: a small periodic (or open) system laid out the way the engine hands atoms to a
/// potential — local atoms first, then periodic ghost images — with a full neighbour list in
/// NeighborView's CSR form, and the reverse sum that folds ghost rows back onto their owners.
///
/// It is deliberately independent of the engine's halo and neighbour list (tests of a potential
/// must not depend on the code they would be used to check). The cell may be triclinic (rows of
/// `cell` are the cell vectors), so strain finite differences can shear it; md::Box is only
/// filled for information. Ghosts are the images whose fractional coordinates lie within
/// `cutoff` of the cell (DeePMD-kit's extend_coord_with_ghosts keeps all shifts; the extra ones
/// could never be neighbours). Neighbours are found with a cell list and kept when strictly
/// closer than `cutoff`.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "potential/potential.hpp"

namespace md::test {

/// Local + ghost atoms and a full neighbour list (see the file comment).
struct PeriodicSystem {
  int n_local = 0;
  int n_all = 0;
  std::vector<double> positions;  ///< [n_all][3], Å; local atoms wrapped into the cell
  std::vector<int> types;         ///< [n_all]
  std::vector<int> owner;         ///< [n_all] local atom each entry is an image of
  std::vector<int> offsets;       ///< [n_local + 1]
  std::vector<int> neighbors;     ///< CSR columns, indices into [0, n_all)
  Box box;
  std::uint64_t build_count = 1;

  AtomsView atoms() const {
    AtomsView view;
    view.positions = Span<const double>(positions.data(), positions.size());
    view.types = Span<const int>(types.data(), types.size());
    view.n_local = n_local;
    view.n_all = n_all;
    view.box = box;
    return view;
  }
  NeighborView neighbor_view() const {
    NeighborView view;
    view.kind = NeighborKind::kFull;
    view.offsets = Span<const int>(offsets.data(), offsets.size());
    view.neighbors = Span<const int>(neighbors.data(), neighbors.size());
    view.build_count = build_count;
    return view;
  }
  /// Sums rows of a per-atom array [n_all][width] onto their owners: [n_local][width].
  std::vector<double> fold(const std::vector<double>& per_atom, int width) const {
    std::vector<double> out(static_cast<std::size_t>(n_local) * width, 0.0);
    for (int k = 0; k < n_all; ++k) {
      for (int c = 0; c < width; ++c) {
        out[static_cast<std::size_t>(owner[k]) * width + c] +=
            per_atom[static_cast<std::size_t>(k) * width + c];
      }
    }
    return out;
  }
};

/// Builds the system. `cell` rows are the cell vectors (Å); `periodic[d]` says whether cell
/// vector d is periodic (an open direction gets no images; its cell vector is then unused).
/// `cutoff` is the neighbour-list radius (the potential's cutoff plus any skin).
inline PeriodicSystem make_periodic_system(const std::vector<double>& positions,
                                           const std::vector<int>& types,
                                           const std::array<double, 9>& cell,
                                           const std::array<bool, 3>& periodic, double cutoff) {
  PeriodicSystem sys;
  const int n = static_cast<int>(types.size());
  if (positions.size() != 3 * types.size()) throw std::invalid_argument("positions size");
  sys.n_local = n;
  const auto row = [&](int d) { return &cell[3 * d]; };
  const auto cross = [](const double* a, const double* b, double* out) {
    out[0] = a[1] * b[2] - a[2] * b[1];
    out[1] = a[2] * b[0] - a[0] * b[2];
    out[2] = a[0] * b[1] - a[1] * b[0];
  };
  // Reciprocal vectors (rows of h⁻ᵀ): fractional coordinate s_d = recip_d · r.
  double recip[3][3] = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}};
  double face[3] = {0, 0, 0};  // distance between opposite faces
  const bool any_periodic = periodic[0] || periodic[1] || periodic[2];
  if (any_periodic) {
    double bc[3], ca[3], ab[3];
    cross(row(1), row(2), bc);
    cross(row(2), row(0), ca);
    cross(row(0), row(1), ab);
    const double volume = row(0)[0] * bc[0] + row(0)[1] * bc[1] + row(0)[2] * bc[2];
    const double* normals[3] = {bc, ca, ab};
    for (int d = 0; d < 3; ++d) {
      const double* nd = normals[d];
      const double norm = std::sqrt(nd[0] * nd[0] + nd[1] * nd[1] + nd[2] * nd[2]);
      for (int c = 0; c < 3; ++c) recip[d][c] = nd[c] / volume;
      face[d] = std::fabs(volume) / norm;
    }
  }
  // Local atoms, wrapped into the cell along periodic directions.
  for (int i = 0; i < n; ++i) {
    double r[3] = {positions[3 * i], positions[3 * i + 1], positions[3 * i + 2]};
    for (int d = 0; d < 3; ++d) {
      if (!periodic[d]) continue;
      const double s = recip[d][0] * r[0] + recip[d][1] * r[1] + recip[d][2] * r[2];
      const double shift = std::floor(s);
      for (int c = 0; c < 3; ++c) r[c] -= shift * row(d)[c];
    }
    sys.positions.insert(sys.positions.end(), r, r + 3);
    sys.types.push_back(types[i]);
    sys.owner.push_back(i);
  }
  // Ghost images within `cutoff` of the cell.
  int reach[3] = {0, 0, 0};
  double margin[3] = {0, 0, 0};
  for (int d = 0; d < 3; ++d) {
    if (!periodic[d]) continue;
    reach[d] = static_cast<int>(std::ceil(cutoff / face[d]));
    margin[d] = cutoff / face[d];
  }
  for (int sa = -reach[0]; sa <= reach[0]; ++sa) {
    for (int sb = -reach[1]; sb <= reach[1]; ++sb) {
      for (int sc = -reach[2]; sc <= reach[2]; ++sc) {
        if (sa == 0 && sb == 0 && sc == 0) continue;
        for (int i = 0; i < n; ++i) {
          double r[3];
          for (int c = 0; c < 3; ++c) {
            r[c] = sys.positions[3 * i + c] + sa * row(0)[c] + sb * row(1)[c] + sc * row(2)[c];
          }
          bool inside = true;
          for (int d = 0; d < 3 && inside; ++d) {
            if (!periodic[d]) continue;
            const double s = recip[d][0] * r[0] + recip[d][1] * r[1] + recip[d][2] * r[2];
            inside = s >= -margin[d] && s < 1.0 + margin[d];
          }
          if (!inside) continue;
          sys.positions.insert(sys.positions.end(), r, r + 3);
          sys.types.push_back(types[i]);
          sys.owner.push_back(i);
        }
      }
    }
  }
  sys.n_all = static_cast<int>(sys.types.size());

  // Cell list over the bounding box of all atoms, bins of edge >= cutoff.
  double lo[3], hi[3];
  for (int c = 0; c < 3; ++c) {
    lo[c] = hi[c] = sys.positions[c];
  }
  for (int k = 0; k < sys.n_all; ++k) {
    for (int c = 0; c < 3; ++c) {
      lo[c] = std::min(lo[c], sys.positions[3 * k + c]);
      hi[c] = std::max(hi[c], sys.positions[3 * k + c]);
    }
  }
  int bins[3];
  for (int c = 0; c < 3; ++c) {
    bins[c] = std::max(1, static_cast<int>((hi[c] - lo[c]) / cutoff));
  }
  const auto bin_of = [&](const double* r, int c) {
    const double width = (hi[c] - lo[c]) / bins[c];
    int b = width > 0.0 ? static_cast<int>((r[c] - lo[c]) / width) : 0;
    return std::min(std::max(b, 0), bins[c] - 1);
  };
  const std::size_t n_bins = static_cast<std::size_t>(bins[0]) * bins[1] * bins[2];
  std::vector<int> head(n_bins, -1), next(static_cast<std::size_t>(sys.n_all), -1);
  for (int k = sys.n_all - 1; k >= 0; --k) {
    const double* r = &sys.positions[3 * k];
    const std::size_t b =
        (static_cast<std::size_t>(bin_of(r, 0)) * bins[1] + bin_of(r, 1)) * bins[2] + bin_of(r, 2);
    next[k] = head[b];
    head[b] = k;
  }
  const double cutoff_sq = cutoff * cutoff;
  sys.offsets.push_back(0);
  for (int i = 0; i < n; ++i) {
    const double* ri = &sys.positions[3 * i];
    const int b0 = bin_of(ri, 0), b1 = bin_of(ri, 1), b2 = bin_of(ri, 2);
    for (int x = std::max(0, b0 - 1); x <= std::min(bins[0] - 1, b0 + 1); ++x) {
      for (int y = std::max(0, b1 - 1); y <= std::min(bins[1] - 1, b1 + 1); ++y) {
        for (int z = std::max(0, b2 - 1); z <= std::min(bins[2] - 1, b2 + 1); ++z) {
          const std::size_t b = (static_cast<std::size_t>(x) * bins[1] + y) * bins[2] + z;
          for (int j = head[b]; j >= 0; j = next[j]) {
            if (j == i) continue;
            const double dx = sys.positions[3 * j] - ri[0];
            const double dy = sys.positions[3 * j + 1] - ri[1];
            const double dz = sys.positions[3 * j + 2] - ri[2];
            if (dx * dx + dy * dy + dz * dz < cutoff_sq) sys.neighbors.push_back(j);
          }
        }
      }
    }
    sys.offsets.push_back(static_cast<int>(sys.neighbors.size()));
  }

  for (int d = 0; d < 3; ++d) {
    sys.box.lo[d] = 0.0;
    sys.box.hi[d] = any_periodic ? row(d)[d] : 0.0;
    sys.box.periodic[d] = periodic[d];
  }
  return sys;
}

/// A LAMMPS data file with an orthogonal box and `Atoms # atomic` lines (id type x y z).
struct LammpsData {
  std::vector<double> positions;  ///< [n][3] Å, in file order of the atom ids
  std::vector<int> types;         ///< [n] 0-based (LAMMPS type − 1)
  std::array<double, 3> box{};    ///< edge lengths, Å
};

inline LammpsData read_lammps_data(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  LammpsData data;
  std::string line;
  int n_atoms = 0;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    double lo = 0.0, hi = 0.0;
    std::string a, b;
    if (line.find("atoms") != std::string::npos && line.find("Atoms") == std::string::npos) {
      ls >> n_atoms;
    } else if (line.find("xlo xhi") != std::string::npos) {
      ls >> lo >> hi;
      data.box[0] = hi - lo;
    } else if (line.find("ylo yhi") != std::string::npos) {
      ls >> lo >> hi;
      data.box[1] = hi - lo;
    } else if (line.find("zlo zhi") != std::string::npos) {
      ls >> lo >> hi;
      data.box[2] = hi - lo;
    } else if (line.rfind("Atoms", 0) == 0) {
      break;
    }
  }
  data.positions.assign(3 * static_cast<std::size_t>(n_atoms), 0.0);
  data.types.assign(static_cast<std::size_t>(n_atoms), 0);
  int read = 0;
  while (read < n_atoms && std::getline(in, line)) {
    std::istringstream ls(line);
    int id = 0, type = 0;
    double x = 0.0, y = 0.0, z = 0.0;
    if (!(ls >> id >> type >> x >> y >> z)) continue;
    data.positions[3 * (id - 1)] = x;
    data.positions[3 * (id - 1) + 1] = y;
    data.positions[3 * (id - 1) + 2] = z;
    data.types[id - 1] = type - 1;
    ++read;
  }
  if (read != n_atoms) throw std::runtime_error("short Atoms section in " + path);
  return data;
}

/// The box repeated nx × ny × nz times (copy index slowest, atom index fastest).
inline LammpsData replicate(const LammpsData& base, int nx, int ny, int nz) {
  LammpsData out;
  out.box = {base.box[0] * nx, base.box[1] * ny, base.box[2] * nz};
  const std::size_t n = base.types.size();
  for (int a = 0; a < nx; ++a) {
    for (int b = 0; b < ny; ++b) {
      for (int c = 0; c < nz; ++c) {
        const double shift[3] = {a * base.box[0], b * base.box[1], c * base.box[2]};
        for (std::size_t i = 0; i < n; ++i) {
          for (int d = 0; d < 3; ++d) out.positions.push_back(base.positions[3 * i + d] + shift[d]);
          out.types.push_back(base.types[i]);
        }
      }
    }
  }
  return out;
}

/// Moves every coordinate by a uniform random amount in [−amplitude, amplitude] Å.
inline void perturb(std::vector<double>& positions, double amplitude, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(-amplitude, amplitude);
  for (double& x : positions) x += dist(rng);
}

/// An orthorhombic cell with edges lx, ly, lz (Å).
inline std::array<double, 9> orthorhombic_cell(double lx, double ly, double lz) {
  return {lx, 0.0, 0.0, 0.0, ly, 0.0, 0.0, 0.0, lz};
}

}  // namespace md::test
