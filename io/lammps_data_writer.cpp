// SPDX-License-Identifier: MIT
/// \file
/// LAMMPS data file writer (`write_data` layout, atom style atomic). Numbers are formatted with
/// std::to_chars' shortest round-trip form, so reading the file back gives bitwise-identical
/// doubles (a restart from the final structure continues exactly) while staying as short as
/// `%g` for values such as 11.83. Existing files are backed up, never overwritten.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/format.hpp"
#include "io/lammps_data.hpp"
#include "io/output_path.hpp"

namespace md {

namespace {

/// Appends numbers and words to a string through a small stack buffer (no streams, no locale).
class LineBuilder {
 public:
  explicit LineBuilder(std::string& out) : out_(out) {}

  LineBuilder& number(double v) {
    const auto [end, ec] = std::to_chars(buf_.data(), buf_.data() + buf_.size(), v);
    (void)ec;  // 32 characters hold any double in shortest form
    out_.append(buf_.data(), end);
    return *this;
  }
  LineBuilder& integer(std::int64_t v) {
    const auto [end, ec] = std::to_chars(buf_.data(), buf_.data() + buf_.size(), v);
    (void)ec;
    out_.append(buf_.data(), end);
    return *this;
  }
  LineBuilder& text(const std::string& s) {
    out_ += s;
    return *this;
  }
  LineBuilder& text(const char* s) {
    out_ += s;
    return *this;
  }
  LineBuilder& space() {
    out_ += ' ';
    return *this;
  }
  LineBuilder& end_line() {
    out_ += '\n';
    return *this;
  }

