// SPDX-License-Identifier: MIT
/// \file
/// The ANI model reader (docs/model-format.md §9): what it reads from the shipped ANI-2x file,
/// checked against the released NeuroChem files themselves (shared/data/ani-2x: the constants,
/// the self energies and raw float32 weights), and the specific refusal (exit code 4, naming the
/// file and the HDF5 object) for each kind of bad file. The bad files are copies of the shipped
/// model altered here with the HDF5 C API, each next to the check that expects its message.
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/ani_model_reader.hpp"

namespace {

namespace fs = std::filesystem;

const std::string kShipped = std::string(MD_SOURCE_DIR) + "/models/ani2x_member0.h5";
const std::string kNeuroChem = std::string(MD_SHARED_DIR) + "/data/ani-2x";
const std::string kMember0 = kNeuroChem + "/ani-2x_8x/train0/networks/";

/// A scratch directory removed at the end of the test.
struct ScratchDir {
  fs::path path;
  ScratchDir() {
    path = fs::temp_directory_path() / ("mdrun_ani_reader_" + std::to_string(::getpid()));
    fs::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

// ---- the released NeuroChem files, read independently of scripts/ani2h5.py ------------------

/// The `.params` entries: "Rcr = 5.1000e+00" and "ShfR = [a,b,...]" as lists of numbers.
std::map<std::string, std::vector<double>> read_params() {
  std::ifstream in(kNeuroChem + "/ani-2x_8x/rHCNOSFCl-5.1R_16-3.5A_a8-4.params");
  REQUIRE(in);
  std::map<std::string, std::vector<double>> out;
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq);
    key.erase(key.find_last_not_of(' ') + 1);
    std::string value = line.substr(eq + 1);
    if (key == "Atyp") continue;
    for (char& c : value) {
      if (c == '[' || c == ']' || c == ',') c = ' ';
    }
    std::istringstream numbers(value);
    double x = 0.0;
    while (numbers >> x) out[key].push_back(x);
  }
  return out;
}

/// `sae_linfit.dat`: "H,0=-0.5978583943827134" per line, in element order.
std::vector<double> read_self_energies() {
  std::ifstream in(kNeuroChem + "/ani-2x_8x/sae_linfit.dat");
  REQUIRE(in);
  std::vector<double> out;
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) out.push_back(std::stod(line.substr(eq + 1)));
  }
  return out;
}

/// Value `index` of a raw little-endian float32 file (`.wparam` / `.bparam`).
double released_float(const std::string& name, std::size_t index) {
  std::ifstream in(kMember0 + name, std::ios::binary);
  REQUIRE(in);
  in.seekg(static_cast<std::streamoff>(4 * index));
  unsigned char bytes[4] = {};
  in.read(reinterpret_cast<char*>(bytes), 4);
  REQUIRE(in.gcount() == 4);
  const std::uint32_t bits = std::uint32_t{bytes[0]} | std::uint32_t{bytes[1]} << 8 |
                             std::uint32_t{bytes[2]} << 16 | std::uint32_t{bytes[3]} << 24;
  float value = 0.0f;
  static_assert(sizeof value == sizeof bits, "float32");
  std::memcpy(&value, &bits, sizeof value);
  return static_cast<double>(value);
}

// ---- altering copies of the shipped file ------------------------------------------------------

