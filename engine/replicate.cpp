// SPDX-License-Identifier: MIT
#include "engine/replicate.hpp"

#include <algorithm>
#include <cmath>

namespace md {

Box replicated_box(const Box& base_box, const std::array<int, 3>& counts) {
  Box box = base_box;
  for (int d = 0; d < 3; ++d) box.hi[d] = base_box.lo[d] + counts[d] * base_box.length(d);
  // Edge b is ny·b_base and edge c is nz·c_base (LAMMPS's replicate).
  box.tilt[Box::kXY] = counts[1] * base_box.tilt[Box::kXY];
  box.tilt[Box::kXZ] = counts[2] * base_box.tilt[Box::kXZ];
  box.tilt[Box::kYZ] = counts[2] * base_box.tilt[Box::kYZ];
  return box;
}

AtomSet replicate_owned(const AtomSet& base, const Box& base_box,
                        const std::array<int, 3>& counts, const Domain& domain) {
  // Base positions wrapped into the base cell, so replica r's atoms lie inside replica r's cell.
  std::vector<double> wrapped = base.positions;
  for (std::size_t i = 0; i < base.size(); ++i) {
    int unused_image[3] = {0, 0, 0};
    base_box.wrap(&wrapped[3 * i], unused_image);
  }
  const std::int64_t max_base_id =
      base.ids.empty() ? 0 : *std::max_element(base.ids.begin(), base.ids.end());

  // Only replicas whose cell overlaps this subdomain can contribute (in untilted coordinates,
  // replica i's cell spans [lo + i·L_base, lo + (i + 1)·L_base) along each dimension).
  std::array<int, 3> first{}, last{};
  for (int d = 0; d < 3; ++d) {
    const double length = base_box.length(d);
    first[d] = std::max(0, static_cast<int>(std::floor((domain.sub_lo(d) - base_box.lo[d]) / length)) - 1);
    last[d] = std::min(counts[d] - 1,
                       static_cast<int>(std::floor((domain.sub_hi(d) - base_box.lo[d]) / length)) + 1);
  }
  const Box& box = domain.box();
  AtomSet mine;
  for (int iz = first[2]; iz <= last[2]; ++iz) {
    for (int iy = first[1]; iy <= last[1]; ++iy) {
      for (int ix = first[0]; ix <= last[0]; ++ix) {
        const int replica[3] = {ix, iy, iz};
        const std::int64_t r = (static_cast<std::int64_t>(iz) * counts[1] + iy) * counts[0] + ix;
        double offset[3] = {0.0, 0.0, 0.0};  // ix·a + iy·b + iz·c of the base cell
        for (int d = 0; d < 3; ++d) {
          double edge[3];
          base_box.edge(d, edge);
          for (int c = 0; c < 3; ++c) offset[c] += replica[d] * edge[c];
        }
        for (std::size_t i = 0; i < base.size(); ++i) {
          double x[3];
          for (int c = 0; c < 3; ++c) x[c] = wrapped[3 * i + c] + offset[c];
          int unused_image[3] = {0, 0, 0};
          box.wrap(x, unused_image);  // rounding at the far face (periodic dimensions only)
          bool inside = true;
          for (int d = 0; d < 3 && inside; ++d) inside = domain.coord_of(d, x) == domain.coords()[d];
          if (!inside) continue;
          mine.ids.push_back(base.ids[i] + r * max_base_id);
          mine.types.push_back(base.types[i]);
          mine.positions.insert(mine.positions.end(), x, x + 3);
          for (int c = 0; c < 3; ++c) {
            mine.velocities.push_back(base.velocities.empty() ? 0.0 : base.velocities[3 * i + c]);
            mine.images.push_back(0);
          }
        }
      }
    }
  }
  return mine;
}

}  // namespace md
