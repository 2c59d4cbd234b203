// SPDX-License-Identifier: MIT
/// \file
/// Means, variances and block-averaged standard errors of a time series, for the statistical
/// tests of the ensembles (the barostats' volume, density, pressure and enthalpy).
#pragma once

#include <cmath>
#include <numeric>
#include <vector>

namespace md::test {

inline double mean(const std::vector<double>& x) {
  return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}

/// Population variance.
inline double variance(const std::vector<double>& x) {
  const double m = mean(x);
  double s = 0.0;
  for (double v : x) s += (v - m) * (v - m);
  return s / static_cast<double>(x.size());
}

/// Standard error of the mean of x from the scatter of `blocks` consecutive block means (blocks
/// much longer than the correlation time make them independent).
inline double block_error(const std::vector<double>& x, int blocks = 20) {
  const std::size_t length = x.size() / static_cast<std::size_t>(blocks);
  std::vector<double> means;
  for (int b = 0; b < blocks; ++b) {
    means.push_back(mean(std::vector<double>(x.begin() + b * length, x.begin() + (b + 1) * length)));
  }
  return std::sqrt(variance(means) * blocks / (blocks - 1.0) / blocks);
}

}  // namespace md::test