/// A copy of the shipped model, named `name` in `dir`, altered by `edit` (given the open file).
std::string edited_model(const ScratchDir& dir, const std::string& name,
                         const std::function<void(hid_t)>& edit) {
  const fs::path target = dir.path / name;
  fs::copy_file(kShipped, target, fs::copy_options::overwrite_existing);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const hid_t file = H5Fopen(target.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(file >= 0);
  edit(file);
  REQUIRE(H5Fclose(file) >= 0);
  return target.string();
}

/// Replaces dataset `path` by a float32 dataset of shape `dims` holding `values` (repeated to
/// fill it), or, when `values` is empty, by a chunked dataset whose chunks are never written:
/// HDF5 would read it as fill values while the file holds none of its data.
void replace_dataset(hid_t file, const std::string& path, const std::vector<hsize_t>& dims,
                     const std::vector<double>& values) {
  REQUIRE(H5Ldelete(file, path.c_str(), H5P_DEFAULT) >= 0);
  const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  if (values.empty()) {
    std::vector<hsize_t> chunk(dims.size());
    for (std::size_t k = 0; k < dims.size(); ++k) chunk[k] = std::min<hsize_t>(dims[k], 64);
    H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data());
  }
  const hid_t ds =
      H5Dcreate2(file, path.c_str(), H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  REQUIRE(ds >= 0);
  if (!values.empty()) {
    hsize_t total = 1;
    for (hsize_t d : dims) total *= d;
    std::vector<double> data(total);
    for (std::size_t k = 0; k < data.size(); ++k) data[k] = values[k % values.size()];
    REQUIRE(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) >= 0);
  }
  H5Dclose(ds);
  H5Pclose(dcpl);
  H5Sclose(space);
}

/// Overwrites element [row, column] of the 2-D dataset `path` with `value`.
void poke(hid_t file, const std::string& path, hsize_t row, hsize_t column, double value) {
  const hid_t ds = H5Dopen2(file, path.c_str(), H5P_DEFAULT);
  REQUIRE(ds >= 0);
  const hid_t space = H5Dget_space(ds);
  const hsize_t start[2] = {row, column};
  const hsize_t count[2] = {1, 1};
  H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr);
  const hid_t memspace = H5Screate_simple(2, count, nullptr);
  REQUIRE(H5Dwrite(ds, H5T_NATIVE_DOUBLE, memspace, space, H5P_DEFAULT, &value) >= 0);
  H5Sclose(memspace);
  H5Sclose(space);
  H5Dclose(ds);
}

/// Sets the variable-length UTF-8 string attribute `name` of object `object` (replacing it).
void set_string_attribute(hid_t file, const std::string& object, const std::string& name,
                          const std::string& value) {
  if (H5Aexists_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT) > 0) {
    REQUIRE(H5Adelete_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT) >= 0);
  }
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attr = H5Acreate_by_name(file, object.c_str(), name.c_str(), type, space, H5P_DEFAULT,
                                       H5P_DEFAULT, H5P_DEFAULT);
  REQUIRE(attr >= 0);
  const char* text = value.c_str();
  REQUIRE(H5Awrite(attr, type, &text) >= 0);
  H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
}

/// Sets the scalar numeric attribute `name` of `object` (replacing it), stored as `file_type`.
template <class T>
void set_number_attribute(hid_t file, const std::string& object, const std::string& name,
                          hid_t file_type, hid_t memory_type, T value) {
  if (H5Aexists_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT) > 0) {
    REQUIRE(H5Adelete_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT) >= 0);
  }
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attr = H5Acreate_by_name(file, object.c_str(), name.c_str(), file_type, space,
                                       H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  REQUIRE(attr >= 0);
  REQUIRE(H5Awrite(attr, memory_type, &value) >= 0);
  H5Aclose(attr);
  H5Sclose(space);
}

/// Replaces /elements by a variable-length UTF-8 string dataset of `names`.
void replace_elements(hid_t file, const std::vector<std::string>& names) {
  REQUIRE(H5Ldelete(file, "/elements", H5P_DEFAULT) >= 0);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  const hsize_t n = names.size();
  const hid_t space = H5Screate_simple(1, &n, nullptr);
  const hid_t ds =
      H5Dcreate2(file, "/elements", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  REQUIRE(ds >= 0);
  std::vector<const char*> texts;
  for (const std::string& name : names) texts.push_back(name.c_str());
  REQUIRE(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data()) >= 0);
  H5Dclose(ds);
  H5Sclose(space);
  H5Tclose(type);
}