 private:
  std::string& out_;
  std::array<char, 32> buf_{};
};

/// Rejects a structure the engine should never hold; a file written from it would not read back.
void check_consistent(const StructureData& d) {
  const std::size_t n = d.size();
  auto bad = [](const std::string& what) {
    throw internal_error("cannot write LAMMPS data file: " + what);
  };
  if (d.types.size() != n) bad("types has " + std::to_string(d.types.size()) + " entries");
  if (d.positions.size() != 3 * n) bad("positions has " + std::to_string(d.positions.size()));
  if (!d.images.empty() && d.images.size() != 3 * n) {
    bad("images has " + std::to_string(d.images.size()) + " entries");
  }
  if (!d.velocities.empty() && d.velocities.size() != 3 * n) {
    bad("velocities has " + std::to_string(d.velocities.size()) + " entries");
  }
  if (d.n_types < 1) bad("n_types is " + std::to_string(d.n_types));
  const auto n_types = static_cast<std::size_t>(d.n_types);
  if (!d.masses.empty() && d.masses.size() != n_types) {
    bad("masses has " + std::to_string(d.masses.size()) + " entries for " +
        std::to_string(n_types) + " types");
  }
  if (!d.type_labels.empty() && d.type_labels.size() != n_types) {
    bad("type_labels has " + std::to_string(d.type_labels.size()) + " entries for " +
        std::to_string(n_types) + " types");
  }
  for (const std::string& label : d.type_labels) {
    if (label.empty() || label.find_first_of(" \t\r\n#") != std::string::npos) {
      bad("type label '" + label + "' is empty or contains whitespace or '#'");
    }
  }
  for (int dim = 0; dim < 3; ++dim) {
    if (!std::isfinite(d.lo[dim]) || !std::isfinite(d.hi[dim]) || !(d.lo[dim] < d.hi[dim])) {
      bad("box bounds " + format_number(d.lo[dim]) + " " + format_number(d.hi[dim]));
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (d.ids[i] <= 0) bad("atom id " + std::to_string(d.ids[i]) + " is not positive");
    if (d.types[i] < 1 || d.types[i] > d.n_types) {
      bad("atom id " + std::to_string(d.ids[i]) + " has type " + std::to_string(d.types[i]));
    }
  }
  for (const double x : d.positions) {
    if (!std::isfinite(x)) bad("a position is not finite");
  }
  for (const double v : d.velocities) {
    if (!std::isfinite(v)) bad("a velocity is not finite");
  }
}

}  // namespace

std::string format_lammps_data(const StructureData& d) {
  check_consistent(d);
  const std::size_t n = d.size();

  // Atoms by id. Structures read from a file or gathered from ranks are usually sorted already,
  // which is checked first to skip the sort.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto by_id = [&d](std::size_t a, std::size_t b) { return d.ids[a] < d.ids[b]; };
  if (!std::is_sorted(order.begin(), order.end(), by_id)) {
    std::sort(order.begin(), order.end(), by_id);
  }
  for (std::size_t k = 1; k < n; ++k) {
    if (d.ids[order[k]] == d.ids[order[k - 1]]) {
      throw internal_error("cannot write LAMMPS data file: duplicate atom id " +
                           std::to_string(d.ids[order[k]]));
    }
  }

  std::string out;
  out.reserve(1024 + n * (d.velocities.empty() ? 80 : 150));
  LineBuilder w(out);

  // The title is the first line, which every reader skips; it must stay a single line.
  std::string title = d.title.empty() ? "LAMMPS data file written by mdrun" : d.title;
  std::replace(title.begin(), title.end(), '\n', ' ');
  std::replace(title.begin(), title.end(), '\r', ' ');
  w.text(title).end_line().end_line();

  w.integer(static_cast<std::int64_t>(n)).text(" atoms").end_line();
  w.integer(d.n_types).text(" atom types").end_line().end_line();
  static constexpr std::array<const char*, 3> kBoundsKeyword = {" xlo xhi", " ylo yhi", " zlo zhi"};
  for (int dim = 0; dim < 3; ++dim) {
    w.number(d.lo[dim]).space().number(d.hi[dim]).text(kBoundsKeyword[dim]).end_line();
  }
  const bool tilted = d.tilt[0] != 0.0 || d.tilt[1] != 0.0 || d.tilt[2] != 0.0;
  if (d.has_tilt_line || tilted) {
    w.number(d.tilt[0]).space().number(d.tilt[1]).space().number(d.tilt[2]);
    w.text(" xy xz yz").end_line();
  }

  // Labels before Masses and Atoms, as write_data does, so readers may use them there.
  if (!d.type_labels.empty()) {
    w.end_line().text("Atom Type Labels").end_line().end_line();
    for (int t = 1; t <= d.n_types; ++t) {
      w.integer(t).space().text(d.type_labels[static_cast<std::size_t>(t - 1)]).end_line();
    }
  }

  const bool all_masses =
      !d.masses.empty() &&
      std::all_of(d.masses.begin(), d.masses.end(), [](const auto& m) { return m.has_value(); });
  if (all_masses) {
    w.end_line().text("Masses").end_line().end_line();
    for (int t = 1; t <= d.n_types; ++t) {
      w.integer(t).space().number(*d.masses[static_cast<std::size_t>(t - 1)]).end_line();
    }
  }

  w.end_line().text("Atoms # atomic").end_line().end_line();
  for (const std::size_t i : order) {
    const double* x = &d.positions[3 * i];
    w.integer(d.ids[i]).space().integer(d.types[i]);
    w.space().number(x[0]).space().number(x[1]).space().number(x[2]);
    if (d.images.empty()) {
      w.text(" 0 0 0");
    } else {
      const int* image = &d.images[3 * i];
      w.space().integer(image[0]).space().integer(image[1]).space().integer(image[2]);
    }
    w.end_line();
  }

  if (!d.velocities.empty()) {
    w.end_line().text("Velocities").end_line().end_line();
    for (const std::size_t i : order) {
      const double* v = &d.velocities[3 * i];
      w.integer(d.ids[i]).space().number(v[0]).space().number(v[1]).space().number(v[2]);
      w.end_line();
    }
  }
  return out;
}

void write_lammps_data(const std::string& path, const StructureData& data) {
  const std::string contents = format_lammps_data(data);
  const std::string backup = back_up_existing(path);
  if (!backup.empty()) spdlog::info("backed up existing '{}' to '{}'", path, backup);
  write_file_atomically(path, contents);
}

}  // namespace md
