// SPDX-License-Identifier: MIT
#include "output_plan.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <set>

#include "core/error.hpp"
#include "io/checkpoint_file.hpp"
#include "io/output_path.hpp"

namespace md {
namespace {

namespace fs = std::filesystem;

/// The identity of a file for comparison: its canonical path (links and `..` resolved as far as
/// the path exists), plus device and inode when it exists (hard links are the same file).
struct FileIdentity {
  std::string canonical;
  bool exists = false;
  dev_t device = 0;
  ino_t inode = 0;
  bool special = false;  ///< a device, FIFO or socket

  bool same_as(const FileIdentity& other) const {
    if (exists && other.exists) return device == other.device && inode == other.inode;
    return canonical == other.canonical;
  }
};

FileIdentity identify(const std::string& path) {
  FileIdentity id;
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(fs::absolute(path, ec), ec);
  id.canonical = ec ? fs::absolute(path).lexically_normal().string() : canonical.string();
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    id.exists = true;
    id.device = st.st_dev;
    id.inode = st.st_ino;
    id.special = !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
  }
  return id;
}

/// The directory that receives an output (of the link's target when it is a link).
std::string output_directory(const std::string& path) {
  const fs::path parent = fs::path(output_target(path)).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

/// Creates and removes a scratch file in `dir`; throws an I/O error naming `key` otherwise.
void check_writable_directory(const std::string& dir, const RunFile& output) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    throw io_error(output.key + ": the directory '" + dir + "' of '" + output.path +
                   "' does not exist (create it before the run)");
  }
  if (!S_ISDIR(st.st_mode)) {
    throw io_error(output.key + ": '" + dir + "' in '" + output.path + "' is not a directory");
  }
  std::string probe = (fs::path(dir) / ".mdrun-write-test.XXXXXX").string();
  const int fd = ::mkstemp(probe.data());
  if (fd < 0) {
    throw io_error(output.key + ": cannot create files in the directory '" + dir + "' of '" +
                   output.path + "': " + std::strerror(errno));
  }
  ::close(fd);
  std::remove(probe.c_str());
}

std::string describe(const RunFile& file) { return file.key + " '" + file.path + "'"; }

std::string lock_holder(int fd) {
  char buffer[512] = {};
  const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
  std::string text = n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text.empty() ? "another mdrun" : text;
}

}  // namespace

std::string final_data_path(const RunConfig& config) {
  if (!config.output.final_data_file.empty()) return config.output.final_data_file;
  return fs::path(config.structure.file).filename().string() + ".final";
}

std::string crash_dump_path(const RunConfig& config) {
  if (!config.output.crash_dump_file.empty()) return config.output.crash_dump_file;
  return fs::path(config.structure.file).filename().string() + ".crash.dump";
}

std::vector<RunFile> planned_outputs(const RunConfig& config) {
  std::vector<RunFile> out;
  const bool default_final = config.output.final_data_file.empty();
  if (config.output.write_final_data) {
    out.push_back({default_final ? "the final data file (output.final_data_file)"
                                 : "output.final_data_file",
                   final_data_path(config)});
  }
  if (!config.output.summary_json.empty()) {
    out.push_back({"output.summary_json", config.output.summary_json});
  }
  for (std::size_t k = 0; k < config.output.trajectories.size(); ++k) {
    out.push_back({"output.trajectory[" + std::to_string(k) + "].file",
                   config.output.trajectories[k].file});
  }
  const ModelDeviationSettings deviation = model_deviation_settings(config.potential);
  if (deviation.every > 0) out.push_back({"potential.deviation.file", deviation.file});
  if (config.checkpoint.enabled) {
    out.push_back({"checkpoint.file", config.checkpoint.file});
    if (config.checkpoint.keep_previous) {
      out.push_back({"the previous checkpoint (checkpoint.file with _prev)",
                     previous_checkpoint_path(config.checkpoint.file)});
    }
  }
  out.push_back({config.output.crash_dump_file.empty()
                     ? "the crash dump (output.crash_dump_file)"
                     : "output.crash_dump_file",
                 crash_dump_path(config)});
  if (!config.output.log_file.empty()) out.push_back({"output.log_file", config.output.log_file});
  return out;
}

