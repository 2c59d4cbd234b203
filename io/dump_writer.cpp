// SPDX-License-Identifier: MIT
#include "io/dump_writer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "io/output_path.hpp"

namespace md {
namespace {

namespace fs = std::filesystem;

void append_number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += std::isnan(value) ? "nan" : (value > 0 ? "inf" : "-inf");
    return;
  }
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;
  out.append(buffer, end);
}

void append_integer(std::string& out, std::int64_t value) {
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;
  out.append(buffer, end);
}

}  // namespace

std::string format_dump_frame(const TrajectoryFrame& frame, const TrajectoryFields& fields) {
  std::string out;
  out += "ITEM: TIMESTEP\n";
  append_integer(out, frame.step);
  out += "\nITEM: NUMBER OF ATOMS\n";
  append_integer(out, static_cast<std::int64_t>(frame.size()));
  const Box& box = frame.box;
  const bool tilted = box.triclinic();
  out += tilted ? "\nITEM: BOX BOUNDS xy xz yz" : "\nITEM: BOX BOUNDS";
  for (int d = 0; d < 3; ++d) out += box.periodic[d] ? " pp" : " ff";
  out += '\n';
  // A tilted box is written as LAMMPS does: the bounding box of the cell, then the tilt, per
  // line (x: xy, y: xz, z: yz).
  double bound_lo[3], bound_hi[3];
  for (int d = 0; d < 3; ++d) bound_lo[d] = box.lo[d], bound_hi[d] = box.hi[d];
  if (tilted) {
    const double xy = box.tilt[Box::kXY], xz = box.tilt[Box::kXZ], yz = box.tilt[Box::kYZ];
    bound_lo[0] += std::min({0.0, xy, xz, xy + xz});
    bound_hi[0] += std::max({0.0, xy, xz, xy + xz});
    bound_lo[1] += std::min(0.0, yz);
    bound_hi[1] += std::max(0.0, yz);
  }
  for (int d = 0; d < 3; ++d) {
    append_number(out, bound_lo[d]);
    out += ' ';
    append_number(out, bound_hi[d]);
    if (tilted) {
      out += ' ';
      append_number(out, box.tilt[d]);
    }
    out += '\n';
  }
  const bool images = fields.image && frame.images.size() == 3 * frame.size();
  const bool velocities = fields.velocity && frame.velocities.size() == 3 * frame.size();
  const bool forces = fields.force && frame.forces.size() == 3 * frame.size();
  out += "ITEM: ATOMS id type x y z";
  if (images) out += " ix iy iz";
  if (velocities) out += " vx vy vz";
  if (forces) out += " fx fy fz";
  out += '\n';
  for (std::size_t i = 0; i < frame.size(); ++i) {
    append_integer(out, frame.ids[i]);
    out += ' ';
    append_integer(out, frame.types[i] + 1);
    const auto row = [&](const auto& values, auto append) {
      for (int c = 0; c < 3; ++c) {
        out += ' ';
        append(out, values[3 * i + c]);
      }
    };
    row(frame.positions, append_number);
    if (images) row(frame.images, [](std::string& s, int v) { append_integer(s, v); });
    if (velocities) row(frame.velocities, append_number);
    if (forces) row(frame.forces, append_number);
    out += '\n';
  }
  return out;
}

std::int64_t truncate_dump_file(const std::string& path, std::int64_t last_step) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw io_error("cannot open the dump file '" + path + "' to continue it");
  std::string line;
  std::uintmax_t offset = 0;
  std::int64_t kept = 0;
  std::uintmax_t cut = 0;
  bool cutting = false;
  bool expect_step = false;
  std::uintmax_t frame_start = 0;
  while (std::getline(in, line)) {
    const std::uintmax_t line_start = offset;
    offset += line.size() + 1;
    if (expect_step) {
      expect_step = false;
      std::int64_t step = 0;
      const auto [ptr, ec] = std::from_chars(line.data(), line.data() + line.size(), step);
      if (ec != std::errc()) {
        throw io_error("dump file '" + path + "' is damaged: a TIMESTEP is not a number");
      }
      if (step > last_step) {
        cut = frame_start;
        cutting = true;
        break;
      }
      ++kept;
    } else if (line == "ITEM: TIMESTEP") {
      frame_start = line_start;
      expect_step = true;
    }
  }
  in.close();
  if (cutting) {
    std::error_code ec;
    fs::resize_file(path, cut, ec);
    if (ec) throw io_error("cannot cut the dump file '" + path + "': " + ec.message());
  }
  return kept;
}

DumpWriter::DumpWriter(std::string path, TrajectoryFields fields, std::int64_t append_after_step)
    : path_(std::move(path)), fields_(fields) {
  std::error_code ec;
  if (append_after_step >= 0 && fs::exists(path_, ec)) {
    const std::int64_t kept = truncate_dump_file(path_, append_after_step);
    spdlog::info("continuing dump {} after its {} frames up to step {}", path_, kept,
                 append_after_step);
    return;
  }
  const std::string backup = back_up_existing(path_);
  if (!backup.empty()) spdlog::info("kept the existing {} as {}", path_, backup);
  std::ofstream create(path_, std::ios::binary | std::ios::trunc);
  if (!create) throw io_error("cannot create the dump file '" + path_ + "'");
}

void DumpWriter::write_frame(const TrajectoryFrame& frame) {
  std::ofstream out(path_, std::ios::binary | std::ios::app);
  const std::string text = format_dump_frame(frame, fields_);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.flush();
  if (!out) throw io_error("cannot write to the dump file '" + path_ + "' (disk full?)");
}

}  // namespace md
