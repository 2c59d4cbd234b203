// SPDX-License-Identifier: MIT
#include "io/output_path.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/error.hpp"

namespace md {

namespace fs = std::filesystem;

namespace {

/// Links followed at most (a loop of links is an error, as for the kernel).
constexpr int kMaxLinks = 40;

void write_all(int fd, const std::string& contents, const std::string& what) {
  std::size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string reason = std::strerror(errno);
      ::close(fd);
      throw io_error("cannot write '" + what + "': " + reason);
    }
    written += static_cast<std::size_t>(n);
  }
}

}  // namespace

std::string output_target(const std::string& path) {
  fs::path current(path);
  for (int hop = 0; hop < kMaxLinks; ++hop) {
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(current, ec))) return current.string();
    const fs::path target = fs::read_symlink(current, ec);
    if (ec) throw io_error("cannot read the symbolic link '" + current.string() + "': " + ec.message());
    current = target.is_absolute() ? target : current.parent_path() / target;
  }
  throw io_error("'" + path + "': too many levels of symbolic links");
}

bool is_special_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  return !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

std::string back_up_existing(const std::string& path) {
  const std::string target = output_target(path);
  struct stat st {};
  if (::stat(target.c_str(), &st) != 0) return "";
  if (S_ISDIR(st.st_mode)) {
    throw io_error("the output '" + path + "' is a directory (expected a file name)");
  }
  if (!S_ISREG(st.st_mode)) return "";  // a device, FIFO or socket: written into, never moved
  const fs::path original(target);
  std::error_code ec;
  for (int n = 1;; ++n) {
    fs::path backup = original.parent_path() /
                      ("#" + original.filename().string() + "." + std::to_string(n) + "#");
    if (fs::exists(fs::symlink_status(backup, ec))) continue;
    fs::rename(original, backup, ec);
    if (ec) {
      throw io_error("cannot back up existing output file '" + target + "' to '" +
                     backup.string() + "': " + ec.message());
    }
    return backup.string();
  }
}

std::string create_scratch_file(const std::string& path) {
  const fs::path target(output_target(path));
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::string name = (dir / ("." + target.filename().string() + ".tmp.XXXXXX")).string();
  std::vector<char> buffer(name.begin(), name.end());
  buffer.push_back('\0');
  const int fd = ::mkstemp(buffer.data());
  if (fd < 0) {
    throw io_error("cannot create a scratch file in '" + dir.string() + "' for '" + path +
                   "': " + std::strerror(errno));
  }
  ::close(fd);
  return std::string(buffer.data());
}

int remove_stale_scratch_files(const std::string& path) {
  const fs::path target(output_target(path));
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const std::string prefix = "." + target.filename().string() + ".tmp.";
  constexpr std::size_t kSuffix = 6;  // mkstemp's XXXXXX
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() == prefix.size() + kSuffix && name.rfind(prefix, 0) == 0 &&
        entry.is_regular_file(ec) && fs::remove(entry.path(), ec)) {
      ++removed;
    }
  }
  return removed;
}

void write_file_atomically(const std::string& path, const std::string& contents) {
  const std::string target = output_target(path);
  if (is_special_file(target)) {
    const int fd = ::open(target.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) throw io_error("cannot write '" + path + "': " + std::strerror(errno));
    write_all(fd, contents, path);
    if (::close(fd) != 0) throw io_error("cannot write '" + path + "': " + std::strerror(errno));
    return;
  }
  const std::string temp = create_scratch_file(target);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) {
    const std::string reason = std::strerror(errno);
    std::remove(temp.c_str());
    throw io_error("cannot write '" + temp + "': " + reason);
  }
  try {
    write_all(fd, contents, temp);
  } catch (...) {
    std::remove(temp.c_str());
    throw;
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(temp.c_str());
    throw io_error("cannot flush '" + temp + "' to disk: " + reason);
  }
  // mkstemp makes 0600; an output gets the permissions a newly created file would get.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::chmod(temp.c_str(), 0666 & ~mask);
  if (std::rename(temp.c_str(), target.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(temp.c_str());
    throw io_error("cannot rename '" + temp + "' to '" + target + "': " + reason);
  }
}

}  // namespace md
