// SPDX-License-Identifier: MIT
/// \file
/// A small strict walker over a yaml-cpp document, private to io/: sections with a closed set of
/// keys, typed and range-checked values, and error messages that say where (`file:line`, or the
/// `--set` text that put the value there) and what, with a "did you mean" hint for misspelt keys.
///
/// Why not `node["key"].as<T>()`: yaml-cpp silently keeps the first of two duplicate keys, accepts
/// `yes`/`on` as booleans and `.inf` as a number, and its exceptions carry no key path. A run that
/// starts with a misspelt key quietly using a default is the failure mode this exists to prevent
/// (docs/conventions-and-reliability.md §A3: TorchMD and grompp reject unknown keys; so do we).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace md::yaml_schema {

/// Optimal-string-alignment edit distance (insertions, deletions, substitutions and adjacent
/// transpositions each cost 1), ignoring ASCII case.
int edit_distance(const std::string& a, const std::string& b);

/// The candidate nearest to `word` when it is close enough to be a useful hint, else "". A key
/// that only lacks its unit suffix (`dt` for `dt_fs`) always counts as close.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

/// " (did you mean 'x'?)" for the closest match, or "" when there is none.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

/// `text` cut to a length fit for a message ("..." marks the cut).
std::string shorten(const std::string& text);
/// shorten(text) in single quotes.
std::string quote(const std::string& text);

/// "a, b or c": candidates joined for messages.
std::string join_choices(const std::vector<std::string>& choices);

/// An inclusive or exclusive bound on a number, with its unit for messages.
struct Range {
  std::optional<double> min;
  std::optional<double> max;
  bool min_inclusive = true;
  bool max_inclusive = true;
  std::string unit;  ///< "fs", "Å", ... ; "" when dimensionless

  static Range any(std::string unit = "") { return Range{{}, {}, true, true, std::move(unit)}; }
  static Range positive(std::string unit = "") {
    return Range{0.0, {}, false, true, std::move(unit)};
  }
  static Range non_negative(std::string unit = "") {
    return Range{0.0, {}, true, true, std::move(unit)};
  }
  bool contains(double x) const;
  /// "> 0 and <= 50 fs"; "" when unbounded.
  std::string describe() const;
};

class Section;

/// Where the document came from and what was done to it: the name used in messages, the nodes
/// that `--set` put in (so errors inside them name the override rather than a line) and, for the
/// "it belongs in section X" hint, which sections every known key is valid in.
class Document {
 public:
  explicit Document(std::string source_name) : source_name_(std::move(source_name)) {}

  const std::string& source_name() const { return source_name_; }

  /// Records that `node` (and everything under it) came from `--set <text>`.
  void add_override_node(const YAML::Node& node, const std::string& text);
  /// The `--set` text that produced `node`, or "" when it came from the file.
  std::string override_text(const YAML::Node& node) const;

  /// Declares the keys valid in `section` ("" for the top level), for misplaced-key hints.
  void add_known_keys(const std::string& section, const std::vector<std::string>& keys);
  /// Sections other than `except` in which `key` is valid.
  std::vector<std::string> sections_with_key(const std::string& key,
                                             const std::string& except) const;

  /// "file:line" for a node from the file, "--set <text>" for an override, "file" when neither
  /// is known.
  std::string locate(const std::string& origin, const YAML::Mark& mark) const;
  /// Throws md::config_error("<location>: <what>").
  [[noreturn]] void fail(const std::string& origin, const YAML::Mark& mark,
                         const std::string& what) const;

 private:
  std::string source_name_;
  std::vector<std::pair<YAML::Node, std::string>> override_nodes_;
  std::map<std::string, std::vector<std::string>> sections_by_key_;
};

/// Parses one YAML document. A syntax error, more than one document (`---`), or a deeper nesting
/// than yaml-cpp allows is a config error naming `source_name` and the line. An empty document
/// gives a Null node.
YAML::Node load_document(const std::string& text, const std::string& source_name);

