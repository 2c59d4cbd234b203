// SPDX-License-Identifier: MIT
#include "commands.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <variant>

#include "core/error.hpp"
#include "engine/guards.hpp"
#include "engine/progress.hpp"
#include "io/ani_model_reader.hpp"
#include "io/lammps_data.hpp"
#include "io/output_path.hpp"
#include "io/run_config.hpp"
#include "io/run_summary.hpp"
#include "comm/root_task.hpp"
#include "output_plan.hpp"
#include "run_lifecycle.hpp"
#include "run_log.hpp"
#include "run_setup.hpp"

namespace md {
namespace {

void log_banner(const RunConfig& config, const PreparedRun& run, const Communicator& comm) {
  std::string types;
  for (std::size_t t = 0; t < run.type_names.size(); ++t) {
    types += (t ? ", " : "") + run.type_names[t];
  }
  spdlog::info("config {} | {} ranks | backend {} | potential {}", config.config_path,
               comm.size(), to_string(run.backend), run.potential_name);
  spdlog::info("structure {} | {} atoms | types [{}]", config.structure.file, run.n_atoms, types);
}

/// The config as the run uses it: the --set overrides, then the whole document after them.
void log_config(const RunConfig& config) {
  for (const std::string& text : config.overrides) spdlog::info("--set {}", text);
  std::string text = "config " + config.config_path +
                     (config.overrides.empty() ? "" : " with the --set overrides") + ":\n";
  std::istringstream lines(config.resolved_yaml);
  for (std::string line; std::getline(lines, line);) text += "  " + line + "\n";
  log_text(text);
}

/// Writes the text `make_text()` returns to `path` on rank 0, keeping any existing file as a
/// backup. The text is only made on rank 0, which holds the gathered data.
template <class MakeText>
void write_output(const Communicator& comm, const std::string& path, MakeText make_text,
                  const char* what) {
  on_root(comm, [&] {
    const std::string backup = back_up_existing(path);
    if (!backup.empty()) spdlog::info("kept the existing {} as {}", path, backup);
    write_file_atomically(path, make_text());
    spdlog::info("wrote {} {}", what, path);
  });
}

/// The outputs of a run checked at start (rank 0; --check too) and, for a real run, locked.
std::unique_ptr<OutputLock> check_outputs(const RunConfig& config, const RunOptions& options,
                                          const Communicator& comm) {
  std::unique_ptr<OutputLock> lock;
  on_root(comm, [&] {
    const std::vector<RunFile> outputs = planned_outputs(config);
    check_output_plan(outputs, run_inputs(config, options.checkpoint_in), options.checkpoint_in);
    lock = std::make_unique<OutputLock>(outputs, config.config_path);
  });
  return lock;
}

/// A config for `mdrun eval --model ... --structure ...`, as YAML text so the same validation
/// applies as for a config file. Strings go through JSON quoting, which YAML accepts.
std::string eval_config_yaml(const EvalOptions& o) {
  using nlohmann::json;
  if (o.model_path.empty() || o.structure_path.empty() || o.type_map.empty()) {
    throw config_error(
        "mdrun eval needs either --config FILE or all of --model, --structure and --type-map");
  }
  const auto absolute = [](const std::string& p) {
    return std::filesystem::absolute(p).string();
  };
  json type_map = o.type_map;
  json boundary = o.boundary.empty() ? json({"p", "p", "p"}) : json(o.boundary);
  std::string yaml;
  yaml += "structure: {file: " + json(absolute(o.structure_path)).dump() +
          ", atom_style: " + json(o.atom_style).dump() + ", type_map: " + type_map.dump() +
          ", boundary: " + boundary.dump() + "}\n";
  // An ANI model (HDF5 with format "mdrun-ani") or a DeePMD-kit .dp.
  const std::string type = is_ani_model_file(o.model_path) ? "ani" : "deepmd";
  yaml += "potential: {type: " + type + ", model: " + json(absolute(o.model_path)).dump() + "}\n";
  yaml += "run: {steps: 0, dt_fs: 1.0}\n";
  return yaml;
}

/// `mdrun eval` is a reference evaluation: the networks exactly, whatever the config asks of MD
/// runs, unless --compressed asks for the tables (with the config's table settings).
void use_exact_networks_unless_asked(RunConfig& config, bool compressed, const Communicator& comm) {
  auto* deep = std::get_if<DeepPotentialOptions>(&config.potential);
  if (deep == nullptr) {
    if (compressed) throw config_error("mdrun eval --compressed: the potential is not deepmd");
    return;
  }
  if (compressed) {
    deep->compress.enabled = true;
  } else if (deep->compress.enabled) {
    deep->compress.enabled = false;
    if (comm.is_root()) {
      spdlog::info("eval: the networks are evaluated exactly (the config's potential.compress "
                   "applies to MD runs; --compressed evaluates the tables)");
    }
  }
}

}  // namespace

std::string version_string() {
  return std::string("mdrun ") + MD_VERSION + " (" + MD_GIT_DESCRIBE + ")";
}

int run_md(const RunOptions& options, const Communicator& comm) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> overrides = options.overrides;
  if (options.n_steps >= 0) overrides.push_back("run.steps=" + std::to_string(options.n_steps));
  RunConfig config;
  on_all_ranks(comm, [&] { config = load_run_config(options.config_path, overrides); });
  const bool restarting = !options.checkpoint_in.empty();
  // Outputs are checked and locked before any work; the log starts with the run.
  const std::unique_ptr<OutputLock> lock = check_outputs(config, options, comm);
  if (!options.check_only && !config.output.log_file.empty()) {
    on_root(comm, [&] { open_log_file(config.output.log_file, restarting); });
  }
  spdlog::info("{}", version_string());
  if (comm.is_root()) log_config(config);
  PreparedRun run = prepare_run(config, comm, log_line);
  log_banner(config, run, comm);
  Simulation& sim = *run.simulation;
  spdlog::info("integrator {}", sim.integrator().description());
  if (config.simulation.integrator.thermostat.type == ThermostatType::kBerendsen) {
    spdlog::warn("the Berendsen thermostat does not sample the canonical ensemble (it suppresses "
                 "kinetic-energy fluctuations): use it to equilibrate only, and a Nose-Hoover "
                 "chain, CSVR or Langevin thermostat for production");
  }
  const RunFingerprint fingerprint = fingerprint_run(config, comm);
  CheckpointState checkpoint;
  if (restarting) checkpoint = load_restart_checkpoint(options.checkpoint_in, fingerprint, comm);
  if (options.check_only) {
    spdlog::info("check passed: config, structure and potential are valid");
    return 0;
  }

