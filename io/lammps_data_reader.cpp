// SPDX-License-Identifier: MIT
/// \file
/// LAMMPS data file reader. Files with 10^7 atoms are common in scaling runs, so lines are read
/// from a fixed chunk buffer and split in place into string_views, and numbers are converted with
/// std::from_chars: no iostream and no allocation per line. Counts from the header are never
/// trusted for allocation beyond what the file size can hold, so a corrupt count cannot exhaust
/// memory before the count mismatch is reported.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/format.hpp"
#include "io/lammps_data.hpp"

namespace md {

const char* atom_style_name(AtomStyle style) {
  switch (style) {
    case AtomStyle::kAtomic:
      return "atomic";
    case AtomStyle::kFull:
      return "full";
  }
  return "unknown";
}

namespace {

/// Longest accepted line. LAMMPS itself stops at 254 characters; a longer limit tolerates
/// generous comments while still refusing binary files before they are split into tokens.
constexpr std::size_t kMaxLineLength = 4096;
/// Largest accepted atom count (LAMMPS' own limit for 32-bit tags).
constexpr std::int64_t kMaxAtoms = std::int64_t{1} << 31;
/// Largest accepted number of atom types; per-type arrays are allocated from this count.
constexpr std::int64_t kMaxAtomTypes = std::int64_t{1} << 20;
/// The shortest possible atom line, `1 1 0 0 0` plus newline; bounds the reservation.
constexpr std::uint64_t kMinAtomLineBytes = 10;
/// Enough for the widest supported line (`full` with image flags, 10 columns) plus slack, so a
/// line with extra columns is still counted exactly for the error message.
constexpr std::size_t kMaxTokens = 16;

const char* const kSupportedSections = "one of: Masses, Atom Type Labels, Atoms, Velocities";

/// Every atom style LAMMPS knows, to recognise the `Atoms # <style>` comment. Other words there
/// (the DeePMD water example writes `# metal`) are ordinary comments.
constexpr std::array<std::string_view, 31> kLammpsAtomStyles = {
    "amoeba",       "angle",      "atomic",     "body",      "bond",     "bpm/sphere", "charge",
    "dielectric",   "dipole",     "dpd",        "edpd",      "electron", "ellipsoid",  "full",
    "hybrid",       "line",       "mdpd",       "molecular", "oxdna",    "peri",       "rheo",
    "rheo/thermal", "smd",        "sph",        "sphere",    "spin",     "tdpd",       "template",
    "tri",          "wavepacket", "sph/thermal"};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view trim(std::string_view s) {
  std::size_t b = 0;
  while (b < s.size() && is_space(s[b])) ++b;
  std::size_t e = s.size();
  while (e > b && is_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

/// The part of a line before `#` (LAMMPS strips comments from every line but the title).
std::string_view strip_comment(std::string_view line) {
  const std::size_t hash = line.find('#');
  return hash == std::string_view::npos ? line : line.substr(0, hash);
}

/// Splits `s` at whitespace into at most `out.size()` views; returns the total number of tokens,
/// which may exceed out.size() (the extra ones are counted, not stored).
std::size_t split(std::string_view s, std::array<std::string_view, kMaxTokens>& out) {
  std::size_t count = 0;
  std::size_t i = 0;
  while (true) {
    while (i < s.size() && is_space(s[i])) ++i;
    if (i == s.size()) return count;
    const std::size_t begin = i;
    while (i < s.size() && !is_space(s[i])) ++i;
    if (count < out.size()) out[count] = s.substr(begin, i - begin);
    ++count;
  }
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

/// "1 line", "3 lines".
std::string count_of(std::int64_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

/// Reads a file line by line through a fixed chunk buffer. Lines are views into the buffer,
/// valid until the next call to next().
class LineReader {
 public:
  explicit LineReader(const std::string& path) : path_(path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      throw input_error(path + ": is a directory (expected a LAMMPS data file)");
    }
    file_ = std::fopen(path.c_str(), "rb");
    if (file_ == nullptr) {
      throw input_error(path + ": cannot open: " + std::strerror(errno) +
                        " (expected a readable LAMMPS data file)");
    }
    const auto size = std::filesystem::file_size(path, ec);
    file_size_ = ec ? 0 : static_cast<std::uint64_t>(size);
    buffer_.resize(kChunk);
  }
  ~LineReader() {
    if (file_ != nullptr) std::fclose(file_);
  }
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  /// The next line without its line terminator (`\n` or `\r\n`); false at end of file.
  bool next(std::string_view& line) {
    while (true) {
      const char* begin = buffer_.data() + begin_;
      const void* nl = std::memchr(begin, '\n', end_ - begin_);
      if (nl != nullptr) {
        const std::size_t length = static_cast<const char*>(nl) - begin;
        begin_ += length + 1;
        return emit(std::string_view(begin, length), line);
      }
      if (eof_) {
        if (begin_ == end_) return false;
        const std::size_t length = end_ - begin_;
        begin_ = end_;
        return emit(std::string_view(begin, length), line);
      }
      if (end_ - begin_ > kMaxLineLength) {
        ++line_number_;
        too_long();
      }
      fill();
    }
  }

  std::int64_t line_number() const { return line_number_; }
  std::uint64_t file_size() const { return file_size_; }

 private:
  static constexpr std::size_t kChunk = std::size_t{1} << 20;

  bool emit(std::string_view raw, std::string_view& line) {
    ++line_number_;
    if (raw.size() > kMaxLineLength) too_long();
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    line = raw;
    return true;
  }

  [[noreturn]] void too_long() const {
    throw input_error(path_ + ":" + std::to_string(line_number_) + ": line longer than " +
                      std::to_string(kMaxLineLength) +
                      " characters (expected a text LAMMPS data file)");
  }

  /// Moves the unread tail to the front of the buffer and reads the next chunk behind it.
  void fill() {
    const std::size_t tail = end_ - begin_;
    std::memmove(buffer_.data(), buffer_.data() + begin_, tail);
    begin_ = 0;
    end_ = tail;
    const std::size_t n = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, file_);
    end_ += n;
    if (n == 0 || n < buffer_.size() - tail) {
      if (std::ferror(file_)) {
        throw input_error(path_ + ":" + std::to_string(line_number_ + 1) + ": read error: " +
                          std::strerror(errno) + " (expected a readable LAMMPS data file)");
      }
      if (std::feof(file_)) eof_ = true;
    }
  }

  std::string path_;
  std::FILE* file_ = nullptr;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  std::int64_t line_number_ = 0;
  std::uint64_t file_size_ = 0;
};

/// What a header keyword means to the reader.
enum class HeaderKey {
  kAtoms,
  kAtomTypes,
  kXBounds,
  kYBounds,
  kZBounds,
  kTilt,
  kTopology,          ///< bonds, angles, ... : accepted only when zero
  kOtherParticles,    ///< ellipsoids, lines, ... : accepted only when zero
  kGeneralTriclinic,  ///< avec, bvec, cvec, abc origin
};

struct HeaderKeyword {
  std::string_view text;  ///< the keyword as written, single spaces
  std::array<std::string_view, 4> words;
  int n_words;
  int n_values;
  HeaderKey key;
};

/// Longer keywords first, so that the suffix match never stops at a shorter keyword that is the
/// tail of a longer one.
const std::array<HeaderKeyword, 27> kHeaderKeywords = {{
    {"extra bond per atom", {"extra", "bond", "per", "atom"}, 4, 1, HeaderKey::kTopology},
    {"extra angle per atom", {"extra", "angle", "per", "atom"}, 4, 1, HeaderKey::kTopology},
    {"extra dihedral per atom", {"extra", "dihedral", "per", "atom"}, 4, 1, HeaderKey::kTopology},
    {"extra improper per atom", {"extra", "improper", "per", "atom"}, 4, 1, HeaderKey::kTopology},
    {"extra special per atom", {"extra", "special", "per", "atom"}, 4, 1, HeaderKey::kTopology},
    {"xy xz yz", {"xy", "xz", "yz"}, 3, 3, HeaderKey::kTilt},
    {"atom types", {"atom", "types"}, 2, 1, HeaderKey::kAtomTypes},
    {"bond types", {"bond", "types"}, 2, 1, HeaderKey::kTopology},
    {"angle types", {"angle", "types"}, 2, 1, HeaderKey::kTopology},
    {"dihedral types", {"dihedral", "types"}, 2, 1, HeaderKey::kTopology},
    {"improper types", {"improper", "types"}, 2, 1, HeaderKey::kTopology},
    {"xlo xhi", {"xlo", "xhi"}, 2, 2, HeaderKey::kXBounds},
    {"ylo yhi", {"ylo", "yhi"}, 2, 2, HeaderKey::kYBounds},
    {"zlo zhi", {"zlo", "zhi"}, 2, 2, HeaderKey::kZBounds},
    {"abc origin", {"abc", "origin"}, 2, 3, HeaderKey::kGeneralTriclinic},
    {"atoms", {"atoms"}, 1, 1, HeaderKey::kAtoms},
    {"bonds", {"bonds"}, 1, 1, HeaderKey::kTopology},
    {"angles", {"angles"}, 1, 1, HeaderKey::kTopology},
    {"dihedrals", {"dihedrals"}, 1, 1, HeaderKey::kTopology},
    {"impropers", {"impropers"}, 1, 1, HeaderKey::kTopology},
    {"ellipsoids", {"ellipsoids"}, 1, 1, HeaderKey::kOtherParticles},
    {"lines", {"lines"}, 1, 1, HeaderKey::kOtherParticles},
    {"triangles", {"triangles"}, 1, 1, HeaderKey::kOtherParticles},
    {"bodies", {"bodies"}, 1, 1, HeaderKey::kOtherParticles},
    {"avec", {"avec"}, 1, 3, HeaderKey::kGeneralTriclinic},
    {"bvec", {"bvec"}, 1, 3, HeaderKey::kGeneralTriclinic},
    {"cvec", {"cvec"}, 1, 3, HeaderKey::kGeneralTriclinic},
}};

/// The header keyword a line ends with, or nullptr when it ends with none.
const HeaderKeyword* match_header(const std::array<std::string_view, kMaxTokens>& tokens,
                                  std::size_t n_tokens) {
  if (n_tokens > kMaxTokens) return nullptr;
  for (const HeaderKeyword& keyword : kHeaderKeywords) {
    const auto k = static_cast<std::size_t>(keyword.n_words);
    if (n_tokens < k) continue;
    bool match = true;
    for (std::size_t w = 0; w < k && match; ++w) {
      match = tokens[n_tokens - k + w] == keyword.words[w];
    }
    if (match) return &keyword;
  }
  return nullptr;
}

/// Every section keyword LAMMPS read_data knows; one of these ends a section early.
constexpr std::array<std::string_view, 30> kLammpsSections = {"Atoms",
                                                              "Velocities",
                                                              "Masses",
                                                              "Ellipsoids",
                                                              "Lines",
                                                              "Triangles",
                                                              "Bodies",
                                                              "Bonds",
                                                              "Angles",
                                                              "Dihedrals",
                                                              "Impropers",
                                                              "Pair Coeffs",
                                                              "PairIJ Coeffs",
                                                              "Bond Coeffs",
                                                              "Angle Coeffs",
                                                              "Dihedral Coeffs",
                                                              "Improper Coeffs",
                                                              "BondBond Coeffs",
                                                              "BondAngle Coeffs",
                                                              "MiddleBondTorsion Coeffs",
                                                              "EndBondTorsion Coeffs",
                                                              "AngleTorsion Coeffs",
                                                              "AngleAngleTorsion Coeffs",
                                                              "BondBond13 Coeffs",
                                                              "AngleAngle Coeffs",
                                                              "Atom Type Labels",
                                                              "Bond Type Labels",
                                                              "Angle Type Labels",
                                                              "Dihedral Type Labels",
                                                              "Improper Type Labels"};

bool is_lammps_section(std::string_view keyword) {
  return std::find(kLammpsSections.begin(), kLammpsSections.end(), keyword) !=
         kLammpsSections.end();
}

enum class Section { kNone, kMasses, kTypeLabels, kAtoms, kVelocities };

const char* section_name(Section s) {
  switch (s) {
    case Section::kMasses:
      return "Masses";
    case Section::kTypeLabels:
      return "Atom Type Labels";
    case Section::kAtoms:
      return "Atoms";
    case Section::kVelocities:
      return "Velocities";
    case Section::kNone:
      break;
  }
  return "";
}

/// Maps atom ids to their index in file order. Ids are usually dense (1..N), which allows a
/// direct table; sparse ids fall back to a sorted array with binary search.
class AtomIndex {
 public:
  static constexpr std::uint32_t kAbsent = std::numeric_limits<std::uint32_t>::max();

  /// Builds the map; returns the file indices (first, second) of the duplicate id that occurs
  /// earliest in file order, or nothing when ids are unique.
  std::optional<std::pair<std::size_t, std::size_t>> build(const std::vector<std::int64_t>& ids) {
    std::int64_t max_id = 0;
    for (const std::int64_t id : ids) max_id = std::max(max_id, id);
    const auto n = static_cast<std::int64_t>(ids.size());
    if (max_id <= 2 * n + 1024) {
      dense_.assign(static_cast<std::size_t>(max_id) + 1, kAbsent);
      for (std::size_t i = 0; i < ids.size(); ++i) {
        std::uint32_t& slot = dense_[static_cast<std::size_t>(ids[i])];
        if (slot != kAbsent) return std::make_pair(static_cast<std::size_t>(slot), i);
        slot = static_cast<std::uint32_t>(i);
      }
      return std::nullopt;
    }
    sorted_.resize(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      sorted_[i] = {ids[i], static_cast<std::uint32_t>(i)};
    }
    std::sort(sorted_.begin(), sorted_.end());
    std::optional<std::pair<std::size_t, std::size_t>> duplicate;
    for (std::size_t k = 1; k < sorted_.size(); ++k) {
      if (sorted_[k].first != sorted_[k - 1].first) continue;
      const std::size_t first = sorted_[k - 1].second;
      const std::size_t second = sorted_[k].second;
      if (!duplicate || second < duplicate->second) duplicate = std::make_pair(first, second);
    }
    return duplicate;
  }

  /// The file index of `id`, or kAbsent.
  std::uint32_t find(std::int64_t id) const {
    if (!dense_.empty() || sorted_.empty()) {
      if (id < 0 || id >= static_cast<std::int64_t>(dense_.size())) return kAbsent;
      return dense_[static_cast<std::size_t>(id)];
    }
    const auto it =
        std::lower_bound(sorted_.begin(), sorted_.end(), std::make_pair(id, std::uint32_t{0}));
    if (it == sorted_.end() || it->first != id) return kAbsent;
    return it->second;
  }

 private:
  std::vector<std::uint32_t> dense_;
  std::vector<std::pair<std::int64_t, std::uint32_t>> sorted_;
};

/// The whole read: header, then sections, with the current line number for messages.
class DataFileParser {
 public:
  DataFileParser(const std::string& path, AtomStyle style) : path_(path), style_(style), in_(path) {
    // LAMMPS' default box when a bounds line is missing.
    data_.lo = {-0.5, -0.5, -0.5};
    data_.hi = {0.5, 0.5, 0.5};
  }

  StructureData parse() {
    std::string_view line;
    if (!in_.next(line)) {
      fail(1, "an empty file", "a title line followed by the header");
    }
    data_.title = std::string(line);
    const bool more = parse_header(line);
    check_header();
    if (more) parse_body(line);
    finish();
    return std::move(data_);
  }

 private:
  [[noreturn]] void fail(std::int64_t line, const std::string& found,
                         const std::string& expected) const {
    throw input_error(path_ + ":" + std::to_string(line) + ": " + found + " (expected " + expected +
                      ")");
  }
  [[noreturn]] void fail(const std::string& found, const std::string& expected) const {
    fail(in_.line_number(), found, expected);
  }

  // --- Numbers -------------------------------------------------------------------------------

  /// Strict decimal integer: the whole token, optional sign, no fraction or exponent.
  std::int64_t parse_int(std::string_view token, const char* what) const {
    std::string_view digits = token;
    if (digits.size() > 1 && digits[0] == '+' && digits[1] >= '0' && digits[1] <= '9') {
      digits.remove_prefix(1);
    }
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec == std::errc::result_out_of_range) {
      fail("integer " + quoted(token) + " out of range for " + what, "a 64-bit integer");
    }
    if (ec != std::errc() || end != digits.data() + digits.size()) {
      fail("malformed integer " + quoted(token) + " for " + what, "a decimal integer");
    }
    return value;
  }

  /// Strict finite decimal number: the whole token must convert; NaN and infinities are refused
  /// because they would only surface later as a blown-up trajectory.
  double parse_double(std::string_view token, const char* what) const {
    std::string_view digits = token;
    if (digits.size() > 1 && digits[0] == '+' &&
        ((digits[1] >= '0' && digits[1] <= '9') || digits[1] == '.')) {
      digits.remove_prefix(1);
    }
    double value = 0.0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value,
                                           std::chars_format::general);
    const bool whole = end == digits.data() + digits.size();
    if (ec == std::errc::result_out_of_range && whole) {
      // from_chars also reports underflow to a subnormal or zero as out of range; only overflow
      // is an error, so convert again with strtod, which returns the rounded tiny value.
      const std::string copy(digits);
      errno = 0;
      value = std::strtod(copy.c_str(), nullptr);
      if (std::isfinite(value) && std::fabs(value) < 1.0) return value;
      fail("number " + quoted(token) + " out of range for " + what, "a finite number");
    }
    if (ec != std::errc() || !whole) {
      fail("malformed number " + quoted(token) + " for " + what, "a decimal number");
    }
    if (!std::isfinite(value)) {
      fail("non-finite number " + quoted(token) + " for " + what, "a finite number");
    }
    return value;
  }

  /// A header count: an integer in [0, max].
  std::int64_t parse_count(std::string_view token, const char* what, std::int64_t max,
                           const char* max_text) const {
    const std::int64_t value = parse_int(token, what);
    if (value < 0) fail("negative " + std::string(what) + " " + quoted(token), "a count >= 0");
    if (value > max) {
      fail(std::string(what) + " " + std::string(token) + " larger than supported",
           std::string("at most ") + max_text);
    }
    return value;
  }

  // --- Header --------------------------------------------------------------------------------

  /// Reads header lines until the first line that is not one. Returns true with that line in
  /// `line` when there is one, false at end of file.
  bool parse_header(std::string_view& line) {
    std::array<std::string_view, kMaxTokens> tokens;
    std::array<bool, 9> seen{};
    while (in_.next(line)) {
      const std::string_view content = trim(strip_comment(line));
      if (content.empty()) continue;
      const std::size_t n = split(content, tokens);
      const HeaderKeyword* keyword = match_header(tokens, n);
      if (keyword == nullptr) {
        // Section keywords start with a letter; anything else here is a mistyped header line.
        const char c = content[0];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
        fail("unknown header line " + quoted(content),
             "a header line such as 'N atoms', 'N atom types', 'xlo xhi', 'ylo yhi', 'zlo zhi' "
             "or 'xy xz yz', or a section keyword");
      }
      const std::string text(keyword->text);
      if (n != static_cast<std::size_t>(keyword->n_words + keyword->n_values)) {
        fail("header line " + quoted(content) + " with " +
                 count_of(static_cast<std::int64_t>(n) - keyword->n_words, "value") + " before '" +
                 text + "'",
             count_of(keyword->n_values, "value"));
      }
      const auto key_index = static_cast<std::size_t>(keyword->key);
      if (keyword->key != HeaderKey::kTopology && keyword->key != HeaderKey::kOtherParticles &&
          keyword->key != HeaderKey::kGeneralTriclinic) {
        if (seen[key_index]) fail("a second '" + text + "' header line", "each header once");
        seen[key_index] = true;
      }
      switch (keyword->key) {
        case HeaderKey::kAtoms:
          n_atoms_ = parse_count(tokens[0], "atom count", kMaxAtoms, "2^31 atoms");
          break;
        case HeaderKey::kAtomTypes:
          n_types_ = parse_count(tokens[0], "atom type count", kMaxAtomTypes, "2^20 atom types");
          if (*n_types_ == 0) fail("0 atom types", "at least 1 atom type");
          break;
        case HeaderKey::kXBounds:
        case HeaderKey::kYBounds:
        case HeaderKey::kZBounds:
          parse_bounds(
              tokens, static_cast<int>(keyword->key) - static_cast<int>(HeaderKey::kXBounds), text);
          break;
        case HeaderKey::kTilt:
          parse_tilt(tokens);
          break;
        case HeaderKey::kTopology: {
          const std::int64_t count = parse_count(tokens[0], keyword->text.data(), INT64_MAX, "");
          if (count != 0) {
            fail(std::string(tokens[0]) + " " + text +
                     " in the header, but molecular topology is not supported",
                 "0 " + text +
                     ": mdrun reads atom styles atomic and full without bonds, angles, "
                     "dihedrals or impropers");
          }
          break;
        }
        case HeaderKey::kOtherParticles: {
          const std::int64_t count = parse_count(tokens[0], keyword->text.data(), INT64_MAX, "");
          if (count != 0) {
            fail(std::string(tokens[0]) + " " + text + " in the header",
                 "0 " + text +
                     ": only point particles (atom styles atomic and full) are "
                     "supported");
          }
          break;
        }
        case HeaderKey::kGeneralTriclinic:
          fail("'" + text + "' header line: general-triclinic boxes are not supported",
               "a box given by 'xlo xhi', 'ylo yhi', 'zlo zhi' and optionally 'xy xz yz' "
               "(LAMMPS's restricted triclinic)");
      }
    }
    return false;
  }

  void parse_bounds(const std::array<std::string_view, kMaxTokens>& tokens, int dim,
                    const std::string& text) {
    static constexpr std::array<const char*, 3> kLo = {"xlo", "ylo", "zlo"};
    static constexpr std::array<const char*, 3> kHi = {"xhi", "yhi", "zhi"};
    const double lo = parse_double(tokens[0], kLo[dim]);
    const double hi = parse_double(tokens[1], kHi[dim]);
    if (!(lo < hi)) {
      fail(std::string(kLo[dim]) + " " + std::string(tokens[0]) + " >= " + kHi[dim] + " " +
               std::string(tokens[1]) + " in '" + text + "'",
           std::string(kLo[dim]) + " < " + kHi[dim]);
    }
    data_.lo[dim] = lo;
    data_.hi[dim] = hi;
  }

  void parse_tilt(const std::array<std::string_view, kMaxTokens>& tokens) {
    data_.has_tilt_line = true;
    tilt_line_ = in_.line_number();
    data_.tilt[0] = parse_double(tokens[0], "xy");
    data_.tilt[1] = parse_double(tokens[1], "xz");
    data_.tilt[2] = parse_double(tokens[2], "yz");
  }

  /// LAMMPS's limits on a restricted-triclinic cell (its "Triclinic box skew is too large"):
  /// |xy| and |xz| at most half of lx, |yz| at most half of ly. Checked once the whole header
  /// (bounds and tilts, in any order) is read.
  void check_tilt_limits() const {
    static constexpr std::array<const char*, 3> kName = {"xy", "xz", "yz"};
    static constexpr std::array<int, 3> kAlong = {0, 0, 1};  // the length each tilt is bounded by
    for (int t = 0; t < 3; ++t) {
      const int d = kAlong[t];
      const double length = data_.hi[d] - data_.lo[d];
      if (std::fabs(data_.tilt[t]) / length > 0.5) {
        fail(tilt_line_,
             "tilt factor " + std::string(kName[t]) + " = " + format_number(data_.tilt[t]) +
                 " Å, more than half the box length l" + "xyz"[d] + " = " +
                 format_number(length) + " Å",
             std::string("|") + kName[t] + "| <= l" + "xyz"[d] +
                 "/2 (LAMMPS's limit for a restricted-triclinic box; an equivalent cell with "
                 "a smaller tilt describes the same crystal)");
      }
    }
  }

  void check_header() {
    if (data_.has_tilt_line) check_tilt_limits();
    if (!n_atoms_) {
      fail("a header without an 'atoms' count", "a header line 'N atoms' before the first section");
    }
    if (!n_types_) {
      fail("a header without an 'atom types' count",
           "a header line 'N atom types' before the first section");
    }
    const auto n_types = static_cast<std::size_t>(*n_types_);
    data_.n_types = static_cast<int>(*n_types_);
    data_.masses.assign(n_types, std::nullopt);
    // Reserve what the header promises, but never more than the file can hold, so a corrupt
    // count fails on the count check instead of on memory.
    const auto n_reserve = static_cast<std::size_t>(std::min<std::uint64_t>(
        static_cast<std::uint64_t>(*n_atoms_), in_.file_size() / kMinAtomLineBytes + 1));
    data_.ids.reserve(n_reserve);
    data_.types.reserve(n_reserve);
    data_.positions.reserve(3 * n_reserve);
    data_.images.reserve(3 * n_reserve);
    atom_lines_.reserve(n_reserve);
  }

  // --- Sections ------------------------------------------------------------------------------

  /// Reads sections, starting with the section keyword line already in `line`.
  void parse_body(std::string_view line) {
    std::array<std::string_view, kMaxTokens> tokens;
    bool have_line = true;
    while (have_line) {
      const std::string_view content = trim(strip_comment(line));
      if (!content.empty()) {
        // Like LAMMPS, a section holds exactly as many lines as the header promises; only a known
        // section keyword ends it early (reported as a count mismatch). Counting, rather than
        // looking at the first character, lets `Masses` lines start with a type label.
        const bool incomplete = section_ != Section::kNone && section_count_ < section_expected_;
        const char c = content[0];
        const bool numeric = (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
        if (incomplete ? is_lammps_section(content) : !(numeric && section_ != Section::kNone)) {
          end_section();
          begin_section(content, line);
        } else {
          const std::size_t n = split(content, tokens);
          data_line(content, tokens, n);
        }
      }
      have_line = in_.next(line);
    }
    end_section();
  }

  void begin_section(std::string_view keyword, std::string_view raw_line) {
    Section section = Section::kNone;
    if (keyword == "Masses") {
      section = Section::kMasses;
    } else if (keyword == "Atom Type Labels") {
      section = Section::kTypeLabels;
    } else if (keyword == "Atoms") {
      section = Section::kAtoms;
    } else if (keyword == "Velocities") {
      section = Section::kVelocities;
    } else {
      std::array<std::string_view, kMaxTokens> tokens;
      const std::size_t n = split(keyword, tokens);
      if (match_header(tokens, n) != nullptr) {
        fail("header line " + quoted(keyword) + " after the first section",
             "all header lines before the first section");
      }
      fail("unsupported section " + quoted(keyword), kSupportedSections);
    }
    const std::string name = section_name(section);
    const auto index = static_cast<std::size_t>(section);
    if (section_seen_[index]) fail("a second " + name + " section", "each section once");
    section_seen_[index] = true;
    if (section == Section::kVelocities &&
        !section_seen_[static_cast<std::size_t>(Section::kAtoms)]) {
      fail("Velocities section before the Atoms section", "Atoms first, as LAMMPS requires");
    }
    if (section == Section::kAtoms) check_style_comment(raw_line);

    section_ = section;
    section_line_ = in_.line_number();
    section_count_ = 0;
    if (section == Section::kMasses || section == Section::kTypeLabels) {
      section_expected_ = *n_types_;
      section_expected_what_ = "the 'atom types' count";
    } else {
      section_expected_ = *n_atoms_;
      section_expected_what_ =
          section == Section::kAtoms ? "the 'atoms' count" : "one per atom, the 'atoms' count";
    }
    if (section == Section::kVelocities) {
      data_.velocities.assign(3 * data_.size(), 0.0);
      velocity_seen_.assign(data_.size(), 0);
    }

    // LAMMPS always skips the line after a section keyword, whatever it holds; a data line there
    // would be lost silently, so it must be blank (or only a comment).
    std::string_view next;
    if (in_.next(next) && !trim(strip_comment(next)).empty()) {
      fail("non-blank line " + quoted(trim(next)) + " right after section keyword '" + name + "'",
           "a blank line after each section keyword, as LAMMPS skips that line");
    }
  }

  /// The `Atoms # <style>` comment: LAMMPS write_data records the style there.
  void check_style_comment(std::string_view raw_line) {
    const std::size_t hash = raw_line.find('#');
    if (hash == std::string_view::npos) return;
    std::array<std::string_view, kMaxTokens> tokens;
    if (split(raw_line.substr(hash + 1), tokens) == 0) return;
    const std::string_view named = tokens[0];
    const bool known = std::find(kLammpsAtomStyles.begin(), kLammpsAtomStyles.end(), named) !=
                       kLammpsAtomStyles.end();
    if (known && named != atom_style_name(style_)) {
      fail("Atoms section for atom style " + std::string(named),
           std::string("atom style ") + atom_style_name(style_) +
               " as configured; set structure.atom_style to match the file");
    }
  }

  void data_line(std::string_view content, const std::array<std::string_view, kMaxTokens>& tokens,
                 std::size_t n) {
    if (section_ == Section::kNone) {
      fail("a data line outside any section", "a section keyword such as 'Atoms'");
    }
    if (section_count_ >= section_expected_) {
      if (match_header(tokens, n) != nullptr) {
        fail("header line " + quoted(content) + " after the first section",
             "all header lines before the first section");
      }
      fail("more than " + count_of(section_expected_, "line") + " in the " +
               section_name(section_) + " section",
           count_of(section_expected_, "line") + ", " + section_expected_what_);
    }
    ++section_count_;
    switch (section_) {
      case Section::kMasses:
        mass_line(tokens, n);
        break;
      case Section::kTypeLabels:
        label_line(tokens, n);
        break;
      case Section::kAtoms:
        atom_line(tokens, n);
        break;
      case Section::kVelocities:
        velocity_line(tokens, n);
        break;
      case Section::kNone:
        break;
    }
  }

  void end_section() {
    if (section_ == Section::kNone) return;
    if (section_count_ != section_expected_) {
      fail(
          section_line_,
          std::string(section_name(section_)) + " section with " + count_of(section_count_, "line"),
          count_of(section_expected_, "line") + ", " + section_expected_what_);
    }
    if (section_ == Section::kAtoms) index_atoms();
    section_ = Section::kNone;
  }

  void check_columns(std::size_t n, std::size_t expected, const char* layout) const {
    if (n != expected) {
      fail(std::string(section_name(section_)) + " line with " + std::to_string(n) + " columns",
           std::to_string(expected) + " columns: " + layout);
    }
  }

  /// An atom type: a number in 1..n_types, or a label when `Atom Type Labels` came before.
  int parse_type(std::string_view token) const {
    const char c = token[0];
    const bool numeric = (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
    if (!numeric) {
      if (labels_.empty()) {
        fail("atom type " + quoted(token) + " that is not a number",
             "a type in 1.." + std::to_string(*n_types_) +
                 ", or a label defined in an Atom Type Labels section before this one");
      }
      const auto it = labels_.find(token);
      if (it == labels_.end()) {
        fail("unknown atom type label " + quoted(token), "a label from Atom Type Labels");
      }
      return it->second;
    }
    const std::int64_t type = parse_int(token, "atom type");
    if (type < 1 || type > *n_types_) {
      fail("atom type " + std::string(token) + " out of range",
           "a type in 1.." + std::to_string(*n_types_) + ", the 'atom types' count");
    }
    return static_cast<int>(type);
  }

  void mass_line(const std::array<std::string_view, kMaxTokens>& tokens, std::size_t n) {
    check_columns(n, 2, "type mass");
    const int type = parse_type(tokens[0]);
    const double mass = parse_double(tokens[1], "mass");
    std::optional<double>& slot = data_.masses[static_cast<std::size_t>(type - 1)];
    if (slot) fail("a second mass for atom type " + std::to_string(type), "one mass per type");
    if (!(mass > 0.0)) {
      fail("mass " + std::string(tokens[1]) + " for atom type " + std::to_string(type),
           "a positive mass in amu");
    }
    slot = mass;
  }

  void label_line(const std::array<std::string_view, kMaxTokens>& tokens, std::size_t n) {
    check_columns(n, 2, "type label");
    const std::int64_t type = parse_int(tokens[0], "atom type");
    if (type < 1 || type > *n_types_) {
      fail("atom type " + std::string(tokens[0]) + " out of range",
           "a type in 1.." + std::to_string(*n_types_) + ", the 'atom types' count");
    }
    const std::string_view label = tokens[1];
    const char c = label[0];
    if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == '*') {
      fail("type label " + quoted(label) + " that starts with a digit, sign, '.' or '*'",
           "a label such as 'O' that cannot be mistaken for a number");
    }
    if (data_.type_labels.empty())
      data_.type_labels.assign(static_cast<std::size_t>(*n_types_), "");
    std::string& slot = data_.type_labels[static_cast<std::size_t>(type - 1)];
    if (!slot.empty()) fail("a second label for atom type " + std::to_string(type), "one per type");
    for (const std::string& other : data_.type_labels) {
      if (other == label) fail("label " + quoted(label) + " used twice", "unique labels");
    }
    slot = std::string(label);
    // The view refers to the string inside type_labels, which is never resized after assign().
    labels_.emplace(std::string_view(slot), static_cast<int>(type));
  }

  void atom_line(const std::array<std::string_view, kMaxTokens>& tokens, std::size_t n) {
    const bool full = style_ == AtomStyle::kFull;
    const std::size_t base = full ? 7 : 5;
    if (n != base && n != base + 3) {
      fail("Atoms line with " + std::to_string(n) + " columns",
           full ? "7 or 10 columns for atom style full: id molecule type q x y z [ix iy iz]"
                : "5 or 8 columns for atom style atomic: id type x y z [ix iy iz]");
    }
    const std::int64_t id = parse_int(tokens[0], "atom id");
    if (id <= 0) fail("atom id " + std::string(tokens[0]), "a positive atom id");
    std::size_t col = 1;
    if (full) {
      if (parse_int(tokens[col++], "molecule id") < 0) {
        fail("molecule id " + std::string(tokens[1]), "a molecule id >= 0");
      }
    }
    const int type = parse_type(tokens[col++]);
    if (full) {
      parse_double(tokens[col++], "charge");
      ignored_full_columns_ = true;
    }
    static constexpr std::array<const char*, 3> kCoord = {"x", "y", "z"};
    std::array<double, 3> x{};
    for (int d = 0; d < 3; ++d) x[d] = parse_double(tokens[col++], kCoord[d]);
    std::array<int, 3> image{};
    if (n == base + 3) {
      static constexpr std::array<const char*, 3> kImage = {"image flag ix", "image flag iy",
                                                            "image flag iz"};
      for (int d = 0; d < 3; ++d) {
        const std::int64_t v = parse_int(tokens[col++], kImage[d]);
        if (v < INT_MIN || v > INT_MAX) {
          fail("image flag " + std::string(tokens[col - 1]) + " out of range",
               "a 32-bit image flag");
        }
        image[d] = static_cast<int>(v);
      }
    }
    data_.ids.push_back(id);
    data_.types.push_back(type);
    data_.positions.insert(data_.positions.end(), x.begin(), x.end());
    data_.images.insert(data_.images.end(), image.begin(), image.end());
    atom_lines_.push_back(in_.line_number());
  }

  /// After the Atoms section: ids must be unique; builds the id lookup for Velocities.
  void index_atoms() {
    const auto duplicate = index_.build(data_.ids);
    if (duplicate) {
      const std::int64_t id = data_.ids[duplicate->second];
      fail(atom_lines_[duplicate->second],
           "duplicate atom id " + std::to_string(id) + ", first on line " +
               std::to_string(atom_lines_[duplicate->first]),
           "unique atom ids");
    }
    atom_lines_.clear();
    atom_lines_.shrink_to_fit();
  }

  void velocity_line(const std::array<std::string_view, kMaxTokens>& tokens, std::size_t n) {
    check_columns(n, 4, "id vx vy vz");
    const std::int64_t id = parse_int(tokens[0], "atom id");
    const std::uint32_t i = index_.find(id);
    if (i == AtomIndex::kAbsent) {
      fail("Velocities line for unknown atom id " + std::string(tokens[0]),
           "an atom id from the Atoms section");
    }
    if (velocity_seen_[i]) {
      fail("a second Velocities line for atom id " + std::string(tokens[0]), "one per atom");
    }
    velocity_seen_[i] = 1;
    static constexpr std::array<const char*, 3> kVelocity = {"vx", "vy", "vz"};
    for (int d = 0; d < 3; ++d) {
      data_.velocities[3 * std::size_t{i} + static_cast<std::size_t>(d)] =
          parse_double(tokens[1 + static_cast<std::size_t>(d)], kVelocity[d]);
    }
  }

  void finish() {
    if (!section_seen_[static_cast<std::size_t>(Section::kAtoms)] && *n_atoms_ > 0) {
      fail("end of file without an Atoms section",
           "an Atoms section with " + count_of(*n_atoms_, "line"));
    }
    if (ignored_full_columns_) {
      spdlog::info("{}: atom style full: molecule ids and charges are read but ignored", path_);
    }
  }

  std::string path_;
  AtomStyle style_;
  LineReader in_;
  StructureData data_;

  std::optional<std::int64_t> n_atoms_;
  std::int64_t tilt_line_ = 0;  ///< where the `xy xz yz` line was, for its messages
  std::optional<std::int64_t> n_types_;

  Section section_ = Section::kNone;
  std::array<bool, 5> section_seen_{};
  std::int64_t section_line_ = 0;
  std::int64_t section_count_ = 0;
  std::int64_t section_expected_ = 0;
  const char* section_expected_what_ = "";

  std::unordered_map<std::string_view, int> labels_;
  std::vector<std::int64_t> atom_lines_;  ///< line of each atom, for duplicate-id messages
  AtomIndex index_;
  std::vector<char> velocity_seen_;
  bool ignored_full_columns_ = false;
};

}  // namespace

StructureData read_lammps_data(const std::string& path, AtomStyle style) {
  return DataFileParser(path, style).parse();
}

}  // namespace md