/// Expects read_ani_model to refuse `path` with exit code 4 and all of `parts` in the text.
void expect_refusal(const std::string& path, const std::vector<std::string>& parts) {
  try {
    md::read_ani_model(path);
    FAIL("accepted " << path);
  } catch (const md::Error& e) {
    INFO(e.what());
    CHECK(e.code() == md::ExitCode::kModel);
    CHECK_THAT(e.what(), Catch::Contains(path));
    for (const auto& part : parts) CHECK_THAT(e.what(), Catch::Contains(part));
  }
  // Every HDF5 identifier was closed on the way out (a file left open stays open).
  CHECK(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0);
}

void check_same_networks(const std::vector<md::DenseNet>& a, const std::vector<md::DenseNet>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t e = 0; e < a.size(); ++e) {
    REQUIRE(a[e].layers.size() == b[e].layers.size());
    for (std::size_t l = 0; l < a[e].layers.size(); ++l) {
      const md::DenseLayer& x = a[e].layers[l];
      const md::DenseLayer& y = b[e].layers[l];
      CHECK(x.n_in == y.n_in);
      CHECK(x.n_out == y.n_out);
      CHECK(x.weight == y.weight);
      CHECK(x.bias == y.bias);
      CHECK(x.activation.kind == y.activation.kind);
      CHECK(x.activation.alpha == y.activation.alpha);
    }
  }
}

}  // namespace

TEST_CASE("ani reader: the shipped ANI-2x member 0 against the released NeuroChem files",
          "[ani][unit]") {
  const md::AniModel m = md::read_ani_model(kShipped);
  CHECK(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0);
  CHECK(m.elements == std::vector<std::string>{"H", "C", "N", "O", "S", "F", "Cl"});
  CHECK(m.source == "ANI-2x, aiqm/ani-model-zoo 3a3368b resources/ani-2x_8x, members 0");
  CHECK(m.aev.radial_block() == 16);
  CHECK(m.aev.angular_block() == 32);
  CHECK(m.aev_length() == 1008);

  // The constants: the .params text parsed to double here and by the converter, so equal.
  const auto params = read_params();
  CHECK(std::vector<double>{m.aev.radial_cutoff} == params.at("Rcr"));
  CHECK(std::vector<double>{m.aev.angular_cutoff} == params.at("Rca"));
  CHECK(m.aev.eta_r == params.at("EtaR"));
  CHECK(m.aev.shift_r == params.at("ShfR"));
  CHECK(m.aev.zeta == params.at("Zeta"));
  CHECK(m.aev.shift_z == params.at("ShfZ"));
  CHECK(m.aev.eta_a == params.at("EtaA"));
  CHECK(m.aev.shift_a == params.at("ShfA"));
  CHECK(m.aev.radial_cutoff == 5.1);
  CHECK(m.aev.angular_cutoff == 3.5);
  CHECK(m.aev.shift_r.size() == 16);
  CHECK(m.aev.shift_a.size() == 8);
  CHECK(m.aev.shift_z.size() == 4);
  CHECK(m.self_energies == read_self_energies());
  CHECK(m.self_energies[0] == -0.5978583943827134);

  REQUIRE(m.members.size() == 1);
  REQUIRE(m.members[0].size() == 7);
  const md::DenseNet& h = m.members[0][0];
  REQUIRE(h.layers.size() == 4);
  const std::vector<std::pair<int, int>> widths = {{1008, 256}, {256, 192}, {192, 160}, {160, 1}};
  for (std::size_t l = 0; l < 4; ++l) {
    INFO("H layer " << l);
    CHECK(h.layers[l].n_in == widths[l].first);
    CHECK(h.layers[l].n_out == widths[l].second);
    CHECK(h.layers[l].weight.size() ==
          static_cast<std::size_t>(widths[l].first) * static_cast<std::size_t>(widths[l].second));
    CHECK(h.layers[l].bias.size() == static_cast<std::size_t>(widths[l].second));
    CHECK(h.layers[l].timestep.empty());
    CHECK(h.layers[l].residual == md::Residual::kNone);
    if (l < 3) {
      CHECK(h.layers[l].activation.kind == md::ActivationKind::kCelu);
      CHECK(h.layers[l].activation.alpha == 0.1);
    } else {
      CHECK(h.layers[l].activation.kind == md::ActivationKind::kNone);
    }
  }
  // Every element's network chains from the AEV to one output; hidden widths differ (C: 224).
  for (const md::DenseNet& net : m.members[0]) {
    CHECK(net.n_in() == 1008);
    CHECK(net.n_out() == 1);
  }
  CHECK(m.members[0][1].layers[0].n_out == 224);
  CHECK(m.members[0][6].layers[0].n_out == 160);

  // Weights against the raw float32 files: released [out][in], held [in][out]. Layer 2 of the
  // file (l = 1 here) is 256 → 192; (out 5, in 200) and its transpose position differ.
  const std::size_t out = 5, in = 200;
  CHECK(h.layers[1].weight[in * 192 + out] ==
        released_float("ANN-H.nnf-l2.wparam", out * 256 + in));
  CHECK(h.layers[1].weight[in * 192 + out] != h.layers[1].weight[out * 192 + in]);
  CHECK(h.layers[1].bias[7] == released_float("ANN-H.nnf-l2.bparam", 7));
  CHECK(h.layers[3].weight[17] == released_float("ANN-H.nnf-l4.wparam", 17));
  CHECK(h.layers[3].bias[0] == released_float("ANN-H.nnf-l4.bparam", 0));
  const md::DenseLayer& cl = m.members[0][6].layers[0];  // 1008 → 160
  CHECK(cl.weight[1000 * 160 + 159] == released_float("ANN-Cl.nnf-l1.wparam", 159 * 1008 + 1000));
}

