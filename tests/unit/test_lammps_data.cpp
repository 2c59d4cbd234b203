// SPDX-License-Identifier: MIT
/// \file
/// LAMMPS data file reader and writer: the DeePMD water example, each supported feature on small
/// hand-written files, bitwise round trips, output backups, and a corpus of malformed files whose
/// first (title) line states the error message they must produce.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/lammps_data.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kStructures = std::string(MD_TEST_DATA_DIR) + "/structures/";
const std::string kWater = std::string(MD_SHARED_DIR) + "/data/water-example/lmp/water.lmp";

/// A fresh directory under the system temp directory, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("md_test_lammps_data_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The structure with atoms (and their per-atom arrays) ordered by id.
md::StructureData sorted_by_id(const md::StructureData& d) {
  std::vector<std::size_t> order(d.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&d](std::size_t a, std::size_t b) { return d.ids[a] < d.ids[b]; });
  md::StructureData s = d;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::size_t i = order[k];
    s.ids[k] = d.ids[i];
    s.types[k] = d.types[i];
    for (std::size_t c = 0; c < 3; ++c) {
      s.positions[3 * k + c] = d.positions[3 * i + c];
      s.images[3 * k + c] = d.images[3 * i + c];
      if (!d.velocities.empty()) s.velocities[3 * k + c] = d.velocities[3 * i + c];
    }
  }
  return s;
}

template <typename T>
bool bitwise_equal(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

/// Read, write, read again: every array must come back bit for bit (after sorting by id, as the
/// writer sorts).
void check_round_trip(const md::StructureData& original) {
  TempDir dir;
  const std::string path = dir.file("round_trip.data");
  md::write_lammps_data(path, original);
  const md::StructureData back = md::read_lammps_data(path, md::AtomStyle::kAtomic);
  const md::StructureData a = sorted_by_id(original);
  CHECK(back.title == a.title);
  CHECK(back.n_types == a.n_types);
  CHECK(std::memcmp(back.lo.data(), a.lo.data(), sizeof(a.lo)) == 0);
  CHECK(std::memcmp(back.hi.data(), a.hi.data(), sizeof(a.hi)) == 0);
  CHECK(std::memcmp(back.tilt.data(), a.tilt.data(), sizeof(a.tilt)) == 0);
  CHECK(back.has_tilt_line == (a.has_tilt_line || a.tilt != std::array<double, 3>{}));
  CHECK(back.ids == a.ids);
  CHECK(back.types == a.types);
  CHECK(bitwise_equal(back.positions, a.positions));
  CHECK(back.images == a.images);
  CHECK(bitwise_equal(back.velocities, a.velocities));
  const bool all_masses =
      std::all_of(a.masses.begin(), a.masses.end(), [](const auto& m) { return m.has_value(); });
  REQUIRE(back.masses.size() == a.masses.size());
  for (std::size_t t = 0; t < a.masses.size(); ++t) {
    if (all_masses) {
      REQUIRE(back.masses[t].has_value());
      CHECK(std::memcmp(&*back.masses[t], &*a.masses[t], sizeof(double)) == 0);
    } else {
      CHECK_FALSE(back.masses[t].has_value());
    }
  }
  CHECK(back.type_labels == a.type_labels);
}

/// The md::Error a read throws; fails the test when the read succeeds.
md::Error read_error(const std::string& path, md::AtomStyle style = md::AtomStyle::kAtomic) {
  try {
    md::read_lammps_data(path, style);
  } catch (const md::Error& e) {
    return e;
  }
  FAIL("reading " << path << " did not throw");
  return md::internal_error("unreachable");
}

}  // namespace

TEST_CASE("LAMMPS data: DeePMD water example", "[io][lammps_data]") {
  const md::StructureData d = md::read_lammps_data(kWater, md::AtomStyle::kAtomic);
  CHECK(d.title == "# LAMMPS data");
  REQUIRE(d.size() == 192);
  CHECK(d.n_types == 2);
  for (int dim = 0; dim < 3; ++dim) {
    CHECK(d.lo[dim] == 0.0);
    CHECK(d.hi[dim] == 12.4447);
  }
  CHECK(d.ids[0] == 1);
  CHECK(d.types[0] == 1);
  CHECK(d.positions[0] == 11.83);
  CHECK(d.positions[1] == 2.56);
  CHECK(d.positions[2] == 2.18);
  CHECK(d.ids[191] == 192);
  CHECK(d.types[191] == 2);
  CHECK(d.positions[3 * 191 + 0] == 1.11);
  CHECK(d.positions[3 * 191 + 1] == 10.09);
  CHECK(d.positions[3 * 191 + 2] == 7.21);
  CHECK(std::count(d.types.begin(), d.types.end(), 1) == 64);
  CHECK(std::count(d.types.begin(), d.types.end(), 2) == 128);
  CHECK(d.images == std::vector<int>(3 * 192, 0));
  CHECK(d.velocities.empty());
  REQUIRE(d.masses.size() == 2);
  CHECK_FALSE(d.masses[0].has_value());
  CHECK(d.type_labels.empty());
}

