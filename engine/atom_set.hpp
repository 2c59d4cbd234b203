// SPDX-License-Identifier: MIT
/// \file
/// A set of whole atoms (no ghosts) as plain arrays: what a rank owns, what a structure file holds,
/// or what is gathered for output. Moving atoms between ranks moves AtomSet records.
#pragma once

#include <cstdint>
#include <vector>

namespace md {

struct AtomSet {
  std::vector<std::int64_t> ids;  ///< [n] global ids
  std::vector<int> types;         ///< [n] 0-based
  std::vector<double> positions;  ///< [n][3], Å
  std::vector<double> velocities; ///< [n][3], Å/ps
  std::vector<int> images;        ///< [n][3]
  std::size_t size() const { return ids.size(); }
};

}  // namespace md
