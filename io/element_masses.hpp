// SPDX-License-Identifier: MIT
/// \file
/// Standard atomic weights (IUPAC 2021 abridged values, amu) by element symbol, so a run whose type
/// names are element symbols (`type_map: [O, H]`) needs no Masses section — DeePMD-kit data files
/// usually have none. Returns nothing for names that are not element symbols.
#pragma once

#include <optional>
#include <string>

namespace md {

std::optional<double> element_mass(const std::string& symbol);

}  // namespace md