TEST_CASE("LAMMPS data: atomic style with shuffled ids, images, masses, velocities",
          "[io][lammps_data]") {
  const md::StructureData d =
      md::read_lammps_data(kStructures + "atomic_images_velocities.data", md::AtomStyle::kAtomic);
  CHECK(d.title == "Small atomic system: shuffled ids, image flags, masses, velocities");
  CHECK(d.lo == std::array<double, 3>{-1.5, 0.0, 0.0});
  CHECK(d.hi == std::array<double, 3>{8.5, 10.0, 10.0});
  CHECK(d.ids == std::vector<std::int64_t>{3, 1, 4, 2});  // file order is kept
  CHECK(d.types == std::vector<int>{2, 1, 2, 1});
  CHECK(d.positions ==
        std::vector<double>{1.25, 2.5, 3.75, 0.1, 0.2, 0.3, 9.9, 9.8, 9.7, -1.0, 0.5, 7.125});
  CHECK(d.images == std::vector<int>{0, 0, 0, 1, -1, 0, 0, 0, 2, -3, 0, 1});
  // Velocities are listed in another order; they land on the atom with the same id.
  CHECK(d.velocities == std::vector<double>{0.0, 0.0, 0.0, 1e-3, -2e-3, 3e-3, 0.4, 0.5, 0.6, -0.001,
                                            0.002, -0.003});
  REQUIRE(d.masses.size() == 2);
  CHECK(d.masses[0] == 15.9994);
  CHECK(d.masses[1] == 1.008);
}

TEST_CASE("LAMMPS data: full style ignores molecule ids and charges", "[io][lammps_data]") {
  const md::StructureData d =
      md::read_lammps_data(kStructures + "full_style.data", md::AtomStyle::kFull);
  REQUIRE(d.size() == 6);
  CHECK(d.types == std::vector<int>{1, 2, 2, 1, 2, 2});
  CHECK(d.positions[3] == 1.8);
  CHECK(d.positions[3 * 5 + 1] == 6.9);
  CHECK(d.images == std::vector<int>(18, 0));
  CHECK(d.masses[0] == 15.9994);

  SECTION("the same file read as atomic names both styles") {
    const md::Error e = read_error(kStructures + "full_style.data", md::AtomStyle::kAtomic);
    CHECK(e.code() == md::ExitCode::kInputFile);
    CHECK_THAT(e.what(), Catch::Contains("atom style full") && Catch::Contains("atomic"));
  }
  SECTION("an atomic file read as full names both styles") {
    const md::Error e =
        read_error(kStructures + "atomic_images_velocities.data", md::AtomStyle::kFull);
    CHECK_THAT(e.what(), Catch::Contains("atom style atomic") && Catch::Contains("full"));
  }
}

TEST_CASE("LAMMPS data: Atom Type Labels in Masses and Atoms", "[io][lammps_data]") {
  const md::StructureData d =
      md::read_lammps_data(kStructures + "type_labels.data", md::AtomStyle::kAtomic);
  CHECK(d.type_labels == std::vector<std::string>{"O", "H"});
  CHECK(d.ids == std::vector<std::int64_t>{10, 11, 12, 20, 21});
  CHECK(d.types == std::vector<int>{1, 2, 2, 1, 2});
  CHECK(d.masses[0] == 15.9994);
  CHECK(d.masses[1] == 1.008);
}