std::vector<RunFile> run_inputs(const RunConfig& config, const std::string& checkpoint_in) {
  std::vector<RunFile> in;
  if (!config.config_path.empty()) in.push_back({"the config file", config.config_path});
  in.push_back({"structure.file", config.structure.file});
  const std::vector<std::string> models = model_files(config.potential);
  for (std::size_t k = 0; k < models.size(); ++k) {
    in.push_back({models.size() == 1 ? "potential.model"
                                     : "potential.models[" + std::to_string(k) + "]",
                  models[k]});
  }
  if (!checkpoint_in.empty()) in.push_back({"--cpi", checkpoint_in});
  return in;
}

void check_output_plan(const std::vector<RunFile>& outputs, const std::vector<RunFile>& inputs,
                       const std::string& checkpoint_in) {
  std::vector<FileIdentity> input_ids;
  for (const RunFile& input : inputs) input_ids.push_back(identify(input.path));
  std::vector<FileIdentity> output_ids;
  for (const RunFile& output : outputs) output_ids.push_back(identify(output.path));

  for (std::size_t o = 0; o < outputs.size(); ++o) {
    const FileIdentity& id = output_ids[o];
    if (id.special) continue;  // /dev/null and friends: written into, shared freely
    std::error_code ec;
    if (fs::is_directory(output_target(outputs[o].path), ec)) {
      throw io_error(describe(outputs[o]) + " is a directory (expected a file name)");
    }
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (!id.same_as(input_ids[i])) continue;
      // A restart continues its checkpoint: writing the next one over it is the point.
      const bool checkpoint_continued =
          !checkpoint_in.empty() && inputs[i].key == "--cpi" &&
          outputs[o].key.find("checkpoint") != std::string::npos;
      if (checkpoint_continued) continue;
      throw config_error(describe(outputs[o]) + " is " + describe(inputs[i]) +
                         ": the run would overwrite its own input; choose another output name");
    }
    for (std::size_t p = 0; p < o; ++p) {
      if (!output_ids[p].special && id.same_as(output_ids[p])) {
        throw config_error(describe(outputs[o]) + " is the same file as " +
                           describe(outputs[p]) + ": give each output its own file");
      }
    }
  }
  std::set<std::string> checked;
  for (std::size_t o = 0; o < outputs.size(); ++o) {
    if (output_ids[o].special) continue;
    const std::string dir = output_directory(outputs[o].path);
    if (checked.insert(dir).second) check_writable_directory(dir, outputs[o]);
  }
}

OutputLock::OutputLock(const std::vector<RunFile>& outputs, const std::string& config_path) {
  std::set<std::string> directories;
  for (const RunFile& output : outputs) {
    if (!is_special_file(output_target(output.path))) {
      std::error_code ec;
      const fs::path dir = fs::weakly_canonical(fs::absolute(output_directory(output.path)), ec);
      directories.insert(ec ? output_directory(output.path) : dir.string());
    }
  }
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  const std::time_t now = std::time(nullptr);
  char started[64] = {};
  std::strftime(started, sizeof started, "%Y-%m-%d %H:%M:%S", std::localtime(&now));
  const std::string me = "mdrun (pid " + std::to_string(::getpid()) + " on " + host +
                         ", config " + config_path + ", started " + started + ")\n";
  for (const std::string& dir : directories) {
    const std::string path = (fs::path(dir) / ".mdrun.lock").string();
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      throw io_error("cannot create the lock file '" + path + "': " + std::strerror(errno));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const std::string holder = lock_holder(fd);
      ::close(fd);
      throw io_error("another run is writing outputs in '" + dir + "': " + holder +
                     ". Two runs in one directory overwrite each other's files; wait for it to "
                     "finish, or start this run in another directory");
    }
    if (::ftruncate(fd, 0) == 0) {
      [[maybe_unused]] const ssize_t written = ::pwrite(fd, me.data(), me.size(), 0);
    }
    fds_.push_back(fd);
  }
}

OutputLock::~OutputLock() {
  for (int fd : fds_) ::close(fd);  // closing releases the lock
}

}  // namespace md
