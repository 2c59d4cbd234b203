// SPDX-License-Identifier: MIT
#include "run_lifecycle.hpp"

#include <spdlog/spdlog.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "comm/collectives.hpp"
#include "commands.hpp"
#include "output_plan.hpp"
#include "core/error.hpp"
#include "engine/guards.hpp"
#include "io/checkpoint_file.hpp"
#include "io/sha256.hpp"
#include "io/dump_writer.hpp"
#include "io/model_deviation_writer.hpp"
#include "io/trajectory_formats.hpp"
#include "io/output_path.hpp"
#include "comm/root_task.hpp"

namespace md {
namespace {

namespace fs = std::filesystem;

volatile std::sig_atomic_t g_stop_signal = 0;

extern "C" void on_stop_signal(int signal) {
  if (g_stop_signal != 0 && signal == SIGINT) {
    // A second Ctrl-C: the user does not want to wait for the checkpoint.
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
    return;
  }
  if (g_stop_signal == 0) g_stop_signal = signal;
}

const char* signal_name(int signal) {
  switch (signal) {
    case SIGTERM: return "SIGTERM";
    case SIGUSR1: return "SIGUSR1";
    case SIGINT: return "SIGINT";
    default: return "a signal";
  }
}

/// The config file's text plus the --set overrides, echoed in H5MD /parameters.
std::string config_text(const RunConfig& config) {
  if (config.config_path.empty()) return "";
  std::ifstream in(config.config_path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The lines of `a` that are not in `b`, for a mismatch message.
std::string differing_lines(const std::string& a, const std::string& b) {
  std::istringstream in_a(a);
  std::string out;
  for (std::string line; std::getline(in_a, line);) {
    if (b.find(line + "\n") == std::string::npos) out += "\n    " + line;
  }
  return out;
}

void check_identity(const CheckpointState& c, const RunFingerprint& run, const std::string& path) {
  if (c.config_hash != run.config_hash) {
    throw config_error(
        "the checkpoint '" + path + "' was written by a run with different physics settings; " +
        "a restart must keep them (start a new run from the final data file instead).\n" +
        "  checkpoint has:" + differing_lines(c.config_fingerprint, run.fingerprint) +
        "\n  this run has:" + differing_lines(run.fingerprint, c.config_fingerprint));
  }
  if (c.model_hash != run.model_hash) {
    throw config_error("the checkpoint '" + path +
                       "' was written with a different model file (SHA-256 " + c.model_hash +
                       ", this run's model has " + run.model_hash + ")");
  }
}

}  // namespace

void install_stop_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (int signal : {SIGTERM, SIGUSR1, SIGINT}) sigaction(signal, &action, nullptr);
}

int received_stop_signal() { return g_stop_signal; }

std::string stop_reason(double max_hours) {
  if (g_stop_signal != 0) return std::string("received ") + signal_name(g_stop_signal);
  if (max_hours > 0) {
    std::ostringstream out;
    out << "--maxh " << max_hours << ": 99 % of the wall time used";
    return out.str();
  }
  return "stop requested on another rank";
}

RunFingerprint fingerprint_run(const RunConfig& config, const Communicator& comm) {
  RunFingerprint f;
  f.fingerprint = physics_fingerprint(config);
  f.config_hash = sha256_hex(f.fingerprint.data(), f.fingerprint.size());
  on_root(comm, [&] {
    // One model: its file's hash (as checkpoints have always stored); several: the hash of
    // their hashes, in order. None (lj/cut): empty.
    const std::vector<std::string> models = model_files(config.potential);
    if (models.size() == 1) {
      f.model_hash = sha256_file(models.front());
    } else if (models.size() > 1) {
      std::string hashes;
      for (const std::string& model : models) hashes += sha256_file(model) + "\n";
      f.model_hash = sha256_hex(hashes.data(), hashes.size());
    }
  });
  return f;
}

CheckpointState load_restart_checkpoint(const std::string& path, const RunFingerprint& run,
                                        const Communicator& comm) {
  CheckpointState state;
  on_root(comm, [&] {
    std::string used = path;
    try {
      state = read_checkpoint_file(path);
    } catch (const Error& e) {
      const std::string previous = previous_checkpoint_path(path);
      std::error_code ec;
      if (!fs::exists(previous, ec)) throw;
      spdlog::warn("{}; falling back to the previous checkpoint {}", e.what(), previous);
      state = read_checkpoint_file(previous);
      used = previous;
    }
    check_identity(state, run, used);
    spdlog::info("continuing from checkpoint {} at step {} (time {} ps), written by {} on {} "
                 "ranks",
                 used, state.step, state.time_ps, state.mdrun_version, state.n_ranks);
  });
  broadcast(comm, state.step);
  return state;
}

void attach_trajectories(Simulation& simulation, const RunConfig& config, const PreparedRun& run,
                         std::int64_t append_after_step, const Communicator& comm) {
  TrajectoryProvenance provenance;
  if (comm.is_root()) {
    provenance.type_names = run.type_names;
    provenance.creator_version = version_string();
    provenance.config_text = config_text(config);
    provenance.config_file = config.config_path;
    if (const char* user = std::getenv("USER")) provenance.author = user;
  }
  for (const TrajectoryConfig& t : config.output.trajectories) {
    std::unique_ptr<TrajectoryWriter> writer;
    on_root(comm, [&] {
      writer = open_trajectory_writer(t.format, t.file, t.fields, provenance, append_after_step);
    });
    simulation.add_observer(
        std::make_unique<TrajectoryObserver>(comm, std::move(writer), t.every, t.fields));
  }
}

void attach_model_deviation(Simulation& simulation, const RunConfig& config,
                            std::int64_t append_after_step, const Communicator& comm) {
  const ModelDeviationSettings deviation = model_deviation_settings(config.potential);
  if (deviation.every <= 0) return;
  std::unique_ptr<ModelDeviationWriter> writer;
  on_root(comm, [&] {
    writer = std::make_unique<ModelDeviationFileWriter>(deviation.file, deviation.atomic,
                                                        append_after_step);
  });
  simulation.add_observer(std::make_unique<ModelDeviationObserver>(std::move(writer)));
}

void attach_checkpoints(Simulation& simulation, const RunConfig& config, const RunFingerprint& run,
                        bool restarted, double max_hours,
                        std::chrono::steady_clock::time_point start, const Communicator& comm) {
  using Clock = std::chrono::steady_clock;
  const CheckpointConfig checkpoint = config.checkpoint;
  if (checkpoint.enabled) {
    on_root(comm, [&] {
      // The run holds the directory's lock: scratch files there are a killed run's leftovers.
      const int stale = remove_stale_scratch_files(checkpoint.file);
      if (stale > 0) spdlog::info("removed {} unfinished checkpoint file(s) of a killed run", stale);
    });
  }
  if (checkpoint.enabled && !restarted) {
    on_root(comm, [&] {
      for (const std::string& path :
           {checkpoint.file, previous_checkpoint_path(checkpoint.file)}) {
        const std::string backup = back_up_existing(path);
        if (!backup.empty()) spdlog::info("kept the existing {} as {}", path, backup);
      }
    });
  }
  auto last_write = std::make_shared<Clock::time_point>(Clock::now());
  simulation.set_checkpoint_writer([comm, checkpoint, run, last_write](const CheckpointState& s) {
    on_root(comm, [&] {
      CheckpointState state = s;
      state.mdrun_version = version_string();
      state.config_fingerprint = run.fingerprint;
      state.config_hash = run.config_hash;
      state.model_hash = run.model_hash;
      write_checkpoint_file(checkpoint.file, state, checkpoint.keep_previous);
      spdlog::info("wrote checkpoint {} at step {}", checkpoint.file, state.step);
    });
    *last_write = Clock::now();
  });
  const double max_seconds = 0.99 * max_hours * 3600.0;
  simulation.set_run_control([comm, checkpoint, last_write, max_seconds,
                              start](std::int64_t step) {
    StepRequests requests;
    const auto now = Clock::now();
    requests.stop = received_stop_signal() != 0 ||
                    (max_seconds > 0 &&
                     std::chrono::duration<double>(now - start).count() >= max_seconds);
    if (checkpoint.enabled) {
      const bool by_steps = checkpoint.every_steps > 0 && step % checkpoint.every_steps == 0;
      // Wall time is judged on rank 0 only, so all ranks agree through the reduction.
      const bool by_time =
          comm.is_root() && checkpoint.every_minutes > 0 &&
          std::chrono::duration<double>(now - *last_write).count() >= 60.0 * checkpoint.every_minutes;
      requests.checkpoint = by_steps || by_time;
    }
    return requests;
  });
}

void write_crash_dump(const Simulation& simulation, const RunConfig& config,
                      const Communicator& comm) {
  const std::string path = crash_dump_path(config);
  try {
    TrajectoryFields all;
    all.velocity = all.force = all.image = true;
    const TrajectoryFrame frame = simulation.gather_frame(all);
    on_root(comm, [&] {
      const std::string backup = back_up_existing(path);
      if (!backup.empty()) spdlog::info("kept the existing {} as {}", path, backup);
      write_file_atomically(path, format_dump_frame(frame, all));
      spdlog::error("wrote the last state (step {}) for debugging to {}", frame.step, path);
    });
  } catch (const std::exception& e) {
    spdlog::error("could not write the debug dump {}: {}", path, e.what());
  }
}

}  // namespace md
