// SPDX-License-Identifier: MIT
/// \file
/// Grow-only workspaces: a buffer sized for the largest step so far, so that a steady-state step
/// allocates nothing.
#pragma once

#include <cstddef>
#include <vector>

namespace md {

/// Grows `v` to at least `n` elements (never shrinks; new elements value-initialised).
template <class T>
void ensure_size(std::vector<T>& v, std::size_t n) {
  if (v.size() < n) v.resize(n);
}

}  // namespace md
