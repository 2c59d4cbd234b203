// SPDX-License-Identifier: MIT
/// \file
/// `mdrun`: parse the command line, load and validate the run config, build the simulation, run
/// it, write the outputs, and turn any md::Error into its documented exit code (docs/cli.md).
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <new>
#include <string>
#include <vector>

#include "cli_values.hpp"
#include "comm/communicator.hpp"
#include "comm/root_task.hpp"
#include "commands.hpp"
#include "run_log.hpp"
#include "core/error.hpp"

namespace {

void configure_logging(const md::Communicator& comm, bool verbose) {
  // Rank 0 narrates on stdout next to the thermo lines; other ranks only report problems.
  auto logger = comm.is_root() ? spdlog::stdout_logger_st("mdrun") : spdlog::stderr_logger_st("mdrun");
  spdlog::set_default_logger(logger);
  if (comm.is_root()) {
    spdlog::set_pattern("%^%v%$");
    spdlog::set_level(verbose ? spdlog::level::debug : spdlog::level::info);
  } else {
    spdlog::set_pattern("[rank " + std::to_string(comm.rank()) + "] %^%l: %v%$");
    spdlog::set_level(spdlog::level::warn);
  }
}

/// Reports an error and returns the exit code. An error every rank agreed on (`collective`) is
/// printed once, by rank 0, and every rank returns the same code: a clean exit through
/// MPI_Finalize. An error seen by one rank alone is printed by that rank, and the job is aborted,
/// since the other ranks may be waiting in a collective call that will never complete.
int fail(const md::Communicator& comm, md::ExitCode code, const std::string& message,
         bool collective) {
  std::fflush(stdout);
  if (collective || comm.size() == 1) {
    if (comm.is_root()) {
      std::fprintf(stderr, "ERROR: %s\n", message.c_str());
      std::fflush(stderr);
      md::log_error(message);
    }
    return static_cast<int>(code);
  }
  std::fprintf(stderr, "ERROR on rank %d: %s\n", comm.rank(), message.c_str());
  std::fflush(stderr);
  md::log_error("on rank " + std::to_string(comm.rank()) + ": " + message);
  md::close_log_file();
  comm.abort(static_cast<int>(code));
}

}  // namespace

int main(int argc, char** argv) {
  md::CommSession session(argc, argv);
  const md::Communicator comm = md::Communicator::world();

  CLI::App app{"mdrun: molecular dynamics with machine-learned interatomic potentials"};
  app.set_version_flag("--version", md::version_string());
  md::RunOptions run;
  md::EvalOptions eval;
  bool verbose = false;
  app.add_option("--config", run.config_path, "run configuration (YAML)")->check(CLI::ExistingFile);
  app.add_option("--set", run.overrides, "override a config value: key.path=value (repeatable)");
  std::string nsteps_text, maxh_text;
  app.add_option("--nsteps", nsteps_text, "number of steps (overrides run.steps)");
  app.add_flag("--check", run.check_only,
               "validate the config, structure and potential, then exit");
  app.add_option("--cpi", run.checkpoint_in,
                 "continue from this checkpoint (appends to the trajectories; docs/checkpoints.md)");
  app.add_option("--maxh", maxh_text,
                 "stop cleanly with a checkpoint after 99% of this many hours of wall time");
  app.add_flag("-v,--verbose", verbose, "more detail in the log");

  CLI::App* eval_command =
      app.add_subcommand("eval", "evaluate energy, forces and virial once and write them as JSON");
  eval_command->add_option("--config", eval.config_path, "run configuration (YAML)")
      ->check(CLI::ExistingFile);
  eval_command->add_option("--set", eval.overrides, "override a config value: key.path=value");
  eval_command->add_option("--model", eval.model_path,
                           "DeePMD-kit model (.dp) or ANI model (HDF5, scripts/ani2h5.py)")
      ->check(CLI::ExistingFile);
  eval_command->add_option("--structure", eval.structure_path, "LAMMPS data file")
      ->check(CLI::ExistingFile);
  eval_command->add_option("--type-map", eval.type_map,
                           "names of the data file's types, comma-separated (O,H)")
      ->delimiter(',');
  eval_command->add_option("--boundary", eval.boundary, "p or f per dimension (default p p p)")
      ->expected(3);
  eval_command->add_option("--atom-style", eval.atom_style, "atomic or full");
  eval_command->add_flag("--atomic", eval.atomic, "also write per-atom energies and virials");
  eval_command->add_flag("--compressed", eval.compressed,
                         "evaluate with the tabulated embedding nets (potential.compress); "
                         "exact networks otherwise");
  eval_command->add_option("--json", eval.json_path, "output file (default: standard output)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {  // --help, --version
      if (comm.is_root()) app.exit(e);
      return 0;
    }
    if (comm.is_root()) app.exit(e);
    return static_cast<int>(md::ExitCode::kUsage);
  }
  configure_logging(comm, verbose);

  const auto started = std::chrono::steady_clock::now();
  int code = 0;
  try {
    if (*eval_command) return md::run_eval(eval, comm);
    // Every rank parses the same command line: its errors are the same everywhere.
    md::on_all_ranks(comm, [&] {
      if (run.config_path.empty()) {
        throw md::config_error("--config is required (mdrun --config run.yaml); see mdrun --help");
      }
      if (!nsteps_text.empty()) run.n_steps = md::parse_step_count("--nsteps", nsteps_text);
      if (!maxh_text.empty()) run.max_hours = md::parse_wall_hours("--maxh", maxh_text);
    });
    code = md::run_md(run, comm);
  } catch (const md::Error& e) {
    code = fail(comm, e.code(), e.what(), e.collective());
  } catch (const std::bad_alloc&) {
    code = fail(comm, md::ExitCode::kOutOfMemory, "out of host memory", false);
  } catch (const std::exception& e) {
    code = fail(comm, md::ExitCode::kInternal, std::string("internal error: ") + e.what(), false);
  }
  // LAMMPS's last line, which log parsers take as the end of the last thermo block.
  if (comm.is_root() && !*eval_command) {
    md::log_line(md::total_wall_time_line(std::chrono::steady_clock::now() - started));
  }
  md::close_log_file();
  return code;
}