/// Applies `--set key.path=value` to `root` (a Map, or Null for an empty document): the value is
/// parsed as YAML (so `[p, p, f]` and `{a: 1}` work) and stored at the dotted path, creating
/// missing intermediate sections. Records the new nodes in `doc`. Whether the keys are valid is
/// left to validation, which then names the override in its message.
void apply_override(YAML::Node& root, const std::string& text, Document& doc);

/// One value in the document with its dotted name (`run.steps`, `structure.boundary[2]`), the
/// line of its key and its origin, and typed accessors that throw a config error naming them.
class Value {
 public:
  Value(const Document& doc, YAML::Node node, std::string name, YAML::Mark mark,
        std::string origin);

  const std::string& name() const { return name_; }
  const YAML::Node& node() const { return node_; }
  const YAML::Mark& mark() const { return mark_; }
  bool is_null() const { return !node_.IsDefined() || node_.IsNull(); }

  /// Throws a config error "<location>: <what>".
  [[noreturn]] void fail(const std::string& what) const;

  /// Any scalar, quoted or not, as its text.
  std::string as_string() const;
  /// A non-empty string.
  std::string as_nonempty_string() const;
  /// A scalar that must be one of `choices`; the error lists them and the closest one.
  std::string as_choice(const std::vector<std::string>& choices) const;
  /// A finite number (unquoted) within `range`.
  double as_number(const Range& range) const;
  /// An integer (unquoted, no fraction or exponent) in [min, max].
  std::int64_t as_integer(std::int64_t min,
                          std::int64_t max = std::numeric_limits<std::int64_t>::max()) const;
  /// `true` or `false` (also True/TRUE/False/FALSE); YAML 1.1's yes/no/on/off are refused as
  /// ambiguous.
  bool as_bool() const;
  /// The elements of a sequence (an empty list is fine; Null is not). `example` ("[p, p, f]")
  /// shows the expected shape in the error message.
  std::vector<Value> as_list(const std::string& example = "") const;
  /// A list of finite numbers.
  std::vector<double> as_number_list(const Range& range) const;
  /// A map of keys. Null (a key with nothing under it) is an empty section.
  Section as_section() const;

 private:
  /// "a list", "a section", "the string 'x'", "nothing": what was found, for messages.
  std::string describe_found() const;
  const std::string& scalar_or_fail(const std::string& expected) const;

  const Document* doc_;
  YAML::Node node_;
  std::string name_;
  YAML::Mark mark_;
  std::string origin_;
};

/// A map node whose keys are plain scalars, each given once. Built by Value::as_section (which
/// checks map-ness, key types and duplicates); allow_only() then checks the key set.
class Section {
 public:
  struct Entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value;
  };
  /// Returns the full message for a key that is not allowed, or "" for the default wording.
  using KeyExplainer = std::function<std::string(const std::string& key)>;

  Section(const Document& doc, YAML::Node node, std::string name, YAML::Mark mark,
          std::string origin);

  /// The dotted name ("" at the top level).
  const std::string& name() const { return name_; }
  /// "section 'run'" or "the top level", for messages.
  std::string display_name() const;
  const std::vector<Entry>& entries() const { return entries_; }

  /// Every key must be one of `keys`; the first that is not is an error naming its line and the
  /// closest valid key, or, failing that, the sections where it is valid. `explain` may replace
  /// the message for keys it knows (e.g. a key of another potential type).
  void allow_only(const std::vector<std::string>& keys,
                  const KeyExplainer& explain = nullptr) const;

  bool has(const std::string& key) const;
  /// The value of a required key; missing is an error naming the section.
  Value get(const std::string& key) const;
  /// The value of an optional key.
  std::optional<Value> find(const std::string& key) const;
  /// The value of an entry (for free-form maps such as `masses`).
  Value value_of(const Entry& entry) const;

  [[noreturn]] void fail(const std::string& what) const;
  /// Throws "<location of entry's key>: <what>".
  [[noreturn]] void fail_at(const Entry& entry, const std::string& what) const;

 private:
  std::string child_name(const std::string& key) const;
  std::string origin_of(const Entry& entry) const;

  const Document* doc_;
  std::string name_;
  YAML::Mark mark_;
  std::string origin_;
  std::vector<Entry> entries_;
};

}  // namespace md::yaml_schema
