// SPDX-License-Identifier: MIT
/// \file
/// potential/potential_spec.hpp: each potential kind's name, CUDA capability, model files,
/// fingerprint and backend resolution, the facts other layers used to restate.
#include <catch2/catch.hpp>

#include "device/backend.hpp"
#include "potential/potential_spec.hpp"

using Catch::Matchers::Contains;

namespace {

md::DeepPotentialOptions deep_options() {
  md::DeepPotentialOptions deep;
  deep.model_file = "/models/water.dp";
  deep.fparam = {0.25};
  return deep;
}

md::LennardJonesSpec argon() {
  md::LennardJonesSpec lj;
  lj.cutoff = 8.5;
  lj.pairs.push_back({"Ar", "Ar", 0.0103, 3.405, 0.0});
  return lj;
}

}  // namespace

TEST_CASE("potential spec: names, in the variant's order, and empty specs by name",
          "[potential][spec]") {
  CHECK(md::potential_type_names() == std::vector<std::string>{"lj/cut", "deepmd", "ani"});
  CHECK(md::potential_type_name(argon()) == "lj/cut");
  CHECK(md::potential_type_name(deep_options()) == "deepmd");
  for (const std::string& name : md::potential_type_names()) {
    CHECK(md::potential_type_name(md::empty_potential_spec(name)) == name);
  }
  CHECK_THROWS_WITH(md::empty_potential_spec("tersoff"),
                    Contains("unknown potential type 'tersoff': expected one of lj/cut, deepmd, ani"));
}

TEST_CASE("potential spec: CUDA capability and model files", "[potential][spec]") {
  CHECK_FALSE(md::has_cuda_evaluator(argon()));
  CHECK(md::has_cuda_evaluator(deep_options()));
  CHECK(md::model_files(argon()).empty());
  CHECK(md::model_files(deep_options()) == std::vector<std::string>{"/models/water.dp"});
  md::AniOptions ani{"/models/ani.h5", {}};
  CHECK(md::has_cuda_evaluator(ani));
  CHECK(md::model_files(ani) == std::vector<std::string>{"/models/ani.h5"});
  CHECK(md::potential_fingerprint(ani) == "potential.type = ani\npotential.ensemble = all\n");
  ani.precision = md::Precision::kMixed;  // a restart may change the arithmetic
  CHECK(md::potential_fingerprint(ani) == "potential.type = ani\npotential.ensemble = all\n");
}

TEST_CASE("potential spec: the fingerprint has the physics, not the paths or policies",
          "[potential][spec]") {
  CHECK(md::potential_fingerprint(argon()) ==
        "potential.type = lj/cut\n"
        "potential.cutoff_A = 8.5\n"
        "potential.shift_energy = false\n"
        "potential.pair.Ar-Ar = epsilon_eV 0.0103, sigma_A 3.4049999999999998, cutoff_A 0\n");
  md::DeepPotentialOptions deep = deep_options();
  const std::string base = md::potential_fingerprint(deep);
  CHECK(base == "potential.type = deepmd\npotential.fparam = 0.25\npotential.aparam =\n");
  deep.model_file = "/elsewhere/water.dp";  // the model is recognised by its hash instead
  deep.sel_overflow = md::SelOverflowPolicy::kError;
  deep.precision = md::Precision::kMixed;
  CHECK(md::potential_fingerprint(deep) == base);
  deep.fparam = {0.26};
  CHECK(md::potential_fingerprint(deep) != base);
}

TEST_CASE("potential spec: backend resolution", "[potential][spec]") {
  CHECK(md::resolve_backend(md::BackendRequest::kCpu, deep_options()) == md::Backend::kCpu);
  CHECK(md::resolve_backend(md::BackendRequest::kCuda, deep_options()) == md::Backend::kCuda);
  CHECK(md::resolve_backend(md::BackendRequest::kAuto, argon()) == md::Backend::kCpu);
  const bool gpu = md::cuda_compiled() && md::cuda_device_count() > 0;
  CHECK(md::resolve_backend(md::BackendRequest::kAuto, deep_options()) ==
        (gpu ? md::Backend::kCuda : md::Backend::kCpu));
  CHECK_THROWS_WITH(md::resolve_backend(md::BackendRequest::kCuda, argon()),
                    Contains("potential type lj/cut runs on the CPU only; set run.backend: cpu"));
}
