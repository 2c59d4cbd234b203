// SPDX-License-Identifier: MIT
/// \file
/// Checkpoint files (io/checkpoint_file): SHA-256 against the FIPS 180-4 test vectors; a state
/// written and read back is identical field by field; the replaced checkpoint is kept as `_prev`;
/// a flipped byte or a truncated file is refused with an I/O error instead of being loaded.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <hdf5.h>
#include <unistd.h>

#include "core/error.hpp"
#include "io/checkpoint_file.hpp"
#include "io/sha256.hpp"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

fs::path scratch_dir(const std::string& tag) {
  const fs::path dir =
      fs::temp_directory_path() / ("md_ckpt_" + tag + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

md::CheckpointState sample_state(std::int64_t step) {
  md::CheckpointState c;
  c.mdrun_version = "mdrun test";
  c.config_fingerprint = "units = metal\nrun.dt_ps = 0.001\n";
  c.config_hash = md::sha256_hex(c.config_fingerprint.data(), c.config_fingerprint.size());
  c.model_hash = "";
  c.step = step;
  c.time_ps = 0.001 * step;
  c.dt_ps = 0.001;
  for (int d = 0; d < 3; ++d) {
    c.box.lo[d] = -1.0 * d;
    c.box.hi[d] = 10.0 + d;
    c.box.periodic[d] = d != 2;
  }
  c.n_ranks = 2;
  c.grid = {2, 1, 1};
  c.type_names = {"O", "H"};
  c.rank_counts = {2, 1};
  c.ids = {7, 3, 5};
  c.types = {0, 1, 1};
  c.positions = {0.1, 0.2, 0.3, 1.1, 1.2, 1.3, 2.1, 2.2, 2.3};
  c.rebuild_positions = {0.0, 0.2, 0.3, 1.0, 1.2, 1.3, 2.0, 2.2, 2.3};
  c.velocities = {-1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 1.0 / 3.0};
  c.images = {0, 1, -1, 2, 0, 0, 0, 0, -3};
  c.integrator_kind = "nose_hoover_chain";
  c.integrator_scalars = {0.1, 0.2, 0.3, -0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
  c.local_heat = {0.25, -0.125};
  c.random_seed = 18446744073709551615ULL;
  return c;
}

void expect_io_error(const std::string& path, const std::string& text) {
  try {
    md::read_checkpoint_file(path);
  } catch (const md::Error& e) {
    CHECK(e.code() == md::ExitCode::kIo);
    CHECK_THAT(std::string(e.what()), Contains(text));
    return;
  }
  FAIL("the damaged checkpoint was accepted");
}

}  // namespace

TEST_CASE("SHA-256 matches the FIPS 180-4 test vectors", "[unit][checkpoint]") {
  CHECK(md::sha256_hex("", 0) ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(md::sha256_hex("abc", 3) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  CHECK(md::sha256_hex(two_blocks.data(), two_blocks.size()) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  const std::string million(1000000, 'a');
  CHECK(md::sha256_hex(million.data(), million.size()) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("checkpoint files round-trip and keep the previous one", "[unit][checkpoint]") {
  const fs::path dir = scratch_dir("roundtrip");
  const std::string path = (dir / "state.h5").string();
  const md::CheckpointState a = sample_state(100);
  md::write_checkpoint_file(path, a, true);
  CHECK_FALSE(fs::exists(path + ".tmp"));
  CHECK_FALSE(fs::exists(md::previous_checkpoint_path(path)));
  const md::CheckpointState b = md::read_checkpoint_file(path);
  CHECK(b.mdrun_version == a.mdrun_version);
  CHECK(b.config_fingerprint == a.config_fingerprint);
  CHECK(b.config_hash == a.config_hash);
  CHECK(b.model_hash == a.model_hash);
  CHECK(b.step == a.step);
  CHECK(b.time_ps == a.time_ps);
  CHECK(b.dt_ps == a.dt_ps);
  for (int d = 0; d < 3; ++d) {
    CHECK(b.box.lo[d] == a.box.lo[d]);
    CHECK(b.box.hi[d] == a.box.hi[d]);
    CHECK(b.box.periodic[d] == a.box.periodic[d]);
    CHECK(b.grid[d] == a.grid[d]);
  }
  CHECK(b.n_ranks == a.n_ranks);
  CHECK(b.type_names == a.type_names);
  CHECK(b.rank_counts == a.rank_counts);
  CHECK(b.ids == a.ids);
  CHECK(b.types == a.types);
  CHECK(b.positions == a.positions);
  CHECK(b.rebuild_positions == a.rebuild_positions);
  CHECK(b.velocities == a.velocities);
  CHECK(b.images == a.images);
  CHECK(b.integrator_kind == a.integrator_kind);
  CHECK(b.integrator_scalars == a.integrator_scalars);
  CHECK(b.local_heat == a.local_heat);
  CHECK(b.random_seed == a.random_seed);

  md::write_checkpoint_file(path, sample_state(200), true);
  CHECK(md::read_checkpoint_file(path).step == 200);
  CHECK(md::read_checkpoint_file(md::previous_checkpoint_path(path)).step == 100);
  CHECK(md::previous_checkpoint_path(path) == (dir / "state_prev.h5").string());
  md::write_checkpoint_file(path, sample_state(300), false);
  CHECK(md::read_checkpoint_file(path).step == 300);
  CHECK(md::read_checkpoint_file(md::previous_checkpoint_path(path)).step == 100);
  fs::remove_all(dir);
}

TEST_CASE("damaged checkpoints are refused", "[unit][checkpoint]") {
  const fs::path dir = scratch_dir("damage");
  const std::string path = (dir / "state.h5").string();
  md::CheckpointState state = sample_state(5);
  // A recognisable velocity whose bytes can be found in the file.
  state.velocities[4] = 123456.78901234567;
  md::write_checkpoint_file(path, state, false);
  std::vector<char> bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const double marker = state.velocities[4];
  const char* marker_bytes = reinterpret_cast<const char*>(&marker);
  const auto at = std::search(bytes.begin(), bytes.end(), marker_bytes, marker_bytes + sizeof marker);
  REQUIRE(at != bytes.end());

  SECTION("one flipped bit in a velocity") {
    std::vector<char> flipped = bytes;
    flipped[at - bytes.begin() + 3] ^= 0x10;
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(flipped.data(), flipped.size());
    expect_io_error(path, "is corrupt: its contents do not match the SHA-256");
  }
  SECTION("cut in half") {
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), bytes.size() / 2);
    expect_io_error(path, "cannot");
  }
  SECTION("a dataset that declares more atoms than the file holds") {
    // Found by fuzz/fuzz_checkpoint*.cpp (docs/fuzzing.md): the reader allocated whatever shape
    // the file declared (here 2^31 x 3 doubles, 48 GiB) before any size check.
    hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    REQUIRE(file >= 0);
    H5Ldelete(file, "atoms/position", H5P_DEFAULT);
    const hsize_t dims[2] = {hsize_t{1} << 31, 3};
    const hsize_t chunk[2] = {1024, 3};
    hid_t space = H5Screate_simple(2, dims, nullptr);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 2, chunk);
    hid_t ds =
        H5Dcreate2(file, "atoms/position", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    REQUIRE(ds >= 0);
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Fclose(file);
    expect_io_error(path,
                    "HDF5 dataset 'position' cannot be read: its shape declares "
                    "51539607552 bytes but the file stores 0");
  }
  SECTION("a dataset in an external file that declares more than this file holds") {
    // The declared size of external storage comes from the file too: a stored size above the
    // file's own size is not believed.
    hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    REQUIRE(file >= 0);
    H5Ldelete(file, "atoms/position", H5P_DEFAULT);
    const hsize_t dims[2] = {hsize_t{1} << 31, 3};
    hid_t space = H5Screate_simple(2, dims, nullptr);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    REQUIRE(H5Pset_external(dcpl, "elsewhere.bin", 0, hsize_t{51539607552}) >= 0);
    hid_t ds = H5Dcreate2(file, "atoms/position", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl,
                          H5P_DEFAULT);
    REQUIRE(ds >= 0);
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Fclose(file);
    expect_io_error(path, "HDF5 dataset 'position' cannot be read: its shape declares "
                          "51539607552 bytes but the file stores ");
  }
  SECTION("a string attribute holding two strings") {
    // H5Aread writes every string of the attribute into the reader's buffer, sized for one
    // (found in review; fuzz/hdf5_builder.hpp builds such attributes since: "count").
    hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    REQUIRE(file >= 0);
    H5Adelete(file, "format");
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, 16);
    const hsize_t two = 2;
    hid_t space = H5Screate_simple(1, &two, nullptr);
    hid_t attr = H5Acreate2(file, "format", type, space, H5P_DEFAULT, H5P_DEFAULT);
    REQUIRE(attr >= 0);
    REQUIRE(H5Awrite(attr, type, "mdrun checkpointmdrun checkpoint") >= 0);
    H5Aclose(attr);
    H5Sclose(space);
    H5Tclose(type);
    H5Fclose(file);
    expect_io_error(path, "HDF5 attribute 'format' holds 2 values (expected one string)");
  }
  SECTION("an attribute whose dataspace claims more values than it stores") {
    // Found by fuzz/fuzz_checkpoint: a damaged dataspace of 'grid' claimed 4.6e18 values, and
    // the reader sized a vector from it (std::length_error).
    expect_io_error(std::string(MD_SOURCE_DIR) +
                        "/fuzz/corpus/checkpoint/regression-grid-attribute-claims-4.6e18-values",
                    "HDF5 attribute 'grid' cannot be read: it declares 4611686018427387907 values "
                    "but stores");
  }
  SECTION("not there, or not HDF5") {
    expect_io_error((dir / "missing.h5").string(), "does not exist");
    std::ofstream(dir / "text.h5") << "not a checkpoint\n";
    expect_io_error((dir / "text.h5").string(), "is not an HDF5 file");
  }
  fs::remove_all(dir);
}
