// SPDX-License-Identifier: MIT
// core/fast_math.hpp against libm: the vectorisable exp, log, pow and cos/sin that the ANI AEV
// and the network activations use on the CPU.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "core/fast_math.hpp"

namespace {

/// |a − b| / |b| (0 when both are 0).
double relative(double a, double b) { return b == 0.0 ? std::fabs(a) : std::fabs(a - b) / std::fabs(b); }

}  // namespace

TEST_CASE("fast math: log_fast is ln to a few ulp over the whole normal range", "[unit]") {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> mantissa(0.5, 2.0), exponent(-1000.0, 1000.0);
  double worst_relative = 0.0, worst_absolute = 0.0;
  for (int k = 0; k < 200000; ++k) {
    // Half the samples near 1 (where ln is small and only absolute error is meaningful),
    // half spread over the exponents.
    const double x = (k % 2 == 0) ? mantissa(rng) : mantissa(rng) * std::exp2(exponent(rng));
    const double exact = std::log(x);
    worst_absolute = std::max(worst_absolute, std::fabs(md::log_fast(x) - exact));
    if (std::fabs(exact) > 0.5) worst_relative = std::max(worst_relative, relative(md::log_fast(x), exact));
  }
  CHECK(worst_absolute < 4e-16 * 710.0);
  CHECK(worst_relative < 4e-16);
  for (double x : {1.0, 2.0, 0.5, std::sqrt(2.0), 1e-300, 1e300}) {
    CHECK(md::log_fast(x) == Approx(std::log(x)).epsilon(4e-16).margin(4e-16));
  }
  // Zero and subnormals are raised to the smallest normal: a finite, very negative logarithm.
  CHECK(md::log_fast(0.0) == Approx(std::log(2.2250738585072014e-308)));
  CHECK(md::log_fast(1e-320) == Approx(std::log(2.2250738585072014e-308)));
}

TEST_CASE("fast math: pow_fast is pow to |p ln b| ulp; a zero base gives ~0", "[unit]") {
  std::mt19937_64 rng(12);
  std::uniform_real_distribution<double> base(0.0, 1.0), power(0.5, 40.0);
  double worst = 0.0;
  for (int k = 0; k < 200000; ++k) {
    const double b = base(rng), p = power(rng);
    const double exact = std::pow(b, p);
    if (exact < 1e-300) continue;
    // Error of exp(p ln b): the log's few ulp scaled by |p ln b|, plus exp's own.
    const double bound = 4e-16 * (2.0 + std::fabs(p * std::log(b)));
    worst = std::max(worst, relative(md::pow_fast(b, p), exact) / bound);
  }
  CHECK(worst < 1.0);
  CHECK(md::pow_fast(0.0, 14.1) < 1e-300);
  CHECK(md::pow_fast(1.0, 13.1) == 1.0);
}

TEST_CASE("fast math: cos_sin_fast is cos and sin to 4.5e-16 on [0, pi]", "[unit]") {
  std::mt19937_64 rng(13);
  std::uniform_real_distribution<double> angle(0.0, 3.141592653589793);
  double worst = 0.0;
  for (int k = 0; k < 200000; ++k) {
    const double x = angle(rng);
    double sine = 0.0;
    const double cosine = md::cos_sin_fast(x, sine);
    worst = std::max({worst, std::fabs(cosine - std::cos(x)), std::fabs(sine - std::sin(x))});
  }
  CHECK(worst < 4.5e-16);  // two ulp of values near 1 (measured 3.3e-16)
  double sine = 1.0;
  CHECK(md::cos_sin_fast(0.0, sine) == 1.0);
  CHECK(std::fabs(sine) < 1e-16);
  CHECK(md::cos_sin_fast(3.141592653589793, sine) == Approx(-1.0).epsilon(1e-16));
  CHECK(std::fabs(sine - std::sin(3.141592653589793)) < 2e-16);
}

TEST_CASE("fast math: the float versions are libm's to a few float ulp", "[unit]") {
  constexpr double kFloatUlp = 5.96e-8;  // half the spacing of floats in [1, 2)
  std::mt19937_64 rng(14);
  std::uniform_real_distribution<float> exponent(-87.0f, 88.0f), unit(0.0f, 1.0f),
      mantissa(0.5f, 2.0f), scale(-120.0f, 120.0f), angle(0.0f, 3.14159265f), power(0.5f, 20.0f);
  double worst_exp = 0.0, worst_log = 0.0, worst_pow = 0.0, worst_trig = 0.0;
  for (int k = 0; k < 200000; ++k) {
    // Exact references in double from the float arguments: the error is the function's alone.
    const float x = exponent(rng);
    worst_exp = std::max(worst_exp, relative(md::exp_fast(x), std::exp(double(x))));
    const float y = mantissa(rng) * std::exp2(scale(rng));
    worst_log = std::max(worst_log, std::fabs(md::log_fast(y) - std::log(double(y))) /
                                        std::max(1.0, std::fabs(std::log(double(y)))));
    const float b = unit(rng), p = power(rng);
    const double exact = std::pow(double(b), double(p));
    if (exact > 1e-30) {
      const double bound = 2.0 + std::fabs(p * std::log(double(b)));
      worst_pow = std::max(worst_pow, relative(md::pow_fast(b, p), exact) / bound);
    }
    const float t = angle(rng);
    float sine = 0.0f;
    const float cosine = md::cos_sin_fast(t, sine);
    worst_trig = std::max({worst_trig, std::fabs(cosine - std::cos(double(t))),
                           std::fabs(sine - std::sin(double(t)))});
  }
  CHECK(worst_exp < 3 * kFloatUlp);
  CHECK(worst_log < 3 * kFloatUlp);
  CHECK(worst_pow < 3 * kFloatUlp);
  CHECK(worst_trig < 2.5e-7);
  CHECK(md::exp_fast(0.0f) == 1.0f);
  CHECK(md::log_fast(1.0f) == 0.0f);
  CHECK(md::pow_fast(0.0f, 14.1f) < 1e-30f);
  float sine = 1.0f;
  CHECK(std::fabs(md::cos_sin_fast(0.0f, sine) - 1.0f) <= 1.2e-7f);  // one float ulp below 1
  CHECK(std::fabs(sine) < 1e-7f);
}
