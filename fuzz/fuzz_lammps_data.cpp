// SPDX-License-Identifier: MIT
/// \file
/// libFuzzer harness: the LAMMPS data file reader (md::read_lammps_data, io/lammps_data.hpp).
///
/// The input is the file's bytes, handed to the reader through a scratch file in /dev/shm; it is
/// read with both atom styles (atomic and full). Oracle: the reader returns a consistent structure,
/// or throws md::Error with exit code kInputFile naming the file.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/fuzz_common.hpp"
#include "io/lammps_data.hpp"

namespace {

/// What a successful read promises (io/lammps_data.hpp, io/structure.hpp).
void check_structure(const md::StructureData& s) {
  using md::fuzz::require;
  const std::size_t n = s.ids.size();
  require(s.types.size() == n && s.positions.size() == 3 * n && s.images.size() == 3 * n,
          "per-atom arrays of different lengths");
  require(s.velocities.empty() || s.velocities.size() == 3 * n, "velocities of the wrong length");
  require(s.n_types >= 1 && s.masses.size() == static_cast<std::size_t>(s.n_types),
          "masses not one per type");
  require(s.type_labels.empty() || s.type_labels.size() == static_cast<std::size_t>(s.n_types),
          "type labels not one per type");
  for (int d = 0; d < 3; ++d) {
    require(std::isfinite(s.lo[d]) && std::isfinite(s.hi[d]) && s.lo[d] < s.hi[d],
            "box bounds not finite or not lo < hi");
  }
  for (std::size_t i = 0; i < n; ++i) {
    require(s.ids[i] > 0, "non-positive atom id");
    require(s.types[i] >= 1 && s.types[i] <= s.n_types, "atom type out of range");
  }
  std::vector<std::int64_t> ids = s.ids;
  std::sort(ids.begin(), ids.end());
  require(std::adjacent_find(ids.begin(), ids.end()) == ids.end(), "duplicate atom ids");
  for (double x : s.positions) require(std::isfinite(x), "non-finite position");
  for (double v : s.velocities) require(std::isfinite(v), "non-finite velocity");
  for (const auto& m : s.masses) require(!m || (std::isfinite(*m) && *m > 0.0), "bad mass");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);  // the reader's notes about atom style full
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static md::fuzz::ScratchFile file;
  file.write(data, size);
  for (const md::AtomStyle style : {md::AtomStyle::kAtomic, md::AtomStyle::kFull}) {
    md::StructureData s;
    if (md::fuzz::expect_value_or_error("read_lammps_data", md::ExitCode::kInputFile, {file.path()},
                                        [&] { s = md::read_lammps_data(file.path(), style); })) {
      check_structure(s);
    }
  }
  return 0;
}