TEST_CASE("LAMMPS data: header order, comments, CRLF, sparse ids", "[io][lammps_data]") {
  TempDir dir;
  const std::string path = dir.file("variants.data");
  write_text(path,
             "title # not a comment\r\n"
             "  0 20 zlo zhi # comment\r\n"
             "1 atom types\r\n"
             "\r\n"
             "0 20 ylo yhi\r\n"
             "3 atoms\r\n"
             "-10 10 xlo xhi\r\n"
             "# a comment line\r\n"
             "Atoms # atomic\r\n"
             "   # the skipped line may hold a comment\r\n"
             "1000000000000 1 1 2 3\r\n"
             "7 1 +4 -5.5e0 .25 # trailing comment\r\n"
             "\r\n"
             "5 1 1e-310 0 0\r\n"
             "\r\n"
             "Velocities\r\n"
             "\r\n"
             "5 1 2 3\r\n"
             "1000000000000 4 5 6\r\n"
             "7 7 8 9");
  const md::StructureData d = md::read_lammps_data(path, md::AtomStyle::kAtomic);
  CHECK(d.title == "title # not a comment");
  CHECK(d.lo == std::array<double, 3>{-10, 0, 0});
  CHECK(d.hi == std::array<double, 3>{10, 20, 20});
  CHECK(d.ids == std::vector<std::int64_t>{1000000000000, 7, 5});
  CHECK(d.positions[3] == 4.0);
  CHECK(d.positions[4] == -5.5);
  CHECK(d.positions[5] == 0.25);
  CHECK(d.positions[6] == 1e-310);  // subnormal values are accepted, not "out of range"
  CHECK(d.velocities == std::vector<double>{4, 5, 6, 7, 8, 9, 1, 2, 3});
  check_round_trip(d);
}

TEST_CASE("LAMMPS data: zero atoms and default box", "[io][lammps_data]") {
  TempDir dir;
  const std::string path = dir.file("empty.data");
  write_text(path, "nothing\n\n0 atoms\n1 atom types\n");
  const md::StructureData d = md::read_lammps_data(path, md::AtomStyle::kAtomic);
  CHECK(d.size() == 0);
  CHECK(d.lo == std::array<double, 3>{-0.5, -0.5, -0.5});
  CHECK(d.hi == std::array<double, 3>{0.5, 0.5, 0.5});
}

TEST_CASE("LAMMPS data: round trips are bitwise identical", "[io][lammps_data]") {
  SECTION("water example") {
    check_round_trip(md::read_lammps_data(kWater, md::AtomStyle::kAtomic));
  }
  SECTION("small files") {
    check_round_trip(md::read_lammps_data(kStructures + "atomic_images_velocities.data",
                                          md::AtomStyle::kAtomic));
    check_round_trip(
        md::read_lammps_data(kStructures + "type_labels.data", md::AtomStyle::kAtomic));
    // Written back as atomic: the ignored full-style columns are gone, the rest is identical.
    check_round_trip(md::read_lammps_data(kStructures + "full_style.data", md::AtomStyle::kFull));
  }
  SECTION("tilted cells") {
    for (const char* name : {"fixture_tilted.data", "water_tilted.data"}) {
      const md::StructureData d = md::read_lammps_data(kStructures + name, md::AtomStyle::kAtomic);
      CHECK(d.has_tilt_line);
      CHECK(d.tilt != std::array<double, 3>{});
      check_round_trip(d);
    }
    // A tilt the reader never saw is still written (a box that became tilted).
    md::StructureData d = md::read_lammps_data(kStructures + "atomic_images_velocities.data",
                                               md::AtomStyle::kAtomic);
    d.has_tilt_line = false;
    d.tilt = {0.25, -1.0 / 3.0, 0.0};
    check_round_trip(d);
  }
  SECTION("random doubles over the whole exponent range") {
    md::StructureData d;
    d.title = "random";
    d.n_types = 3;
    d.lo = {-1.0 / 3.0, std::nextafter(0.0, 1.0), -1e300};
    d.hi = {2.0 / 3.0, 1e-300, 1e300};
    d.masses = {1.0 / 7.0, 15.9994, std::nullopt};
    std::mt19937_64 rng(12345);
    std::uniform_int_distribution<std::uint64_t> bits;
    const std::size_t n = 500;
    for (std::size_t i = 0; i < n; ++i) {
      d.ids.push_back(static_cast<std::int64_t>(n - i) * 3);
      d.types.push_back(static_cast<int>(i % 3) + 1);
      for (int c = 0; c < 6; ++c) {
        double v = 0.0;
        do {
          const std::uint64_t b = bits(rng);
          std::memcpy(&v, &b, sizeof v);
        } while (!std::isfinite(v));
        (c < 3 ? d.positions : d.velocities).push_back(v);
      }
      d.images.insert(d.images.end(), {static_cast<int>(i) - 250, 0, -1});
    }
    d.positions[0] = -0.0;
    d.velocities[0] = std::numeric_limits<double>::denorm_min();
    d.velocities[1] = std::numeric_limits<double>::max();
    check_round_trip(d);
  }
}

