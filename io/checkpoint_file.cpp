// SPDX-License-Identifier: MIT
#include "io/checkpoint_file.hpp"
#include "io/output_path.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "core/error.hpp"
#include "io/hdf5_handle.hpp"
#include "io/sha256.hpp"

namespace md {
namespace {

namespace fs = std::filesystem;

// --- The payload hash --------------------------------------------------------------------------

/// Feeds every field of the state, length-prefixed, into one SHA-256: any change to a value,
/// an array length or a string changes it.
class PayloadHasher {
 public:
  void add(const std::string& s) {
    add_size(s.size());
    sha_.update(s.data(), s.size());
  }
  template <class T>
  void add(const std::vector<T>& v) {
    add_size(v.size());
    sha_.update(v.data(), v.size() * sizeof(T));
  }
  template <class T>
  void add_value(const T& value) {
    sha_.update(&value, sizeof value);
  }
  std::string hex() { return sha_.hex_digest(); }

 private:
  void add_size(std::uint64_t n) { sha_.update(&n, sizeof n); }
  Sha256 sha_;
};

/// Bitwise equality of two boxes' bounds and tilts.
bool same_box(const Box& a, const Box& b) {
  for (int d = 0; d < 3; ++d) {
    if (a.lo[d] != b.lo[d] || a.hi[d] != b.hi[d] || a.tilt[d] != b.tilt[d]) return false;
  }
  return true;
}

std::string payload_hash(const CheckpointState& c) {
  PayloadHasher h;
  h.add(c.mdrun_version);
  h.add(c.config_fingerprint);
  h.add(c.config_hash);
  h.add(c.model_hash);
  h.add_value(c.step);
  h.add_value(c.time_ps);
  h.add_value(c.dt_ps);
  for (int d = 0; d < 3; ++d) {
    h.add_value(c.box.lo[d]);
    h.add_value(c.box.hi[d]);
    h.add_value(static_cast<int>(c.box.periodic[d]));
    h.add_value(c.grid[d]);
  }
  // Tilts join the hash only when present, so checkpoints of orthogonal boxes written before
  // tilts existed still verify.
  if (c.box.triclinic()) {
    for (int t = 0; t < 3; ++t) h.add_value(c.box.tilt[t]);
  }
  // Likewise the rebuild box, only when it differs from the box.
  if (!same_box(c.rebuild_box, c.box)) {
    for (int d = 0; d < 3; ++d) {
      h.add_value(c.rebuild_box.lo[d]);
      h.add_value(c.rebuild_box.hi[d]);
      h.add_value(c.rebuild_box.tilt[d]);
    }
  }
  h.add_value(c.n_ranks);
  for (const auto& name : c.type_names) h.add(name);
  h.add(c.rank_counts);
  h.add(c.ids);
  h.add(c.types);
  h.add(c.positions);
  h.add(c.rebuild_positions);
  h.add(c.velocities);
  h.add(c.images);
  h.add(c.integrator_kind);
  h.add(c.integrator_scalars);
  h.add(c.local_heat);
  h.add_value(c.random_seed);
  return h.hex();
}

std::string join_lines(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += name + "\n";
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

/// fsync of a path (a file, or a directory so that a rename in it is durable).
void sync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) {
    if (directory) return;  // some file systems do not allow it; the rename is still atomic
    throw io_error("cannot open '" + path + "' to flush it: " + std::strerror(errno));
  }
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  if (rc != 0 && !directory) {
    throw io_error("cannot flush checkpoint '" + path + "' to disk (" + std::strerror(saved) +
                   "): is the disk full?");
  }
}

/// The K of MD_TEST_KILL_DURING_CHECKPOINT, or 0.
long kill_during_write_number() {
  const char* value = std::getenv("MD_TEST_KILL_DURING_CHECKPOINT");
  return value ? std::atol(value) : 0;
}

template <class T>
void write_rows(hid_t loc, const std::string& name, const std::vector<T>& values, hsize_t width) {
  const hsize_t rows = width ? values.size() / width : 0;
  if (width == 1) {
    hdf5::write_dataset(loc, name, {rows}, values.data());
  } else {
    hdf5::write_dataset(loc, name, {rows, width}, values.data());
  }
}

/// A checkpoint dataset. mdrun writes every one in full, so one that declares more data than
/// the file holds is refused before memory is allocated for it (hdf5::stored_size_problem).
template <class T>
std::vector<T> read_stored(hid_t loc, const char* name) {
  return hdf5::read_dataset<T>(loc, name, nullptr, /*stored_only=*/true);
}

}  // namespace