  install_stop_signal_handlers();
  attach_trajectories(sim, config, run, restarting ? checkpoint.step : -1, comm);
  attach_model_deviation(sim, config, restarting ? checkpoint.step : -1, comm);
  if (config.output.progress_seconds > 0 && comm.is_root()) {
    // Rank 0 only: the reporter reads its own clock and prints, nothing collective.
    sim.add_observer(std::make_unique<ProgressReporter>(
        config.output.progress_seconds, ProgressClock::system(),
        [](const std::string& line) { spdlog::info("{}", line); }));
  }
  attach_checkpoints(sim, config, fingerprint, restarting, options.max_hours, start, comm);
  RunReport report;
  try {
    if (restarting) {
      sim.restore(checkpoint);
      checkpoint = CheckpointState{};  // the atoms now live in the simulation
    } else {
      sim.setup();
    }
    const std::int64_t remaining = config.simulation.steps - sim.current_step();
    if (remaining < 0) {
      spdlog::warn("the checkpoint is at step {}, beyond run.steps = {}: nothing to run",
                   sim.current_step(), config.simulation.steps);
    }
    report = sim.run(std::max<std::int64_t>(remaining, 0));
  } catch (const Error& e) {
    // Guards stop every rank together, so the last state can still be gathered for debugging;
    // on one rank any unstable-dynamics error can.
    if (e.code() == ExitCode::kUnstable &&
        (dynamic_cast<const UnstableDynamics*>(&e) != nullptr || comm.size() == 1)) {
      try {
        sim.sync_host_state();  // the GPU's last atoms (CUDA backend)
      } catch (const Error& sync_error) {
        spdlog::error("could not copy the last state from the GPU: {}", sync_error.what());
      }
      try {
        sim.finish_observers();
      } catch (const Error& flush_error) {
        spdlog::error("could not flush the trajectories: {}", flush_error.what());
      }
      write_crash_dump(sim, config, comm);
    }
    throw;
  }
  sim.finish_observers();
  // Sampled at the end: device buffers only grow, so the end of the run is their peak.
  if (run.backend == Backend::kCuda) {
    report.device_memory = measure_device_memory(sim.device_memory_bytes(), comm);
  }
  if (comm.is_root()) {
    log_text(format_footer(report));
    log_line(sim.conserved_energy_report());
  }
  if (sim.stopped_early()) {
    spdlog::info("stopped at step {} ({}); checkpoint {} written. Continue with: mdrun --config {} "
                 "--cpi {}",
                 sim.current_step(), stop_reason(options.max_hours), config.checkpoint.file,
                 config.config_path, config.checkpoint.file);
    return 0;
  }
  if (config.checkpoint.enabled && sim.last_checkpoint_step() != sim.current_step()) {
    sim.write_checkpoint();
  }