TEST_CASE("ani reader: scripts/ani2h5.py --gzip converts to the same model", "[ani][unit]") {
  // Compressed datasets pass the stored-size check and read back identically; a second member
  // comes out as /members/1 with its own weights.
  ScratchDir dir;
  const std::string out = (dir.path / "ani2x_01.h5").string();
  const std::string command = "/usr/bin/python3 " + std::string(MD_SOURCE_DIR) +
                              "/scripts/ani2h5.py " + kNeuroChem + " " + out +
                              " --members 0,1 --gzip > /dev/null";
  REQUIRE(std::system(command.c_str()) == 0);
  const md::AniModel a = md::read_ani_model(out);
  const md::AniModel b = md::read_ani_model(kShipped);
  CHECK(a.elements == b.elements);
  CHECK(a.self_energies == b.self_energies);
  CHECK(a.aev.eta_r == b.aev.eta_r);
  CHECK(a.aev.shift_a == b.aev.shift_a);
  CHECK(a.source == "NeuroChem ani-2x_8x, members 0,1");
  REQUIRE(a.members.size() == 2);
  check_same_networks(a.members[0], b.members[0]);
  CHECK(a.members[1][0].layers[0].weight != b.members[0][0].layers[0].weight);
  // Without --force an existing file is kept.
  CHECK(std::system((command + " 2>&1").c_str()) != 0);
}

