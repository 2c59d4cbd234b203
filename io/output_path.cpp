// SPDX-License-Identifier: MIT
#include "io/output_path.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/error.hpp"

namespace md {

namespace fs = std::filesystem;

std::string back_up_existing(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return "";
  const fs::path original(path);
  for (int n = 1;; ++n) {
    fs::path backup = original.parent_path() /
                      ("#" + original.filename().string() + "." + std::to_string(n) + "#");
    if (fs::exists(backup, ec)) continue;
    fs::rename(original, backup, ec);
    if (ec) {
      throw io_error("cannot back up existing output file '" + path + "' to '" +
                     backup.string() + "': " + ec.message());
    }
    return backup.string();
  }
}

void write_file_atomically(const std::string& path, const std::string& contents) {
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    throw io_error("cannot write '" + temp + "': " + std::strerror(errno));
  }
  std::size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string reason = std::strerror(errno);
      ::close(fd);
      throw io_error("cannot write '" + temp + "': " + reason);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    throw io_error("cannot flush '" + temp + "' to disk: " + std::strerror(errno));
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    throw io_error("cannot rename '" + temp + "' to '" + path + "': " + std::strerror(errno));
  }
}

}  // namespace md
