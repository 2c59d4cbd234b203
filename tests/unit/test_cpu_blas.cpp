// SPDX-License-Identifier: MIT
/// \file
/// The OPENBLAS_CORETYPE advice (potential/nn/cpu_blas.hpp): given only when OpenBLAS's kernels
/// are narrower than the CPU's vectors, with the kernel family that matches them.
#include <catch2/catch.hpp>

#include "potential/nn/cpu_blas.hpp"

using md::nn::blas_core_advice;

TEST_CASE("cpu blas: generic OpenBLAS kernels on an AVX-512 CPU get the SkylakeX advice",
          "[unit][blas]") {
  const auto advice = blas_core_advice("Prescott", true, true);
  REQUIRE(advice.has_value());
  CHECK_THAT(*advice, Catch::Contains("OPENBLAS_CORETYPE=SkylakeX"));
  CHECK_THAT(*advice, Catch::Contains("'Prescott'"));
  CHECK_THAT(*advice, Catch::Contains("AVX-512"));
  // AVX2 kernels on an AVX-512 CPU are narrower too.
  CHECK(blas_core_advice("Haswell", true, true).value_or("").find("SkylakeX") != std::string::npos);
}

TEST_CASE("cpu blas: generic OpenBLAS kernels on an AVX2 CPU get the Haswell advice",
          "[unit][blas]") {
  const auto advice = blas_core_advice("Sandybridge", true, false);
  REQUIRE(advice.has_value());
  CHECK_THAT(*advice, Catch::Contains("OPENBLAS_CORETYPE=Haswell"));
}

TEST_CASE("cpu blas: no advice when the kernels match the CPU", "[unit][blas]") {
  CHECK_FALSE(blas_core_advice("SkylakeX", true, true).has_value());
  CHECK_FALSE(blas_core_advice("SapphireRapids", true, true).has_value());
  CHECK_FALSE(blas_core_advice("Haswell", true, false).has_value());
  CHECK_FALSE(blas_core_advice("Zen", true, false).has_value());
  // An old CPU: the generic kernels are right for it.
  CHECK_FALSE(blas_core_advice("Prescott", false, false).has_value());
}
