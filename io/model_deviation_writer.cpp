// SPDX-License-Identifier: MIT
#include "io/model_deviation_writer.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "io/output_path.hpp"

namespace fs = std::filesystem;

namespace md {

namespace {

constexpr const char* kLabels[] = {"max_devi_v", "min_devi_v", "avg_devi_v",
                                   "max_devi_f", "min_devi_f", "avg_devi_f"};

void append_value(std::string& out, double value) {
  char buffer[64];
  const int n = std::snprintf(buffer, sizeof buffer, " %18.6e", value);
  out.append(buffer, static_cast<std::size_t>(n));
}

/// Cuts `path` after its last row of a step ≤ `last_step` (and before any damaged row), after
/// checking its header is `header`. Returns the number of rows kept.
std::int64_t truncate_rows(const std::string& path, const std::string& header,
                           std::int64_t last_step) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw io_error("cannot open the model deviation file '" + path + "' to continue it");
  std::string line;
  if (!std::getline(in, line) || line + '\n' != header) {
    throw io_error("the model deviation file '" + path + "' does not start with the header of "
                   "this run's columns (" + header.substr(0, header.size() - 1) +
                   "): it is not this run's file, or potential.deviation.atomic changed; move "
                   "it away or restore the setting");
  }
  std::uintmax_t offset = line.size() + 1;
  std::uintmax_t cut = offset;
  std::int64_t kept = 0;
  while (std::getline(in, line)) {
    const bool complete = !in.eof();  // a last line without its newline is a torn write
    std::size_t start = line.find_first_not_of(' ');
    std::int64_t step = 0;
    const char* first = line.data() + (start == std::string::npos ? line.size() : start);
    const auto [ptr, ec] = std::from_chars(first, line.data() + line.size(), step);
    if (!complete || ec != std::errc() || step > last_step) break;
    offset += line.size() + 1;
    cut = offset;
    ++kept;
  }
  in.close();
  std::error_code ec;
  if (fs::file_size(path, ec) != cut) {
    fs::resize_file(path, cut, ec);
    if (ec) throw io_error("cannot cut the model deviation file '" + path + "': " + ec.message());
  }
  return kept;
}

}  // namespace

std::string format_model_deviation_header(bool atomic) {
  char buffer[64];
  std::string out = "#";
  std::snprintf(buffer, sizeof buffer, "%11s", "step");
  out += buffer;
  for (const char* label : kLabels) {
    std::snprintf(buffer, sizeof buffer, "%19s", label);
    out += buffer;
  }
  if (atomic) {
    std::snprintf(buffer, sizeof buffer, "%19s", "atm_devi_f(N)");
    out += buffer;
  }
  return out + '\n';
}

std::string format_model_deviation_row(const ModelDeviationRecord& r) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%12lld", static_cast<long long>(r.step));
  std::string out = buffer;
  out.reserve(out.size() + 19 * (6 + r.atom_devi_f.size()) + 1);
  for (double value : {r.max_devi_v, r.min_devi_v, r.avg_devi_v, r.max_devi_f, r.min_devi_f,
                       r.avg_devi_f}) {
    append_value(out, value);
  }
  for (double value : r.atom_devi_f) append_value(out, value);
  return out + '\n';
}

ModelDeviationFileWriter::ModelDeviationFileWriter(std::string path, bool atomic,
                                                   std::int64_t append_after_step)
    : path_(std::move(path)) {
  const std::string header = format_model_deviation_header(atomic);
  std::error_code ec;
  if (append_after_step >= 0 && fs::exists(path_, ec) && !is_special_file(path_)) {
    const std::int64_t kept = truncate_rows(path_, header, append_after_step);
    spdlog::info("continuing the model deviation file {} after its {} rows up to step {}", path_,
                 kept, append_after_step);
    return;
  }
  if (append_after_step < 0) {
    const std::string backup = back_up_existing(path_);
    if (!backup.empty()) spdlog::info("kept the existing {} as {}", path_, backup);
  }
  std::ofstream create(path_, std::ios::binary | std::ios::trunc);
  create << header;
  create.flush();
  if (!create) throw io_error("cannot create the model deviation file '" + path_ + "'");
}

void ModelDeviationFileWriter::write(const ModelDeviationRecord& record) {
  std::ofstream out(path_, std::ios::binary | std::ios::app);
  const std::string text = format_model_deviation_row(record);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.flush();
  if (!out) throw io_error("cannot write to the model deviation file '" + path_ + "' (disk full?)");
}

}  // namespace md
