// SPDX-License-Identifier: MIT
/// \file
/// Every file a run reads and writes, known before the first step, so that what can only fail
/// late fails at start (and under `--check`): an output that is the config, an input or another
/// output; an output directory that is missing or not writable; an output that is a directory;
/// another mdrun already writing in the same directory (a lock). One place lists the outputs, so
/// a new output kind is added here once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "io/run_config.hpp"

namespace md {

/// A file of the run: the config key (or option) that names it, and its path.
struct RunFile {
  std::string key;
  std::string path;
};

/// The path of the final data file: `output.final_data_file`, or `<structure file name>.final`
/// in the working directory.
std::string final_data_path(const RunConfig& config);
/// The debug dump written when a guard stops the run: `output.crash_dump_file`, or
/// `<structure file name>.crash.dump` in the working directory.
std::string crash_dump_path(const RunConfig& config);

/// Every file the run may write (final data, summary, trajectories, checkpoint and its previous
/// copy, crash dump, log), with the key that names each.
std::vector<RunFile> planned_outputs(const RunConfig& config);
/// Every file the run reads: the config, the structure, the model, and `checkpoint_in` (--cpi)
/// when given.
std::vector<RunFile> run_inputs(const RunConfig& config, const std::string& checkpoint_in);

/// Refuses (md::Error) an output that is an input (exit 2; the checkpoint may be the --cpi file
/// it continues), two outputs that are the same file (exit 2; special files such as /dev/null
/// may be shared), an output that is a directory, and an output directory that is missing or in
/// which a file cannot be created (exit 7, found by creating and removing a scratch file).
void check_output_plan(const std::vector<RunFile>& outputs, const std::vector<RunFile>& inputs,
                       const std::string& checkpoint_in);

/// An exclusive lock (flock) on `.mdrun.lock` in every directory that receives outputs, held for
/// the life of the object: a second mdrun writing into the same directory is refused at start
/// with a message naming the first (pid, host, config, start time). The kernel releases the lock
/// when the process ends, however it ends; the small lock files stay.
class OutputLock {
 public:
  /// Takes the locks, or throws md::Error (exit code 7).
  OutputLock(const std::vector<RunFile>& outputs, const std::string& config_path);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  std::vector<int> fds_;
};

}  // namespace md
