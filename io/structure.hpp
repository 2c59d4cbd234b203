// SPDX-License-Identifier: MIT
/// \file
/// A structure as read from (or written to) a file: global arrays of all atoms, in the order the
/// file lists them. Plain data; the engine distributes it over ranks.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace md {

struct StructureData {
  std::string title;                  ///< first line of a LAMMPS data file
  std::array<double, 3> lo{};         ///< Å
  std::array<double, 3> hi{};         ///< Å
  int n_types = 0;                    ///< number of atom types in the file
  std::vector<std::int64_t> ids;      ///< [n], global atom ids (any order, unique, > 0)
  std::vector<int> types;             ///< [n], 1-based file types
  std::vector<double> positions;      ///< [n][3], Å, as in the file (not wrapped)
  std::vector<int> images;            ///< [n][3], image flags (0 when absent)
  std::vector<double> velocities;     ///< [n][3], Å/ps; empty when the file has none
  std::vector<std::optional<double>> masses;  ///< [n_types], amu, from `Masses` when present
  std::vector<std::string> type_labels;       ///< [n_types] from `Atom Type Labels`; empty if none
  std::array<double, 3> tilt{};       ///< xy, xz, yz tilt factors (Å); all zero when orthogonal
  /// The file has an `xy xz yz` tilt line (possibly all zero). Kept so that a written file keeps
  /// the line when its input had one; a tilted box always writes it.
  bool has_tilt_line = false;

  std::size_t size() const { return ids.size(); }
};

}  // namespace md
