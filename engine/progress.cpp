// SPDX-License-Identifier: MIT
#include "engine/progress.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/units.hpp"
#include "engine/simulation.hpp"

namespace md {

namespace {

constexpr double kSecondsPerDay = 86400.0;
constexpr double kPsPerNs = 1000.0;

/// H:MM:SS.
std::string clock_text(double seconds) {
  const auto s = static_cast<long long>(std::llround(std::max(0.0, seconds)));
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  return buffer;
}

}  // namespace

ProgressClock ProgressClock::system() {
  ProgressClock clock;
  clock.seconds = [] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
  clock.now = [] { return std::time(nullptr); };
  return clock;
}

std::string progress_line(std::int64_t step, std::int64_t first_step, std::int64_t last_step,
                          double elapsed_s, double dt_ps, std::time_t now) {
  const double done = static_cast<double>(step - first_step);
  const double seconds_per_step = elapsed_s / done;
  const double left_s = seconds_per_step * static_cast<double>(last_step - step);
  const double ns_per_day = done * dt_ps / kPsPerNs / (elapsed_s / kSecondsPerDay);
  const std::time_t end = now + static_cast<std::time_t>(std::llround(left_s));
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", std::localtime(&end));
  char buffer[256];
  std::snprintf(buffer, sizeof buffer,
                "Progress: step %lld of %lld (%.1f %%), %s elapsed, %.3g ns/day, %s left, done at %s",
                static_cast<long long>(step), static_cast<long long>(last_step),
                last_step > 0 ? 100.0 * static_cast<double>(step) / static_cast<double>(last_step)
                              : 100.0,
                clock_text(elapsed_s).c_str(), ns_per_day,
                clock_text(left_s).c_str(), when);
  return buffer;
}

ProgressReporter::ProgressReporter(double interval_s, ProgressClock clock,
                                   std::function<void(const std::string&)> sink)
    : interval_s_(interval_s), clock_(std::move(clock)), sink_(std::move(sink)) {}

void ProgressReporter::on_step(const Simulation& simulation) {
  const double now = clock_.seconds();
  const std::int64_t step = simulation.current_step();
  if (!started_) {  // setup, or the first step after a restore
    started_ = true;
    start_step_ = step;
    start_s_ = last_report_s_ = now;
    return;
  }
  if (now - last_report_s_ < interval_s_ || step <= start_step_) return;
  last_report_s_ = now;
  if (step >= simulation.run_last_step()) return;  // the footer reports the end
  sink_(progress_line(step, start_step_, simulation.run_last_step(), now - start_s_,
                      simulation.settings().dt_ps, clock_.now()));
}

}  // namespace md
