// SPDX-License-Identifier: MIT
/// \file
/// Test helpers for running the mdrun binary (optionally under mpiexec) in a scratch directory and
/// reading back what it wrote.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace md::test {

namespace fs = std::filesystem;

/// A fresh directory, removed afterwards unless MD_KEEP_TEST_DIRS is set.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag) {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("md_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    if (std::getenv("MD_KEEP_TEST_DIRS") == nullptr) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

  /// Writes `text` to `name` inside the directory and returns the full path.
  std::string write(const std::string& name, const std::string& text) const {
    const std::string file = (path_ / name).string();
    std::ofstream(file) << text;
    return file;
  }

 private:
  fs::path path_;
};

struct ProcessResult {
  int exit_code = -1;
  std::string output;  ///< stdout and stderr together
};

/// Runs `command` through the shell in `directory`, capturing its output.
inline ProcessResult run_process(const std::string& command, const fs::path& directory) {
  const std::string full = "cd '" + directory.string() + "' && " + command + " 2>&1";
  ProcessResult result;
  FILE* pipe = ::popen(full.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) result.output += buffer.data();
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

/// The mdrun command line for `ranks` ranks: plain for 1, under mpiexec otherwise (oversubscribed
/// and allowed as root, as CI runs it).
inline std::string mdrun_command(int ranks, const std::string& arguments) {
  std::string launcher;
#ifdef MD_MPIEXEC
  if (ranks > 1) {
    launcher = std::string(MD_MPIEXEC) + " --oversubscribe --allow-run-as-root -n " +
               std::to_string(ranks) + " ";
  }
#else
  (void)ranks;
#endif
  return launcher + MD_MDRUN_PATH + " " + arguments;
}

inline nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

/// A config of the 192-atom water box (shared/data) with the four committee models of
/// tests/data/model_devi, NVT at 300 K, 0.5 fs steps: `structure_extra` goes into the structure
/// map (", replicate: [2, 2, 2]"), `deviation` is the potential.deviation map, `rest` the
/// remaining top-level lines (run, velocity seed, outputs).
inline std::string committee_water_config(const std::string& structure_extra,
                                          const std::string& deviation, const std::string& rest) {
  const std::string models = std::string(MD_TEST_DATA_DIR) + "/model_devi/";
  return "structure: {file: " + std::string(MD_SHARED_DIR) +
         "/data/water-example/lmp/water.lmp, type_map: [O, H]" + structure_extra + "}\n" +
         "potential:\n  type: deepmd\n  models: [" + models + "m1.dp, " + models + "m2.dp, " +
         models + "m3.dp, " + models + "m4.dp]\n  deviation: " + deviation + "\n" +
         "neighbor: {skin_A: 1.0}\n"
         "integrator: {type: nvt, thermostat: {type: nose_hoover_chain, temperature_K: 300, "
         "tau_ps: 0.05}}\n" +
         rest;
}

}  // namespace md::test