std::string previous_checkpoint_path(const std::string& path) {
  const fs::path p(path);
  return (p.parent_path() / (p.stem().string() + "_prev" + p.extension().string())).string();
}

void write_checkpoint_file(const std::string& checkpoint_path, const CheckpointState& c,
                           bool keep_previous) {
  hdf5::quiet_errors();
  static long writes = 0;
  const long kill_at = kill_during_write_number();
  ++writes;
  // A link named as the checkpoint is followed: its target is what gets replaced.
  const std::string path = output_target(checkpoint_path);
  // A uniquely named scratch file (never a user's `<file>.tmp`), removed if the write fails.
  const std::string temp = create_scratch_file(path);
  struct RemoveUnlessKept {
    const std::string& file;
    bool keep = false;
    ~RemoveUnlessKept() {
      if (!keep) std::remove(file.c_str());
    }
  } scratch{temp};
  std::error_code ec;
  {
    hdf5::Handle file(H5Fcreate(temp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    if (!file.valid()) throw io_error("cannot create checkpoint file '" + temp + "'");
    const hid_t f = file.get();
    try {
      hdf5::write_string_attribute(f, "format", "mdrun checkpoint");
      hdf5::write_attribute(f, "format_version", kCheckpointFormatVersion);
      hdf5::write_string_attribute(f, "mdrun_version", c.mdrun_version);
      hdf5::write_attribute(f, "step", c.step);
      hdf5::write_attribute(f, "time_ps", c.time_ps);
      hdf5::write_attribute(f, "dt_ps", c.dt_ps);
      hdf5::write_attribute(f, "n_ranks", c.n_ranks);
      hdf5::write_attribute(f, "grid", std::vector<int>(c.grid.begin(), c.grid.end()));
      hdf5::write_string_attribute(f, "config_hash", c.config_hash);
      hdf5::write_string_attribute(f, "model_hash", c.model_hash);
      hdf5::write_string_attribute(f, "config_fingerprint", c.config_fingerprint);
      hdf5::write_string_attribute(f, "type_names", join_lines(c.type_names));
      {
        hdf5::Handle box = hdf5::create_group(f, "box");
        hdf5::write_dataset(box.get(), "lo", {3}, c.box.lo);
        hdf5::write_dataset(box.get(), "hi", {3}, c.box.hi);
        const int periodic[3] = {c.box.periodic[0], c.box.periodic[1], c.box.periodic[2]};
        hdf5::write_dataset(box.get(), "periodic", {3}, periodic);
        hdf5::write_dataset(box.get(), "tilt", {3}, c.box.tilt);  // xy, xz, yz
        // The box of the last neighbour-list build (a restart rebuilds the same list in it).
        hdf5::write_dataset(box.get(), "rebuild_lo", {3}, c.rebuild_box.lo);
        hdf5::write_dataset(box.get(), "rebuild_hi", {3}, c.rebuild_box.hi);
        hdf5::write_dataset(box.get(), "rebuild_tilt", {3}, c.rebuild_box.tilt);
        hdf5::write_string_attribute(box.get(), "unit", "Angstrom");
      }
      {
        hdf5::Handle atoms = hdf5::create_group(f, "atoms");
        const hid_t a = atoms.get();
        write_rows(a, "rank_counts", c.rank_counts, 1);
        write_rows(a, "id", c.ids, 1);
        write_rows(a, "type", c.types, 1);
        write_rows(a, "position", c.positions, 3);
        write_rows(a, "rebuild_position", c.rebuild_positions, 3);
        write_rows(a, "velocity", c.velocities, 3);
        write_rows(a, "image", c.images, 3);
      }
      if (kill_at == writes) {
        // Fault injection: die with a half-written temporary file on disk.
        H5Fflush(f, H5F_SCOPE_GLOBAL);
        std::fflush(stdout);
        std::raise(SIGKILL);
      }
      {
        hdf5::Handle integrator = hdf5::create_group(f, "integrator");
        hdf5::write_string_attribute(integrator.get(), "kind", c.integrator_kind);
        hdf5::write_attribute(integrator.get(), "random_seed", c.random_seed);
        write_rows(integrator.get(), "scalars", c.integrator_scalars, 1);
        write_rows(integrator.get(), "local_heat", c.local_heat, 1);
      }
      hdf5::write_string_attribute(f, "payload_sha256", payload_hash(c));
    } catch (const Error& e) {
      throw io_error("cannot write checkpoint '" + temp + "': " + e.what());
    }
    if (H5Fflush(f, H5F_SCOPE_GLOBAL) < 0) {
      throw io_error("cannot flush checkpoint '" + temp + "'");
    }
  }
  sync_path(temp, false);
  if (keep_previous && fs::exists(path, ec)) {
    const std::string previous = previous_checkpoint_path(path);
    fs::remove(previous, ec);
    // A hard link keeps `path` in place until the rename replaces it atomically.
    fs::create_hard_link(path, previous, ec);
    if (ec) {
      fs::copy_file(path, previous, fs::copy_options::overwrite_existing, ec);
      if (ec) {
        throw io_error("cannot keep the previous checkpoint as '" + previous + "': " +
                       ec.message());
      }
      sync_path(previous, false);
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    throw io_error("cannot rename '" + temp + "' to '" + path + "': " + std::strerror(errno));
  }
  scratch.keep = true;
  const fs::path parent = fs::path(path).parent_path();
  sync_path(parent.empty() ? "." : parent.string(), true);
}

CheckpointState read_checkpoint_file(const std::string& path) {
  hdf5::quiet_errors();
  std::error_code ec;
  if (!fs::exists(path, ec)) throw io_error("checkpoint '" + path + "' does not exist");
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    throw io_error("checkpoint '" + path + "' is not an HDF5 file (truncated or damaged?)");
  }
  hdf5::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) throw io_error("cannot open checkpoint '" + path + "'");
  const hid_t f = file.get();
  CheckpointState c;
  std::string stored_hash;
  try {
    if (hdf5::read_string_attribute(f, "format") != "mdrun checkpoint") {
      throw io_error("not an mdrun checkpoint");
    }
    const int version = hdf5::read_attribute<int>(f, "format_version");
    if (version != kCheckpointFormatVersion) {
      throw io_error("format version " + std::to_string(version) + " is not supported (this " +
                     "mdrun reads version " + std::to_string(kCheckpointFormatVersion) + ")");
    }
    if (H5Aexists(f, "payload_sha256") <= 0) {
      throw io_error("it is incomplete (no payload hash: the write was interrupted)");
    }
    stored_hash = hdf5::read_string_attribute(f, "payload_sha256");
    c.mdrun_version = hdf5::read_string_attribute(f, "mdrun_version");
    c.step = hdf5::read_attribute<std::int64_t>(f, "step");
    c.time_ps = hdf5::read_attribute<double>(f, "time_ps");
    c.dt_ps = hdf5::read_attribute<double>(f, "dt_ps");
    c.n_ranks = hdf5::read_attribute<int>(f, "n_ranks");
    const std::vector<int> grid = hdf5::read_attribute_values<int>(f, "grid");
    if (grid.size() != 3) throw io_error("attribute 'grid' must hold 3 values");
    for (int d = 0; d < 3; ++d) c.grid[d] = grid[d];
    c.config_hash = hdf5::read_string_attribute(f, "config_hash");
    c.model_hash = hdf5::read_string_attribute(f, "model_hash");
    c.config_fingerprint = hdf5::read_string_attribute(f, "config_fingerprint");
    c.type_names = split_lines(hdf5::read_string_attribute(f, "type_names"));
    {
      hdf5::Handle box = hdf5::open_group(f, "box");
      const auto lo = read_stored<double>(box.get(), "lo");
      const auto hi = read_stored<double>(box.get(), "hi");
      const auto periodic = read_stored<int>(box.get(), "periodic");
      if (lo.size() != 3 || hi.size() != 3 || periodic.size() != 3) {
        throw io_error("the box must have 3 components");
      }
      for (int d = 0; d < 3; ++d) {
        c.box.lo[d] = lo[d];
        c.box.hi[d] = hi[d];
        c.box.periodic[d] = periodic[d] != 0;
      }
      // Checkpoints from before tilted boxes have no tilt: orthogonal.
      if (hdf5::exists(box.get(), "tilt")) {
        const auto tilt = read_stored<double>(box.get(), "tilt");
        if (tilt.size() != 3) throw io_error("the box tilt must have 3 components");
        for (int t = 0; t < 3; ++t) c.box.tilt[t] = tilt[t];
      }
      c.rebuild_box = c.box;  // older checkpoints: the list was built in the current box
      if (hdf5::exists(box.get(), "rebuild_lo")) {
        const auto lo_r = read_stored<double>(box.get(), "rebuild_lo");
        const auto hi_r = read_stored<double>(box.get(), "rebuild_hi");
        const auto tilt_r = read_stored<double>(box.get(), "rebuild_tilt");
        if (lo_r.size() != 3 || hi_r.size() != 3 || tilt_r.size() != 3) {
          throw io_error("the rebuild box must have 3 components");
        }
        for (int d = 0; d < 3; ++d) {
          c.rebuild_box.lo[d] = lo_r[d];
          c.rebuild_box.hi[d] = hi_r[d];
          c.rebuild_box.tilt[d] = tilt_r[d];
        }
      }
    }
    {
      hdf5::Handle atoms = hdf5::open_group(f, "atoms");
      const hid_t a = atoms.get();
      c.rank_counts = read_stored<std::int64_t>(a, "rank_counts");
      c.ids = read_stored<std::int64_t>(a, "id");
      c.types = read_stored<int>(a, "type");
      c.positions = read_stored<double>(a, "position");
      c.rebuild_positions = read_stored<double>(a, "rebuild_position");
      c.velocities = read_stored<double>(a, "velocity");
      c.images = read_stored<int>(a, "image");
    }
    {
      hdf5::Handle integrator = hdf5::open_group(f, "integrator");
      c.integrator_kind = hdf5::read_string_attribute(integrator.get(), "kind");
      c.random_seed = hdf5::read_attribute<std::uint64_t>(integrator.get(), "random_seed");
      c.integrator_scalars = read_stored<double>(integrator.get(), "scalars");
      c.local_heat = read_stored<double>(integrator.get(), "local_heat");
    }
  } catch (const Error& e) {
    throw io_error("checkpoint '" + path + "' cannot be used: " + e.what());
  }
  const std::size_t n = c.ids.size();
  if (c.types.size() != n || c.positions.size() != 3 * n || c.rebuild_positions.size() != 3 * n ||
      c.velocities.size() != 3 * n || c.images.size() != 3 * n ||
      c.rank_counts.size() != static_cast<std::size_t>(c.n_ranks) ||
      c.local_heat.size() != c.rank_counts.size()) {
    throw io_error("checkpoint '" + path + "' cannot be used: its arrays have inconsistent sizes");
  }
  if (payload_hash(c) != stored_hash) {
    throw io_error("checkpoint '" + path +
                   "' is corrupt: its contents do not match the SHA-256 stored in it");
  }
  return c;
}

namespace {

std::string number(double x) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", x);
  return buffer;
}

}  // namespace