TEST_CASE("LAMMPS data: writer layout", "[io][lammps_data]") {
  md::StructureData d;
  d.n_types = 2;
  d.lo = {0, 0, 0};
  d.hi = {10, 10, 10};
  d.ids = {2, 1};
  d.types = {2, 1};
  d.positions = {1.5, 2.5, 3.5, 0.1, 0.2, 0.3};
  d.masses = {15.9994, std::nullopt};
  d.type_labels = {"O", "H"};
  const std::string text = md::format_lammps_data(d);
  CHECK_THAT(text, Catch::StartsWith("LAMMPS data file written by mdrun\n\n2 atoms\n"
                                     "2 atom types\n\n0 10 xlo xhi\n"));
  CHECK_THAT(text, Catch::Contains("\nAtom Type Labels\n\n1 O\n2 H\n"));
  CHECK_THAT(text, !Catch::Contains("Masses"));  // not every mass is known
  CHECK_THAT(text, Catch::EndsWith("\nAtoms # atomic\n\n1 1 0.1 0.2 0.3 0 0 0\n"
                                   "2 2 1.5 2.5 3.5 0 0 0\n"));

  SECTION("inconsistent structures are refused as internal errors") {
    md::StructureData bad = d;
    bad.ids = {1, 1};
    try {
      md::format_lammps_data(bad);
      FAIL("duplicate ids were written");
    } catch (const md::Error& e) {
      CHECK(e.code() == md::ExitCode::kInternal);
      CHECK_THAT(e.what(), Catch::Contains("duplicate atom id 1"));
    }
    bad = d;
    bad.positions.pop_back();
    CHECK_THROWS_AS(md::format_lammps_data(bad), md::Error);
    bad = d;
    bad.positions[0] = std::nan("");
    CHECK_THROWS_AS(md::format_lammps_data(bad), md::Error);
  }
}

TEST_CASE("LAMMPS data: writer backs up an existing file", "[io][lammps_data]") {
  TempDir dir;
  const std::string path = dir.file("final.data");
  write_text(path, "precious\n");
  md::StructureData d = md::read_lammps_data(kWater, md::AtomStyle::kAtomic);
  md::write_lammps_data(path, d);
  CHECK(read_text(dir.file("#final.data.1#")) == "precious\n");
  CHECK(read_text(path) == md::format_lammps_data(d));
  md::write_lammps_data(path, d);
  CHECK(fs::exists(dir.file("#final.data.2#")));
  CHECK(read_text(dir.file("#final.data.1#")) == "precious\n");
  CHECK_FALSE(fs::exists(path + ".tmp"));
}

TEST_CASE("LAMMPS data: unreadable files", "[io][lammps_data]") {
  TempDir dir;
  SECTION("missing") {
    const md::Error e = read_error(dir.file("missing.data"));
    CHECK(e.code() == md::ExitCode::kInputFile);
    CHECK_THAT(e.what(), Catch::Contains("missing.data") && Catch::Contains("cannot open"));
  }
  SECTION("directory") {
    const md::Error e = read_error(dir.path().string());
    CHECK(e.code() == md::ExitCode::kInputFile);
    CHECK_THAT(e.what(), Catch::Contains("is a directory"));
  }
  SECTION("empty") {
    write_text(dir.file("empty.data"), "");
    const md::Error e = read_error(dir.file("empty.data"));
    CHECK_THAT(e.what(), Catch::Contains("empty.data:1: an empty file"));
  }
  SECTION("binary garbage") {
    write_text(dir.file("binary.data"), std::string(100000, '\x01'));
    const md::Error e = read_error(dir.file("binary.data"));
    CHECK(e.code() == md::ExitCode::kInputFile);
    CHECK_THAT(e.what(), Catch::Contains("line longer than 4096 characters"));
  }
}

TEST_CASE("LAMMPS data: malformed corpus", "[io][lammps_data]") {
  const fs::path corpus = fs::path(MD_TEST_DATA_DIR) / "malformed_data";
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(corpus)) {
    if (entry.path().extension() == ".data") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 10);
  const std::string prefix = "expect-error: ";
  for (const fs::path& file : files) {
    INFO("file: " << file.string());
    std::ifstream in(file);
    std::string title;
    std::getline(in, title);
    REQUIRE(title.rfind(prefix, 0) == 0);
    const std::string expected = title.substr(prefix.size());
    const md::Error e = read_error(file.string());
    CHECK(e.code() == md::ExitCode::kInputFile);
    CHECK_THAT(e.what(), Catch::Contains(file.filename().string()));
    CHECK_THAT(e.what(), Catch::Contains(expected));
  }
}
