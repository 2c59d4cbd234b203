// SPDX-License-Identifier: MIT
/// \file
/// Test helper: the ANI tests' systems besides the water box — an open cluster of small molecules
/// that covers all seven ANI-2x elements.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "tests/support/periodic_system.hpp"

namespace md::test {

/// Run types of the molecule cluster, in this order.
inline const std::vector<std::string> kAniClusterTypes = {"H", "C", "N", "O", "S", "F", "Cl"};

struct AniCluster {
  std::vector<double> positions;  ///< [n][3], Å
  std::vector<int> types;         ///< [n] indices into kAniClusterTypes
  std::array<double, 9> cell;     ///< a 30 Å box, far larger than the cluster (open boundaries)
};

/// CH3SH, CH2FCl and NH2OH a few Å apart, slightly distorted: every element, several angular
/// neighbours of each kind.
inline AniCluster ani_molecule_cluster() {
  const double xyz[][4] = {
      // type, x, y, z (Å)
      {1, 0.00, 0.00, 0.00},   {4, 1.82, 0.05, -0.02},   {0, -0.37, 1.03, 0.02},
      {0, -0.35, -0.50, 0.90}, {0, -0.38, -0.53, -0.87}, {0, 2.10, -1.28, 0.08},
      {1, 0.20, 3.10, 1.40},   {5, 1.55, 3.05, 1.45},    {6, -0.70, 4.60, 1.30},
      {0, -0.18, 2.60, 2.35},  {0, -0.12, 2.58, 0.45},   {2, 3.30, 1.90, -1.20},
      {3, 4.70, 1.95, -1.05},  {0, 3.05, 1.55, -2.15},   {0, 2.95, 2.88, -1.10},
      {0, 5.02, 1.30, -1.70}};
  AniCluster a{{}, {}, orthorhombic_cell(30.0, 30.0, 30.0)};
  for (const auto& row : xyz) {
    a.types.push_back(static_cast<int>(row[0]));
    a.positions.insert(a.positions.end(), {row[1], row[2], row[3]});
  }
  return a;
}

}  // namespace md::test