std::string physics_fingerprint(const RunConfig& config) {
  std::ostringstream out;
  out << "units = metal\n";
  out << "structure.type_map =";
  for (const auto& name : config.structure.type_map) out << ' ' << name;
  out << "\nstructure.boundary =";
  for (bool p : config.structure.periodic) out << ' ' << (p ? 'p' : 'f');
  out << "\nstructure.replicate =";
  for (int r : config.structure.replicate) out << ' ' << r;
  out << '\n';
  for (const auto& [name, mass] : config.masses) out << "masses." << name << " = " << number(mass) << '\n';
  out << potential_fingerprint(config.potential);
  out << "run.dt_ps = " << number(config.simulation.dt_ps) << '\n';
  const ThermostatSettings& t = config.simulation.integrator.thermostat;
  switch (t.type) {
    case ThermostatType::kNone:
      out << "integrator.type = nve\n";
      break;
    case ThermostatType::kNoseHooverChain:
      out << "integrator.thermostat = nose_hoover_chain, temperature_K " << number(t.temperature_K)
          << ", tau_ps " << number(t.tau_ps) << ", chain " << t.chain << '\n';
      break;
    case ThermostatType::kCsvr:
      out << "integrator.thermostat = csvr, temperature_K " << number(t.temperature_K)
          << ", tau_ps " << number(t.tau_ps) << ", seed " << t.seed << '\n';
      break;
    case ThermostatType::kLangevin:
      out << "integrator.thermostat = langevin, temperature_K " << number(t.temperature_K)
          << ", damping_ps " << number(t.damping_ps) << ", seed " << t.seed << '\n';
      break;
    case ThermostatType::kBerendsen:
      out << "integrator.thermostat = berendsen, temperature_K " << number(t.temperature_K)
          << ", tau_ps " << number(t.tau_ps) << '\n';
      break;
  }
  const BarostatSettings& b = config.simulation.integrator.barostat;
  if (b.type == BarostatType::kMtk) {
    out << "integrator.barostat = mtk, pressure_bar " << number(b.pressure_bar) << ", tau_ps "
        << number(b.tau_ps) << ", chain " << b.chain << ", coupling "
        << barostat_coupling_name(b.coupling) << '\n';
  }
  if (b.type == BarostatType::kCRescale) {
    out << "integrator.barostat = c_rescale, pressure_bar " << number(b.pressure_bar)
        << ", tau_ps " << number(b.tau_ps) << ", compressibility_per_bar "
        << number(b.compressibility_per_bar) << ", seed " << b.seed << ", every " << b.every
        << '\n';
  }
  return out.str();
}

}  // namespace md