  if (config.output.write_final_data) {
    const bool labels = config.output.write_type_labels.value_or(run.input_had_type_labels);
    const StructureData final_state = final_structure(sim, run, labels, comm);
    write_output(
        comm, final_data_path(config), [&] { return format_lammps_data(final_state); },
        "final state");
  }
  if (!config.output.summary_json.empty()) {
    const RunIdentity identity{version_string(), config.config_path, config.overrides,
                               config.resolved_yaml, to_string(run.backend),
                               run.potential_name};
    write_output(
        comm, config.output.summary_json, [&] { return run_summary_json(report, identity); },
        "run summary");
  }
  return 0;
}

int run_eval(const EvalOptions& options, const Communicator& comm) {
  RunConfig config;
  on_all_ranks(comm, [&] {
    config = options.config_path.empty()
                 ? parse_run_config(eval_config_yaml(options), "mdrun eval arguments",
                                    std::filesystem::current_path().string(), options.overrides)
                 : load_run_config(options.config_path, options.overrides);
  });
  config.simulation.velocity_create.reset();
  use_exact_networks_unless_asked(config, options.compressed, comm);
  if (!options.json_path.empty()) {
    on_root(comm, [&] {
      check_output_plan({{"--json", options.json_path}}, run_inputs(config, ""), "");
    });
  }
  PreparedRun run = prepare_run(config, comm, nullptr);
  Simulation& sim = *run.simulation;
  // A single point: no dynamics, so a non-finite result is the model's (or the structure's),
  // never "unstable dynamics".
  const EvaluationResult result = sim.evaluate_once(options.atomic);
  if (!comm.is_root()) return 0;

  nlohmann::json j;
  j["natoms"] = result.n_atoms;
  j["energy"] = result.energy;
  j["virial"] = result.virial;
  auto rows = [](const std::vector<double>& flat, std::size_t width) {
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t k = 0; k < flat.size(); k += width) {
      out.push_back(std::vector<double>(flat.begin() + k, flat.begin() + k + width));
    }
    return out;
  };
  j["ids"] = result.ids;
  j["forces"] = rows(result.forces, 3);
  if (options.atomic) {
    j["atom_energies"] = result.atom_energies;
    j["atom_virials"] = rows(result.atom_virials, 9);
  }
  if (const auto& d = result.model_deviation) {
    // The columns of model_devi.out (io/model_deviation_writer.hpp), at full precision.
    nlohmann::json deviation = {{"max_devi_v", d->max_devi_v}, {"min_devi_v", d->min_devi_v},
                                {"avg_devi_v", d->avg_devi_v}, {"max_devi_f", d->max_devi_f},
                                {"min_devi_f", d->min_devi_f}, {"avg_devi_f", d->avg_devi_f}};
    if (!d->atom_devi_f.empty()) deviation["atom_devi_f"] = d->atom_devi_f;
    j["model_deviation"] = deviation;
  }
  // max_digits10 so every double reads back exactly.
  const std::string text = j.dump(1) + "\n";
  if (options.json_path.empty()) {
    std::fputs(text.c_str(), stdout);
  } else {
    const std::string backup = back_up_existing(options.json_path);
    if (!backup.empty()) spdlog::info("kept the existing {} as {}", options.json_path, backup);
    write_file_atomically(options.json_path, text);
  }
  return 0;
}

}  // namespace md
