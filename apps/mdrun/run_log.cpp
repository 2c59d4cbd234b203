// SPDX-License-Identifier: MIT
#include "run_log.hpp"

#include <spdlog/sinks/sink.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>

#include "core/error.hpp"
#include "io/output_path.hpp"

namespace md {
namespace {

std::FILE* g_log = nullptr;
std::shared_ptr<spdlog::sinks::sink> g_sink;

void write(std::FILE* out, const std::string& text) {
  std::fputs(text.c_str(), out);
  std::fflush(out);
}

/// Writes the default logger's messages into the log file: plain for info, "warning: ..." for
/// warnings and errors, as rank 0's console shows them.
class LogFileSink final : public spdlog::sinks::sink {
 public:
  void log(const spdlog::details::log_msg& msg) override {
    if (g_log == nullptr || msg.level < spdlog::level::info) return;
    const std::string text(msg.payload.data(), msg.payload.size());
    if (msg.level >= spdlog::level::warn) {
      const auto level = spdlog::level::to_string_view(msg.level);
      write(g_log, std::string(level.data(), level.size()) + ": " + text + "\n");
    } else {
      write(g_log, text + "\n");
    }
  }
  void flush() override {
    if (g_log != nullptr) std::fflush(g_log);
  }
  void set_pattern(const std::string&) override {}
  void set_formatter(std::unique_ptr<spdlog::formatter>) override {}
};

}  // namespace

void open_log_file(const std::string& path, bool append) {
  close_log_file();
  const std::string target = output_target(path);
  if (!append) {
    const std::string backup = back_up_existing(path);
    if (!backup.empty()) spdlog::info("kept the existing {} as {}", path, backup);
  }
  g_log = std::fopen(target.c_str(), append ? "a" : "w");
  if (g_log == nullptr) throw io_error("cannot open the log file '" + path + "' for writing");
  if (append) write(g_log, "\n");
  // spdlog's messages (banner, warnings) reach the same FILE* through a sink of the logger.
  g_sink = std::make_shared<LogFileSink>();
  spdlog::default_logger()->sinks().push_back(g_sink);
}

void close_log_file() {
  if (g_sink) {
    auto& sinks = spdlog::default_logger()->sinks();
    for (auto it = sinks.begin(); it != sinks.end(); ++it) {
      if (*it == g_sink) {
        sinks.erase(it);
        break;
      }
    }
    g_sink.reset();
  }
  if (g_log != nullptr) {
    std::fclose(g_log);
    g_log = nullptr;
  }
}

void log_line(const std::string& line) { log_text(line + "\n"); }

void log_text(const std::string& text) {
  write(stdout, text);
  if (g_log != nullptr) write(g_log, text);
}

void log_error(const std::string& message) {
  if (g_log != nullptr) write(g_log, "ERROR: " + message + "\n");
}

}  // namespace md

namespace md {

std::string total_wall_time_line(std::chrono::steady_clock::duration elapsed) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(elapsed).count();
  char text[64];
  std::snprintf(text, sizeof text, "Total wall time: %lld:%02lld:%02lld",
                static_cast<long long>(seconds / 3600), static_cast<long long>(seconds / 60 % 60),
                static_cast<long long>(seconds % 60));
  return text;
}

}  // namespace md