TEST_CASE("ani reader: malformed models are refused with the object and the reason",
          "[ani][unit]") {
  ScratchDir dir;

  SECTION("not a file") { expect_refusal((dir.path / "missing.h5").string(), {"cannot open"}); }
  SECTION("not HDF5") {
    const std::string path = (dir.path / "text.h5").string();
    std::ofstream(path) << "1121=\n";
    expect_refusal(path, {"not an HDF5 file", "scripts/ani2h5.py"});
  }
  SECTION("truncated") {
    const std::string path = (dir.path / "truncated.h5").string();
    fs::copy_file(kShipped, path);
    fs::resize_file(path, fs::file_size(path) / 2);
    expect_refusal(path, {"truncated"});
  }
  SECTION("another HDF5 file (a DeePMD-kit model)") {
    expect_refusal(
        edited_model(dir, "no_format.h5", [](hid_t file) { H5Adelete(file, "format"); }),
        {"/ (attribute 'format'): is missing", "not an mdrun ANI model", "scripts/ani2h5.py"});
  }
  SECTION("wrong format attribute") {
    expect_refusal(
        edited_model(dir, "format.h5",
                     [](hid_t file) { set_string_attribute(file, "/", "format", "mdrun-dp"); }),
        {"/ (attribute 'format'): is \"mdrun-dp\", not \"mdrun-ani\"", "not an mdrun ANI model",
         "scripts/ani2h5.py"});
  }
  SECTION("newer format version") {
    expect_refusal(edited_model(dir, "version.h5",
                                [](hid_t file) {
                                  set_number_attribute<std::int64_t>(file, "/", "format_version",
                                                                     H5T_STD_I64LE,
                                                                     H5T_NATIVE_INT64, 2);
                                }),
                   {"/ (attribute 'format_version')", "version 2 is newer than this reader"});
  }
  SECTION("format version not an integer") {
    expect_refusal(edited_model(dir, "version_float.h5",
                                [](hid_t file) {
                                  set_number_attribute<double>(file, "/", "format_version",
                                                               H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                                               1.0);
                                }),
                   {"/ (attribute 'format_version'): is not an integer"});
  }
  SECTION("an element listed twice") {
    expect_refusal(edited_model(dir, "elements.h5",
                                [](hid_t file) {
                                  replace_elements(file, {"H", "C", "N", "O", "S", "F", "H"});
                                }),
                   {"/elements: element \"H\" appears twice"});
  }
  SECTION("an empty element name") {
    expect_refusal(edited_model(dir, "element_empty.h5",
                                [](hid_t file) {
                                  replace_elements(file, {"H", "C", "N", "O", "", "F", "Cl"});
                                }),
                   {"/elements: entry 4 is an empty string"});
  }
  SECTION("self energies of the wrong length") {
    expect_refusal(
        edited_model(dir, "sae.h5",
                     [](hid_t file) { replace_dataset(file, "/self_energies", {6}, {-1.0}); }),
        {"/self_energies: shape [6] but /elements lists 7 elements"});
  }
  SECTION("a non-positive eta") {
    expect_refusal(
        edited_model(dir, "eta.h5",
                     [](hid_t file) { replace_dataset(file, "/aev/eta_r", {1}, {-19.7}); }),
        {"/aev/eta_r: value 0 is -19.7 (expected > 0)"});
  }
  SECTION("a zero cutoff") {
    expect_refusal(
        edited_model(dir, "cutoff.h5",
                     [](hid_t file) { replace_dataset(file, "/aev/angular_cutoff", {1}, {0.0}); }),
        {"/aev/angular_cutoff: is 0 (expected a cutoff > 0"});
  }
  SECTION("a member without one of the elements") {
    expect_refusal(edited_model(dir, "no_S.h5",
                                [](hid_t file) {
                                  REQUIRE(H5Ldelete(file, "/members/0/S", H5P_DEFAULT) >= 0);
                                }),
                   {"/members/0/S: is missing", "one network per element"});
  }
  SECTION("a member with a group that is not an element") {
    expect_refusal(edited_model(dir, "extra.h5",
                                [](hid_t file) {
                                  REQUIRE(H5Lcopy(file, "/members/0/F", file, "/members/0/Br",
                                                  H5P_DEFAULT, H5P_DEFAULT) >= 0);
                                }),
                   {"/members/0/Br: is not an element of /elements [H, C, N, O, S, F, Cl]"});
  }
  SECTION("members not numbered from 0") {
    expect_refusal(edited_model(dir, "member1.h5",
                                [](hid_t file) {
                                  REQUIRE(H5Lmove(file, "/members/0", file, "/members/1",
                                                  H5P_DEFAULT, H5P_DEFAULT) >= 0);
                                }),
                   {"/members/1: unexpected entry (/members holds 1 entry, which must be the "
                    "members 0 to 0)"});
  }
  SECTION("no member") {
    expect_refusal(
        edited_model(dir, "member_none.h5",
                     [](hid_t file) { REQUIRE(H5Ldelete(file, "/members/0", H5P_DEFAULT) >= 0); }),
        {"/members: holds no member"});
  }
  SECTION("layers not consecutive") {
    expect_refusal(
        edited_model(dir, "layer_gap.h5",
                     [](hid_t file) {
                       REQUIRE(H5Lmove(file, "/members/0/N/layer_3", file, "/members/0/N/layer_4",
                                       H5P_DEFAULT, H5P_DEFAULT) >= 0);
                     }),
        {"/members/0/N/layer_4: unexpected entry (/members/0/N holds 4 entries, which must be the "
         "layers layer_0 to layer_3)"});
  }
  SECTION("a layer whose input width is not the previous layer's output width") {
    expect_refusal(
        edited_model(dir, "shape.h5",
                     [](hid_t file) {
                       replace_dataset(file, "/members/0/H/layer_1/weight", {192, 255}, {0.01});
                     }),
        {"/members/0/H/layer_1/weight: shape [192, 255] but layer_0 has 256 outputs"});
  }
  SECTION("a first layer whose input width is not the AEV length") {
    expect_refusal(
        edited_model(dir, "shape_aev.h5",
                     [](hid_t file) {
                       replace_dataset(file, "/members/0/C/layer_0/weight", {224, 1000}, {0.01});
                     }),
        {"/members/0/C/layer_0/weight: shape [224, 1000] but the AEV has 1008 values",
         "7 elements x 16 radial + 28 element pairs x 32 angular"});
  }
  SECTION("a last layer with two outputs") {
    expect_refusal(
        edited_model(dir, "two_outputs.h5",
                     [](hid_t file) {
                       replace_dataset(file, "/members/0/O/layer_3/weight", {2, 128}, {0.01});
                       replace_dataset(file, "/members/0/O/layer_3/bias", {2}, {0.0});
                     }),
        {"/members/0/O/layer_3/weight: shape [2, 128] but the last layer must have 1 "
         "output"});
  }
  SECTION("a bias of the wrong length") {
    expect_refusal(edited_model(dir, "bias.h5",
                                [](hid_t file) {
                                  replace_dataset(file, "/members/0/H/layer_2/bias", {159}, {0.0});
                                }),
                   {"/members/0/H/layer_2/bias: shape [159] but the layer has 160 outputs"});
  }
  SECTION("a NaN weight") {
    expect_refusal(edited_model(dir, "nan.h5",
                                [](hid_t file) {
                                  poke(file, "/members/0/C/layer_2/weight", 3, 7,
                                       std::numeric_limits<double>::quiet_NaN());
                                }),
                   {"/members/0/C/layer_2/weight: holds a non-finite value (nan at [3, 7])"});
  }
  SECTION("an unknown activation") {
    expect_refusal(edited_model(dir, "relu.h5",
                                [](hid_t file) {
                                  set_string_attribute(file, "/members/0/N/layer_0", "activation",
                                                       "relu");
                                }),
                   {"/members/0/N/layer_0 (attribute 'activation'): unknown activation \"relu\""});
  }
  SECTION("a CELU without its alpha") {
    expect_refusal(edited_model(dir, "no_alpha.h5",
                                [](hid_t file) {
                                  REQUIRE(H5Adelete_by_name(file, "/members/0/S/layer_1",
                                                            "celu_alpha", H5P_DEFAULT) >= 0);
                                }),
                   {"/members/0/S/layer_1 (attribute 'celu_alpha'): is missing"});
  }
  SECTION("a negative CELU alpha") {
    expect_refusal(edited_model(dir, "alpha.h5",
                                [](hid_t file) {
                                  set_number_attribute<double>(file, "/members/0/S/layer_1",
                                                               "celu_alpha", H5T_IEEE_F64LE,
                                                               H5T_NATIVE_DOUBLE, -0.1);
                                }),
                   {"/members/0/S/layer_1 (attribute 'celu_alpha'): is -0.1"});
  }
  // The file's declared shapes must not size allocations the file cannot fill
  // (docs/fuzzing.md): checked before memory is allocated.
  SECTION("a weight declared but never written") {
    expect_refusal(
        edited_model(dir, "unwritten.h5",
                     [](hid_t file) {
                       replace_dataset(file, "/members/0/O/layer_0/weight", {192, 1008}, {});
                     }),
        {"/members/0/O/layer_0/weight: cannot be read",
         "declares 774144 bytes but the file stores 0"});
  }
  SECTION("an oversized declared shape") {
    // No other dataset limits the AEV arrays' lengths: 2^40 values in a file of a few MB.
    expect_refusal(edited_model(dir, "huge.h5",
                                [](hid_t file) {
                                  replace_dataset(file, "/aev/shift_r", {hsize_t{1} << 40}, {});
                                }),
                   {"/aev/shift_r: cannot be read", "declares 4398046511104 bytes"});
  }
  SECTION("a layer width beyond 32 bits") {
    expect_refusal(
        edited_model(
            dir, "wide.h5",
            [](hid_t file) {
              replace_dataset(file, "/members/0/F/layer_0/weight", {hsize_t{1} << 33, 1008}, {});
            }),
        {"/members/0/F/layer_0/weight: shape [8589934592, 1008]",
         "each dimension must be 1 to 2^31 - 1"});
  }
  // Found while writing the fuzz harnesses (docs/fuzzing.md, "Findings"): the structure-aware
  // builder cannot make hard links, so the fuzzer could not.
  SECTION("a member hard-linked under a second name") {
    // Each name would be read, and held, again: 4,096 links to one member of a 400 kB file took
    // 80 s (under the sanitizers); the storage of all datasets read must fit in the file.
    expect_refusal(edited_model(dir, "hard_link.h5",
                                [](hid_t file) {
                                  REQUIRE(H5Lcreate_hard(file, "/members/0", file, "/members/1",
                                                         H5P_DEFAULT, H5P_DEFAULT) >= 0);
                                }),
                   {"/members/1/", "bytes of storage, more than the file's",
                    "shared between several names (hard links)"});
  }
  SECTION("a compressed bias never written") {
    // stored_size_problem lets compressed data expand 1032-fold, so a compressed dataset of 4
    // bytes declared may store 0: it would read as a bias of 0.
    expect_refusal(edited_model(dir, "unwritten_gzip.h5",
                                [](hid_t file) {
                                  const char* path = "/members/0/H/layer_3/bias";
                                  REQUIRE(H5Ldelete(file, path, H5P_DEFAULT) >= 0);
                                  const hsize_t one = 1;
                                  const hid_t space = H5Screate_simple(1, &one, nullptr);
                                  const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
                                  H5Pset_chunk(dcpl, 1, &one);
                                  H5Pset_deflate(dcpl, 4);
                                  const hid_t ds = H5Dcreate2(file, path, H5T_IEEE_F32LE, space,
                                                              H5P_DEFAULT, dcpl, H5P_DEFAULT);
                                  REQUIRE(ds >= 0);
                                  H5Dclose(ds);
                                  H5Pclose(dcpl);
                                  H5Sclose(space);
                                }),
                   {"/members/0/H/layer_3/bias: cannot be read: the file stores none of its data"});
  }
  SECTION("an external link instead of a network") {
    expect_refusal(
        edited_model(dir, "external.h5",
                     [](hid_t file) {
                       REQUIRE(H5Ldelete(file, "/members/0/Cl", H5P_DEFAULT) >= 0);
                       REQUIRE(H5Lcreate_external(kShipped.c_str(), "/members/0/Cl", file,
                                                  "/members/0/Cl", H5P_DEFAULT, H5P_DEFAULT) >= 0);
                     }),
        {"/members/0/Cl: is a link"});
  }
}
