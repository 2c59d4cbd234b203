// SPDX-License-Identifier: MIT
/// \file
/// The random test models of tests/data/models against energies computed by DeePMD-kit itself
/// (references.yaml, made by make_references.py with DeePMD-kit's numpy backend).
///
/// These models cover what the deeppot_sea fixture does not: type_one_side = false, identity and
/// doubling residuals with and without timesteps, gelu / silu / silut / softplus / sigmoid /
/// relu6, descriptor exclude_types, model pair_exclude_types and atom_exclude_types, out_bias,
/// slot-dependent davg/dstd, env_protection, three types with a type order different from the
/// run's, fparam/aparam, atom_ener (vacuum term), mixed_types fitting, and float32 storage.
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>

#include "tests/support/deep_test_util.hpp"

namespace {

/// DeePMD-kit's double-precision tolerance (eV).
constexpr double kTolerance = 1e-10;
/// DeePMD-kit evaluates a float32 model in float32; its C++ tests accept 1e-4 then (eV).
constexpr double kFloat32Tolerance = 1e-4;
constexpr double kSkin = 1.0;

std::vector<double> doubles(const YAML::Node& node) {
  std::vector<double> v;
  for (const auto& x : node) v.push_back(x.as<double>());
  return v;
}

}  // namespace

TEST_CASE("deepmd test models: energies match DeePMD-kit", "[deepmd][regression]") {
  const YAML::Node refs = YAML::LoadFile(md::test::deep_test_model("references.yaml"));
  const std::vector<std::string> run_types = {"O", "H"};
  int checked = 0;
  for (const auto& entry : refs["models"]) {
    const std::string name = entry.first.as<std::string>();
    const md::DeepModel model = md::read_deepmd_model(md::test::deep_test_model(name));
    md::DeepPotentialOptions options;
    // Beyond sel, DeePMD-kit's Python and C++ paths truncate differently: make it an error.
    options.sel_overflow = md::SelOverflowPolicy::kError;
    if (model.numb_fparam > 0) options.fparam = doubles(refs["fparam"]);
    if (model.numb_aparam > 0) options.aparam = doubles(refs["aparam"]);
    md::DeepPotential potential(model, options, run_types);
    const double tol = model.stored_single_precision ? kFloat32Tolerance : kTolerance;
    for (const auto& config : entry.second) {
      const std::string config_name = config.first.as<std::string>();
      INFO("model " << name << ", configuration " << config_name);
      const YAML::Node spec = refs["configs"][config_name];
      std::vector<int> types;
      for (const auto& e : spec["elements"]) types.push_back(e.as<std::string>() == "O" ? 0 : 1);
      const bool periodic = !spec["box"].IsNull();
      const double edge = periodic ? spec["box"].as<double>() : 0.0;
      const auto sys = md::test::make_periodic_system(
          doubles(spec["coord"]), types, md::test::orthorhombic_cell(edge, edge, edge),
          {periodic, periodic, periodic}, model.rcut + kSkin);
      const md::test::DeepResult r = md::test::evaluate(potential, sys);
      const std::vector<double> atom_ref = doubles(config.second["atom_energy"]);
      CHECK(r.energy == Approx(config.second["energy"].as<double>()).margin(tol).epsilon(0));
      REQUIRE(r.atom_energy.size() == atom_ref.size());
      for (std::size_t i = 0; i < atom_ref.size(); ++i) {
        CHECK(r.atom_energy[i] == Approx(atom_ref[i]).margin(tol).epsilon(0));
      }
      ++checked;
    }
  }
  CHECK(checked == 12);
}

TEST_CASE("deepmd test models: what the reader records", "[deepmd]") {
  const md::DeepModel two_side =
      md::read_deepmd_model(md::test::deep_test_model("two_side_doubled.dp"));
  CHECK_FALSE(two_side.type_one_side);
  CHECK(two_side.embedding_nets.size() == 4);
  CHECK(two_side.embedding_nets[0].layers[1].residual == md::Residual::kDoubled);
  CHECK(two_side.embedding_nets[0].layers[0].residual == md::Residual::kNone);
  CHECK_FALSE(two_side.stored_single_precision);

  const md::DeepModel equal = md::read_deepmd_model(md::test::deep_test_model("one_side_equal.dp"));
  CHECK(equal.embedding_nets[0].layers[1].residual == md::Residual::kIdentity);
  CHECK(equal.embedding_nets[0].layers[1].timestep.size() == 8);
  CHECK(equal.embedding_nets[0].layers[0].activation.kind == md::ActivationKind::kGelu);

  const md::DeepModel excl = md::read_deepmd_model(md::test::deep_test_model("exclusions.dp"));
  CHECK(excl.descriptor_exclude == std::vector<char>{1, 0, 0, 0});
  CHECK(excl.pair_exclude == std::vector<char>{0, 0, 0, 1});
  CHECK(excl.embedding_nets[0].layers[0].activation.kind == md::ActivationKind::kSilut);
  CHECK(excl.embedding_nets[0].layers[0].activation.threshold == 2.0);
  CHECK(excl.env_protection == 0.05);

  const md::DeepModel f32 = md::read_deepmd_model(md::test::deep_test_model("params_f32.dp"));
  CHECK(f32.stored_single_precision);
  CHECK(f32.descriptor_precision == "float32");
  CHECK(f32.fitting_mixed_types);
  CHECK(f32.remove_vacuum == std::vector<char>{0, 1, 1});  // atom_ener [null, 0.5], O past the end
  CHECK(f32.atom_exclude == std::vector<char>{1, 0, 0});
  // float32 storage is widened exactly: every weight is a float.
  for (double w : f32.fitting_nets[0].layers[0].weight) {
    CHECK(static_cast<double>(static_cast<float>(w)) == w);
  }
}
