// SPDX-License-Identifier: MIT
/// \file
/// Test helpers for reading what mdrun printed and for launching it under a launcher given at run
/// time: the thermo block of a log as named columns, the tail of a long text for failure
/// messages, and the `MD_MPIEXEC` environment variable as a command prefix (so one test body can
/// run on 1 rank from CTest and on N ranks from a launcher-specific registration).
#pragma once

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace md::test {

/// `MD_MPIEXEC` from the environment ("mpiexec --oversubscribe -n 4"), "" when unset.
inline std::string launcher_from_environment() {
  const char* launcher = std::getenv("MD_MPIEXEC");
  return launcher != nullptr ? std::string(launcher) : std::string();
}

/// A shell command running the mdrun binary with `arguments`, behind `launcher` when it is not
/// empty, with `environment` ("NAME=value ", may be empty) set for it. A test binary that has
/// started MPI itself passes Open MPI's singleton variables (OMPI_*, PMIX_*, ...) to its children:
/// mpiexec refuses to start from such an environment, and a plain mdrun would join the test's
/// PMIx session (whose handlers swallow SIGUSR1), so they are removed first.
inline std::string mdrun_with(const std::string& launcher, const std::string& arguments,
                              const std::string& environment = "") {
  const std::string binary = std::string("'") + MD_MDRUN_PATH + "' " + arguments;
  return "for v in $(env | grep -oE '^(OMPI|PMIX|OPAL|ORTE)[A-Za-z0-9_]*'); do unset $v; done; " +
         environment + (launcher.empty() ? "" : launcher + " ") + binary;
}

inline std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The last `n` characters of `text`.
inline std::string tail_of(const std::string& text, std::size_t n = 3000) {
  return text.size() > n ? text.substr(text.size() - n) : text;
}

/// Thermo rows of an mdrun log by LAMMPS header name ("Step", "Temp", ...): every numeric row of
/// every block that starts with a `Step ...` header line, up to `Loop time`.
inline std::map<std::string, std::vector<double>> parse_thermo(const std::string& log) {
  std::map<std::string, std::vector<double>> out;
  std::istringstream in(log);
  std::string line;
  std::vector<std::string> header;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::vector<std::string> tokens;
    for (std::string w; words >> w;) tokens.push_back(w);
    if (tokens.empty()) continue;
    if (tokens[0] == "Step") {
      header = tokens;
      continue;
    }
    if (tokens[0] == "Loop") {
      header.clear();
      continue;
    }
    if (header.empty() || tokens.size() != header.size()) continue;
    std::vector<double> values;
    bool numeric = true;
    for (const auto& t : tokens) {
      char* end = nullptr;
      values.push_back(std::strtod(t.c_str(), &end));
      numeric = numeric && end != t.c_str() && *end == '\0';
    }
    if (!numeric) continue;
    for (std::size_t k = 0; k < header.size(); ++k) out[header[k]].push_back(values[k]);
  }
  return out;
}

}  // namespace md::test
