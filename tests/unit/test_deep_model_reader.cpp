// SPDX-License-Identifier: MIT
/// \file
/// The `.dp` reader: what it records from good files, and the specific refusal (exit code 4,
/// naming the file and the JSON path or dataset) for each kind of bad file. The bad files are
/// made here from a copy of a committed test model, with the HDF5 C API, so each corruption is
/// written next to the check that expects its message. Also checks scripts/yaml2dp.py: the
/// fixture's .yaml converted by it reads back identical to the fixture's .dp.
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "tests/support/deep_test_util.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

/// A scratch directory removed at the end of the test.
struct ScratchDir {
  fs::path path;
  ScratchDir() {
    path = fs::temp_directory_path() / ("mdrun_deep_reader_" + std::to_string(::getpid()));
    fs::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

const std::string kSource = "one_side_doubled.dp";

/// Copies the source model to `name` in `dir` and returns its path.
std::string copy_model(const ScratchDir& dir, const std::string& name) {
  const fs::path target = dir.path / name;
  fs::copy_file(md::test::deep_test_model(kSource), target, fs::copy_options::overwrite_existing);
  return target.string();
}

json read_json(hid_t file) {
  hid_t attr = H5Aopen(file, "json", H5P_DEFAULT);
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  char* text = nullptr;
  REQUIRE(H5Aread(attr, type, &text) >= 0);
  json j = json::parse(text);
  H5free_memory(text);
  H5Tclose(type);
  H5Aclose(attr);
  return j;
}

void write_json(hid_t file, const json& j) {
  H5Adelete(file, "json");
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t attr = H5Acreate2(file, "json", type, space, H5P_DEFAULT, H5P_DEFAULT);
  const std::string text = j.dump();
  const char* data = text.c_str();
  REQUIRE(H5Awrite(attr, type, &data) >= 0);
  H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
}

/// A copy of the source model with its JSON and/or datasets edited.
std::string edited_model(const ScratchDir& dir, const std::string& name,
                         const std::function<void(hid_t, json&)>& edit) {
  const std::string path = copy_model(dir, name);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(file >= 0);
  json j = read_json(file);
  edit(file, j);
  write_json(file, j);
  H5Fclose(file);
  return path;
}

/// The dataset path of the first embedding net's layer `l` weight.
std::string embedding_weight(const json& j, int l) {
  return j["model"]["descriptor"]["embeddings"]["networks"][0]["layers"][l]["@variables"]["w"];
}

/// Replaces dataset `name` by a chunked float64 dataset of shape `dims` whose chunks are never
/// written: HDF5 reads it as fill values, while the file holds none of its data.
void replace_with_unwritten_dataset(hid_t file, const std::string& name,
                                    const std::vector<hsize_t>& dims) {
  H5Ldelete(file, name.c_str(), H5P_DEFAULT);
  hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  std::vector<hsize_t> chunk(dims.size());
  for (std::size_t k = 0; k < dims.size(); ++k) chunk[k] = std::min<hsize_t>(dims[k], 64);
  H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data());
  hid_t ds = H5Dcreate2(file, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  REQUIRE(ds >= 0);
  H5Dclose(ds);
  H5Pclose(dcpl);
  H5Sclose(space);
}

/// Expects read_deepmd_model to refuse `path` with exit code 4 and all of `parts` in the text.
void expect_refusal(const std::string& path, const std::vector<std::string>& parts) {
  try {
    md::read_deepmd_model(path);
    FAIL("accepted " << path);
  } catch (const md::Error& e) {
    INFO(e.what());
    CHECK(e.code() == md::ExitCode::kModel);
    CHECK_THAT(e.what(), Catch::Contains(path));
    for (const auto& part : parts) CHECK_THAT(e.what(), Catch::Contains(part));
  }
}

}  // namespace

TEST_CASE("deepmd reader: the fixture's contents", "[deepmd][unit]") {
  const md::DeepModel m = md::read_deepmd_model(md::test::deep_fixture_model());
  CHECK(m.type_map == std::vector<std::string>{"O", "H"});
  CHECK(m.rcut == 6.0);
  CHECK(m.rcut_smth == 0.5);
  CHECK(m.sel == std::vector<int>{46, 92});
  CHECK(m.axis_neuron == 2);
  CHECK(m.type_one_side);
  CHECK(m.embedding_nets.size() == 2);
  CHECK(m.embedding_width() == 12);
  CHECK(m.descriptor_dim() == 24);
  CHECK(m.embedding_nets[0].layers[0].residual == md::Residual::kNone);     // 1 → 3
  CHECK(m.embedding_nets[0].layers[1].residual == md::Residual::kDoubled);  // 3 → 6
  CHECK(m.fitting_nets.size() == 2);
  CHECK(m.fitting_nets[0].layers.size() == 4);
  CHECK(m.fitting_nets[0].layers[1].residual == md::Residual::kIdentity);
  CHECK(m.fitting_nets[0].layers[1].timestep.size() == 10);
  CHECK(m.fitting_nets[0].layers[3].activation.kind == md::ActivationKind::kNone);
  CHECK(m.bias_atom_e[0] == Approx(-93.57372029622398));
  CHECK(m.bias_atom_e[1] == Approx(-187.14744059244796));
  CHECK(m.out_bias == std::vector<double>{0.0, 0.0});
  CHECK(m.davg.size() == 2 * 138 * 4);
  CHECK(m.davg[0] == Approx(0.050330).epsilon(1e-4));
  CHECK_FALSE(m.stored_single_precision);
  CHECK(m.descriptor_precision == "float64");
  CHECK(m.software_version == "3.0.0b5.dev48+gd46d5f0b7.d20241025");
}

TEST_CASE("deepmd reader: scripts/yaml2dp.py converts the fixture's .yaml to its .dp",
          "[deepmd][unit]") {
  ScratchDir dir;
  const std::string out = (dir.path / "converted.dp").string();
  const std::string command = "/usr/bin/python3 " + std::string(MD_SOURCE_DIR) +
                              "/scripts/yaml2dp.py " + std::string(MD_SHARED_DIR) +
                              "/data/deepmd/deeppot_sea.yaml " + out;
  REQUIRE(std::system(command.c_str()) == 0);
  const md::DeepModel a = md::read_deepmd_model(out);
  const md::DeepModel b = md::read_deepmd_model(md::test::deep_fixture_model());
  CHECK(a.type_map == b.type_map);
  CHECK(a.sel == b.sel);
  CHECK(a.davg == b.davg);
  CHECK(a.dstd == b.dstd);
  CHECK(a.bias_atom_e == b.bias_atom_e);
  REQUIRE(a.embedding_nets.size() == b.embedding_nets.size());
  for (std::size_t n = 0; n < a.embedding_nets.size(); ++n) {
    for (std::size_t l = 0; l < a.embedding_nets[n].layers.size(); ++l) {
      CHECK(a.embedding_nets[n].layers[l].weight == b.embedding_nets[n].layers[l].weight);
      CHECK(a.embedding_nets[n].layers[l].bias == b.embedding_nets[n].layers[l].bias);
    }
  }
  for (std::size_t n = 0; n < a.fitting_nets.size(); ++n) {
    for (std::size_t l = 0; l < a.fitting_nets[n].layers.size(); ++l) {
      CHECK(a.fitting_nets[n].layers[l].weight == b.fitting_nets[n].layers[l].weight);
      CHECK(a.fitting_nets[n].layers[l].timestep == b.fitting_nets[n].layers[l].timestep);
    }
  }
}

TEST_CASE("deepmd reader: unsupported and malformed models are refused with their reason",
          "[deepmd][unit]") {
  ScratchDir dir;

  SECTION("not a file") { expect_refusal((dir.path / "missing.dp").string(), {"cannot open"}); }
  SECTION("not HDF5") {
    const std::string path = (dir.path / "text.dp").string();
    std::ofstream(path) << "model:\n  type: standard\n";
    expect_refusal(path, {"not an HDF5 file"});
  }
  SECTION("truncated") {
    const std::string path = copy_model(dir, "truncated.dp");
    fs::resize_file(path, fs::file_size(path) / 2);
    expect_refusal(path, {"truncated"});
  }
  SECTION("no json attribute") {
    const std::string path = copy_model(dir, "nojson.dp");
    hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    H5Adelete(file, "json");
    H5Fclose(file);
    expect_refusal(path, {"root attribute 'json' is missing"});
  }
  SECTION("other descriptor") {
    expect_refusal(
        edited_model(dir, "se_r.dp",
                     [](hid_t, json& j) { j["model"]["descriptor"]["type"] = "se_e2_r"; }),
        {"model.descriptor.type", "\"se_e2_r\" is not supported"});
  }
  SECTION("other model type") {
    expect_refusal(edited_model(dir, "zbl.dp", [](hid_t, json& j) { j["model"]["type"] = "zbl"; }),
                   {"model.type", "\"zbl\" is not supported"});
  }
  SECTION("other fitting") {
    expect_refusal(edited_model(dir, "dipole.dp",
                                [](hid_t, json& j) { j["model"]["fitting"]["type"] = "dipole"; }),
                   {"model.fitting.type", "\"dipole\" is not supported"});
  }
  SECTION("newer fitting version") {
    expect_refusal(edited_model(dir, "fitting_v5.dp",
                                [](hid_t, json& j) { j["model"]["fitting"]["@version"] = 5; }),
                   {"model.fitting", "@version 5 of Fitting is newer"});
  }
  SECTION("newer layer version") {
    expect_refusal(
        edited_model(
            dir, "layer_v3.dp",
            [](hid_t, json& j) {
              j["model"]["descriptor"]["embeddings"]["networks"][1]["layers"][2]["@version"] = 3;
            }),
        {"model.descriptor.embeddings.networks[1].layers[2]", "@version 3 of Layer is newer"});
  }
  SECTION("compressed") {
    expect_refusal(edited_model(dir, "compressed.dp",
                                [](hid_t, json& j) {
                                  j["model"]["descriptor"]["@version"] = 3;
                                  j["model"]["descriptor"]["compress"] = {
                                      {"@variables", {{"compress_data", json::array()}}}};
                                }),
                   {"model.descriptor.compress: this is a compressed model (made by `dp compress`)",
                    "give it the uncompressed .dp file and set potential.compress: true"});
    // DeePMD-kit's newest layout: compress_info / compress_data beside the descriptor's keys.
    expect_refusal(edited_model(dir, "compressed_v3.dp",
                                [](hid_t, json& j) {
                                  j["model"]["descriptor"]["@version"] = 3;
                                  j["model"]["descriptor"]["compress_info"] = json::array();
                                  j["model"]["descriptor"]["compress_data"] = json::array();
                                }),
                   {"model.descriptor.compress_info: this is a compressed model",
                    "potential.compress: true"});
  }
  SECTION("min_nbor_dist not a positive distance") {
    // dp compress's record of the training data's closest pair (@variables.min_nbor_dist).
    const std::string path = edited_model(dir, "min_nbor_dist.dp", [](hid_t file, json& j) {
      const double value = -0.5;
      hid_t space = H5Screate(H5S_SCALAR);
      hid_t ds = H5Dcreate2(file, "/min_nbor_dist_test", H5T_IEEE_F64LE, space, H5P_DEFAULT,
                            H5P_DEFAULT, H5P_DEFAULT);
      REQUIRE(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &value) >= 0);
      H5Dclose(ds);
      H5Sclose(space);
      j["@variables"] = {{"min_nbor_dist", "/min_nbor_dist_test"}};
    });
    expect_refusal(path, {"@variables.min_nbor_dist is -0.5", "not a positive distance"});
  }
  SECTION("missing dataset") {
    std::string name;
    const std::string path = edited_model(dir, "missing_dataset.dp", [&](hid_t file, json& j) {
      name = embedding_weight(j, 1);
      H5Ldelete(file, name.c_str(), H5P_DEFAULT);
    });
    expect_refusal(path, {"missing dataset " + name,
                          "model.descriptor.embeddings.networks[0].layers[1].@variables.w"});
  }
  SECTION("wrong shape") {
    std::string name;
    const std::string path = edited_model(dir, "wrong_shape.dp", [&](hid_t file, json& j) {
      name = embedding_weight(j, 2);  // 8 → 16 layer: w is [8, 16]
      H5Ldelete(file, name.c_str(), H5P_DEFAULT);
      const hsize_t dims[2] = {8, 15};
      hid_t space = H5Screate_simple(2, dims, nullptr);
      hid_t ds = H5Dcreate2(file, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT,
                            H5P_DEFAULT);
      std::vector<double> zeros(8 * 15, 0.0);
      H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, zeros.data());
      H5Dclose(ds);
      H5Sclose(space);
    });
    expect_refusal(path, {"dataset " + name, "has shape [8,15], expected [8,16]"});
  }
  // Found by fuzz/fuzz_deepmd_model*.cpp (docs/fuzzing.md): shapes and counts from the file
  // used to size allocations, and 64-bit JSON integers narrowed without a check.
  SECTION("a dataset that declares more data than the file holds") {
    std::string name;
    const std::string path = edited_model(dir, "unwritten.dp", [&](hid_t file, json& j) {
      name = embedding_weight(j, 2);  // 8 → 16 layer: w is [8, 16]
      replace_with_unwritten_dataset(file, name, {8, 16});
    });
    expect_refusal(path, {"dataset " + name, "declares 1024 bytes but the file stores 0"});
  }
  SECTION("a huge declared shape is refused before anything is allocated") {
    std::string name;
    const std::string path = edited_model(dir, "huge_shape.dp", [&](hid_t file, json& j) {
      name = embedding_weight(j, 2);
      replace_with_unwritten_dataset(file, name, {hsize_t{1} << 20, hsize_t{1} << 20});
    });
    expect_refusal(path, {"dataset " + name, "has shape [1048576,1048576], expected [8,16]"});
  }
  SECTION("a json attribute holding two strings") {
    // H5Aread writes one pointer per string: two overran the reader's single char*.
    const std::string path = copy_model(dir, "two_json.dp");
    hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    REQUIRE(file >= 0);
    H5Adelete(file, "json");
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    const hsize_t two = 2;
    hid_t space = H5Screate_simple(1, &two, nullptr);
    hid_t attr = H5Acreate2(file, "json", type, space, H5P_DEFAULT, H5P_DEFAULT);
    const char* texts[2] = {"{}", "{}"};
    REQUIRE(H5Awrite(attr, type, texts) >= 0);
    H5Aclose(attr);
    H5Sclose(space);
    H5Tclose(type);
    H5Fclose(file);
    expect_refusal(path, {"the root attribute 'json' holds 2 values (expected one string)"});
  }
  SECTION("sel whose sum overflows an int") {
    expect_refusal(edited_model(dir, "sel_overflow.dp",
                                [](hid_t, json& j) {
                                  j["model"]["descriptor"]["sel"] = {2147483647, 1};
                                }),
                   {"model.descriptor.sel", "sum of sel 2147483648 is too large"});
  }
  SECTION("an integer beyond 32 bits") {
    // 2^32 + 8 used to be narrowed to the valid axis_neuron 8.
    expect_refusal(edited_model(dir, "axis_2p32.dp",
                                [](hid_t, json& j) {
                                  j["model"]["descriptor"]["axis_neuron"] = 4294967304LL;
                                }),
                   {"model.descriptor.axis_neuron", "integer 4294967304 out of range"});
  }
  SECTION("an absurd number of types") {
    expect_refusal(edited_model(dir, "many_types.dp",
                                [](hid_t, json& j) {
                                  json names = json::array();
                                  for (int t = 0; t < 2000; ++t)
                                    names.push_back("T" + std::to_string(t));
                                  j["model"]["type_map"] = names;
                                }),
                   {"model.type_map", "2000 types, more than the 1024 supported"});
  }
  SECTION("sel of the wrong length") {
    expect_refusal(edited_model(dir, "sel.dp",
                                [](hid_t, json& j) {
                                  j["model"]["descriptor"]["sel"] = {32, 64, 8};
                                }),
                   {"model.descriptor.sel", "expected 2 entries"});
  }
  SECTION("unknown activation") {
    expect_refusal(
        edited_model(
            dir, "swish.dp",
            [](hid_t, json& j) {
              j["model"]["fitting"]["nets"]["networks"][0]["layers"][0]["activation_function"] =
                  "swish";
            }),
        {"model.fitting.nets.networks[0].layers[0].activation_function",
         "unsupported activation function \"swish\""});
  }
  SECTION("missing key") {
    expect_refusal(edited_model(dir, "no_rcut.dp",
                                [](hid_t, json& j) { j["model"]["descriptor"].erase("rcut"); }),
                   {"model.descriptor", "missing key 'rcut'"});
  }
  SECTION("spin") {
    expect_refusal(edited_model(dir, "spin.dp",
                                [](hid_t, json& j) {
                                  j["model"]["descriptor"]["spin"] = {{"use_spin", {true}}};
                                }),
                   {"model.descriptor.spin", "spin models are not supported"});
  }
  SECTION("invalid JSON") {
    const std::string path = copy_model(dir, "bad_json.dp");
    hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    H5Adelete(file, "json");
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5Acreate2(file, "json", type, space, H5P_DEFAULT, H5P_DEFAULT);
    const char* text = "{\"model\": ";
    H5Awrite(attr, type, &text);
    H5Aclose(attr);
    H5Sclose(space);
    H5Tclose(type);
    H5Fclose(file);
    expect_refusal(path, {"not valid JSON"});
  }
}
