// SPDX-License-Identifier: MIT
/// \file
/// The natural distance of a pair of run types named by element symbols: the sum of their
/// covalent radii (core/elements.hpp), 0 when either name is not an element. Shared by the
/// potentials whose types are elements (Potential::natural_distance).
#pragma once

#include <string>
#include <vector>

#include "core/elements.hpp"

namespace md {

class ElementContacts {
 public:
  explicit ElementContacts(const std::vector<std::string>& type_names) {
    for (const std::string& name : type_names) radii_.push_back(covalent_radius(name).value_or(0.0));
  }
  double distance(int a, int b) const {
    const double ra = radii_[static_cast<std::size_t>(a)], rb = radii_[static_cast<std::size_t>(b)];
    return ra > 0.0 && rb > 0.0 ? ra + rb : 0.0;
  }
  static std::string basis() { return "the sum of the elements' covalent radii"; }

 private:
  std::vector<double> radii_;
};

}  // namespace md
