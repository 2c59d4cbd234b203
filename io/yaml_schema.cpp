// SPDX-License-Identifier: MIT
/// \file
/// The strict YAML walker (io/yaml_schema.hpp). Numbers are parsed with std::from_chars rather
/// than yaml-cpp's stream conversion, so the result does not depend on the C locale and a value
/// such as `1.5` given for an integer, or `0x10`, is an error instead of being truncated.
#include "io/yaml_schema.hpp"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <sstream>
#include <system_error>
#include <utility>

#include "core/error.hpp"

namespace md::yaml_schema {
namespace {

/// Longest scalar quoted back in a message; a pasted blob should not flood the terminal.
constexpr std::size_t kMaxQuotedChars = 60;
/// Longest word for which a "did you mean" is computed: the distance table is quadratic, and no
/// one misspells a key that long.
constexpr std::size_t kMaxHintWordChars = 64;

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string to_lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), lower);
  return s;
}

std::string format_number(double x) {
  std::ostringstream out;
  out.precision(15);
  out << x;
  return out.str();
}

/// yaml-cpp gives quoted scalars the non-specific tag "!" and plain ones "?". Numbers and
/// booleans must be plain: `steps: "10"` is a string, and saying so beats guessing.
bool is_quoted(const YAML::Node& node) { return node.Tag() == "!"; }

std::string_view strip_plus(const std::string& text) {
  std::string_view view(text);
  if (!view.empty() && view.front() == '+') view.remove_prefix(1);
  return view;
}

enum class ParseStatus { kOk, kNotANumber, kOutOfRange };

ParseStatus parse_double(const std::string& text, double& out) {
  const std::string_view view = strip_plus(text);
  if (view.empty()) return ParseStatus::kNotANumber;
  const char* end = view.data() + view.size();
  const auto [ptr, ec] = std::from_chars(view.data(), end, out, std::chars_format::general);
  if (ec == std::errc::result_out_of_range) return ParseStatus::kOutOfRange;
  if (ec != std::errc() || ptr != end) return ParseStatus::kNotANumber;
  if (!std::isfinite(out)) return ParseStatus::kOutOfRange;
  return ParseStatus::kOk;
}

ParseStatus parse_integer(const std::string& text, std::int64_t& out) {
  const std::string_view view = strip_plus(text);
  if (view.empty()) return ParseStatus::kNotANumber;
  const char* end = view.data() + view.size();
  const auto [ptr, ec] = std::from_chars(view.data(), end, out, 10);
  if (ec == std::errc::result_out_of_range) return ParseStatus::kOutOfRange;
  if (ec != std::errc() || ptr != end) return ParseStatus::kNotANumber;
  return ParseStatus::kOk;
}

std::string describe_integer_range(std::int64_t min, std::int64_t max) {
  if (max == std::numeric_limits<std::int64_t>::max()) return ">= " + std::to_string(min);
  return "between " + std::to_string(min) + " and " + std::to_string(max);
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

}  // namespace

int edit_distance(const std::string& a_in, const std::string& b_in) {
  const std::string a = to_lower(a_in);
  const std::string b = to_lower(b_in);
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  // d[i][j]: distance between the first i characters of a and the first j of b.
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1, 0));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  if (word.empty() || word.size() > kMaxHintWordChars) return "";
  // Short words are one typo from many unrelated keys; allow more slack only for longer ones.
  const int limit = word.size() <= 3 ? 1 : std::max(2, static_cast<int>(word.size()) / 3);
  const std::string word_lower = to_lower(word);
  std::string best;
  int best_distance = INT_MAX;
  for (const auto& candidate : candidates) {
    int distance = edit_distance(word, candidate);
    // The classic slip is leaving out the unit: `dt` for `dt_fs`, `skin` for `skin_A`.
    if (word.size() >= 2 && to_lower(candidate).rfind(word_lower + "_", 0) == 0) {
      distance = std::min(distance, 1);
    }
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  if (best_distance > limit || best_distance >= static_cast<int>(word.size())) return "";
  return best;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string match = closest_match(word, candidates);
  return match.empty() ? "" : " (did you mean '" + match + "'?)";
}

std::string shorten(const std::string& text) {
  if (text.size() <= kMaxQuotedChars) return text;
  return text.substr(0, kMaxQuotedChars) + "...";
}

std::string quote(const std::string& text) { return "'" + shorten(text) + "'"; }

std::string join_choices(const std::vector<std::string>& choices) {
  std::string out;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) out += i + 1 == choices.size() ? " or " : ", ";
    out += choices[i];
  }
  return out;
}

bool Range::contains(double x) const {
  if (min && (min_inclusive ? x < *min : x <= *min)) return false;
  if (max && (max_inclusive ? x > *max : x >= *max)) return false;
  return true;
}

std::string Range::describe() const {
  std::string out;
  if (min) out += (min_inclusive ? ">= " : "> ") + format_number(*min);
  if (max) {
    if (!out.empty()) out += " and ";
    out += (max_inclusive ? "<= " : "< ") + format_number(*max);
  }
  if (!out.empty() && !unit.empty()) out += " " + unit;
  return out;
}

// --- Document -----------------------------------------------------------------------------------

void Document::add_override_node(const YAML::Node& node, const std::string& text) {
  override_nodes_.emplace_back(node, text);
}

std::string Document::override_text(const YAML::Node& node) const {
  if (!node.IsDefined()) return "";
  // The latest override wins, as it does for the value itself.
  for (auto it = override_nodes_.rbegin(); it != override_nodes_.rend(); ++it) {
    if (it->first.is(node)) return it->second;
  }
  return "";
}

void Document::add_known_keys(const std::string& section, const std::vector<std::string>& keys) {
  for (const auto& key : keys) {
    auto& sections = sections_by_key_[key];
    if (std::find(sections.begin(), sections.end(), section) == sections.end()) {
      sections.push_back(section);
    }
  }
}

std::vector<std::string> Document::sections_with_key(const std::string& key,
                                                     const std::string& except) const {
  std::vector<std::string> out;
  const auto it = sections_by_key_.find(key);
  if (it == sections_by_key_.end()) return out;
  for (const auto& section : it->second) {
    if (section != except) out.push_back(section);
  }
  return out;
}

std::string Document::locate(const std::string& origin, const YAML::Mark& mark) const {
  if (!origin.empty()) return "--set " + origin;
  if (!mark.is_null()) return source_name_ + ":" + std::to_string(mark.line + 1);
  return source_name_;
}

void Document::fail(const std::string& origin, const YAML::Mark& mark,
                    const std::string& what) const {
  throw config_error(locate(origin, mark) + ": " + what);
}

namespace {

/// Records what the parser reports of one document: where it starts and whether it holds any
/// node (an empty document, such as the one after a trailing `---`, holds none).
class DocumentProbe final : public YAML::EventHandler {
 public:
  YAML::Mark start;    ///< where the document starts
  YAML::Mark content;  ///< where its first node is
  bool has_content = false;

  void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { found(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    found(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    found(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    found(mark);
  }
  void OnMapEnd() override {}

 private:
  void found(const YAML::Mark& mark) {
    if (!has_content) content = mark;
    has_content = true;
  }
};

std::string at(const std::string& source_name, const YAML::Mark& mark) {
  if (mark.is_null()) return source_name;
  return source_name + ":" + std::to_string(mark.line + 1);
}

/// What is wrong with a YAML text, and where.
struct YamlProblem {
  YAML::Mark mark;
  std::string what;
};

/// The one document of `text` (a null node when it is empty); throws YamlProblem.
YAML::Node parse_one_document(const std::string& text) {
  // The documents are walked one at a time, and never more than three: yaml-cpp's LoadAll loops
  // forever on text such as "," or "{a: 1}," (the parser reports an empty document at the same
  // place again and again without consuming anything), eating memory until the machine runs out.
  std::vector<DocumentProbe> documents;
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    for (int k = 0; k < 3; ++k) {
      DocumentProbe probe;
      if (!parser.HandleNextDocument(probe)) break;
      documents.push_back(probe);
    }
  } catch (const YAML::Exception& e) {
    // ParserException (and DeepRecursion, its subclass) carry the position of the problem.
    throw YamlProblem{e.mark, "YAML syntax error: " + e.msg};
  }
  for (std::size_t k = 1; k < documents.size(); ++k) {
    if (!documents[k].has_content && documents[k].start.pos == documents[k - 1].start.pos) {
      throw YamlProblem{documents[k].start,
                        "YAML syntax error: the text from here on is not part of the document "
                        "(a stray ',' or other character where a key or value is expected)"};
    }
  }
  // A trailing `---` opens one empty document; any content after the first is a second config.
  for (std::size_t k = 1; k < documents.size(); ++k) {
    if (documents[k].has_content || k == 2) {
      const YAML::Mark& mark = documents[k].has_content ? documents[k].content : documents[k].start;
      throw YamlProblem{mark, std::string("the file holds ") +
                                  (documents.size() == 3 ? "3 or more" : "2") +
                                  " YAML documents (separated by '---'); a run config is exactly "
                                  "one"};
    }
  }
  if (documents.empty() || !documents.front().has_content) return YAML::Node();
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw YamlProblem{e.mark, "YAML syntax error: " + e.msg};
  }
}

}  // namespace

YAML::Node load_document(const std::string& text, const std::string& source_name) {
  try {
    return parse_one_document(text);
  } catch (const YamlProblem& problem) {
    throw config_error(at(source_name, problem.mark) + ": " + problem.what);
  }
}

void apply_override(YAML::Node& root, const std::string& text, Document& doc) {
  const auto equals = text.find('=');
  if (equals == std::string::npos) {
    throw config_error("--set " + text + ": expected key.path=value, e.g. run.steps=1000");
  }
  const std::string path = trim(text.substr(0, equals));
  const std::string value_text = text.substr(equals + 1);

  std::vector<std::string> keys;
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    const std::string key = trim(path.substr(start, dot == std::string::npos ? dot : dot - start));
    if (key.empty()) {
      throw config_error("--set " + text + ": empty key in the path '" + path +
                         "'; write section.key=value, e.g. run.steps=1000");
    }
    keys.push_back(key);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }

  // The value must be one whole YAML value: "[step]," or "1 2]" are refused, not cut short.
  // The whole value must be one YAML value: "[step]," is refused, not cut at the comma.
  YAML::Node value;
  try {
    value = parse_one_document(value_text);
  } catch (const YamlProblem& problem) {
    const std::string column =
        problem.mark.is_null() ? "" : " (at character " + std::to_string(problem.mark.column + 1) +
                                          " of the value)";
    throw config_error("--set " + text + ": the value is not valid YAML: " + problem.what + column);
  }

  if (!root.IsDefined() || root.IsNull()) root.reset(YAML::Node(YAML::NodeType::Map));
  if (!root.IsMap()) {
    throw config_error("--set " + text + ": the config is not a map of sections, so " +
                       "nothing can be set in it");
  }

  // Node::reset rebinds a handle; plain assignment would overwrite the node it refers to.
  YAML::Node current;
  current.reset(root);
  std::string walked;
  for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
    walked += (i > 0 ? "." : "") + keys[i];
    YAML::Node next = current[keys[i]];
    if (!next.IsDefined() || next.IsNull()) {
      const YAML::Node section(YAML::NodeType::Map);
      current[keys[i]] = section;
      doc.add_override_node(section, text);
      next.reset(current[keys[i]]);
    } else if (next.IsSequence()) {
      throw config_error("--set " + text + ": '" + walked +
                         "' is a list, not a section; --set can only replace it as a whole");
    } else if (!next.IsMap()) {
      throw config_error("--set " + text + ": '" + walked + "' is a value, not a section, so it " +
                         "has no key '" + keys[i + 1] + "'");
    }
    current.reset(next);
  }
  current[keys.back()] = value;
  doc.add_override_node(value, text);
}

// --- Value --------------------------------------------------------------------------------------

Value::Value(const Document& doc, YAML::Node node, std::string name, YAML::Mark mark,
             std::string origin)
    : doc_(&doc),
      node_(std::move(node)),
      name_(std::move(name)),
      mark_(mark),
      origin_(std::move(origin)) {}

void Value::fail(const std::string& what) const { doc_->fail(origin_, mark_, what); }

std::string Value::describe_found() const {
  if (is_null()) return "nothing";
  if (node_.IsSequence()) return "a list";
  if (node_.IsMap()) return "a section (a map of keys)";
  if (is_quoted(node_)) return "the quoted string " + quote(node_.Scalar());
  return quote(node_.Scalar());
}

const std::string& Value::scalar_or_fail(const std::string& expected) const {
  if (is_null() || !node_.IsScalar())
    fail(name_ + " must be " + expected + ", got " + describe_found());
  return node_.Scalar();
}

std::string Value::as_string() const { return scalar_or_fail("a string"); }

std::string Value::as_nonempty_string() const {
  const std::string text = as_string();
  if (trim(text).empty()) fail(name_ + " must not be empty");
  return text;
}

std::string Value::as_choice(const std::vector<std::string>& choices) const {
  const std::string expected = join_choices(choices);
  const std::string text = scalar_or_fail(expected);
  if (std::find(choices.begin(), choices.end(), text) != choices.end()) return text;
  fail(name_ + " must be " + expected + ", got " + quote(text) + did_you_mean(text, choices));
}

double Value::as_number(const Range& range) const {
  const std::string range_text = range.describe();
  const std::string expected = range_text.empty() ? "a number" : "a number " + range_text;
  const std::string& text = scalar_or_fail(expected);
  double x = 0.0;
  const ParseStatus status = parse_double(text, x);
  if (is_quoted(node_) && status == ParseStatus::kOk) {
    fail(name_ + " must be " + expected + ", not the quoted string " + quote(text) +
         " (write numbers without quotes)");
  }
  if (status == ParseStatus::kOutOfRange) {
    fail(name_ + " must be a finite number" + (range_text.empty() ? "" : " " + range_text) +
         ", got " + quote(text));
  }
  if (status != ParseStatus::kOk || is_quoted(node_)) {
    fail(name_ + " must be " + expected + ", got " + describe_found());
  }
  if (!range.contains(x))
    fail(name_ + " = " + shorten(text) + " is out of range: must be " + range_text);
  return x;
}

std::int64_t Value::as_integer(std::int64_t min, std::int64_t max) const {
  const std::string range_text = describe_integer_range(min, max);
  const std::string expected = "an integer " + range_text;
  const std::string& text = scalar_or_fail(expected);
  std::int64_t x = 0;
  const ParseStatus status = parse_integer(text, x);
  if (is_quoted(node_) && status == ParseStatus::kOk) {
    fail(name_ + " must be " + expected + ", not the quoted string " + quote(text) +
         " (write numbers without quotes)");
  }
  if (status == ParseStatus::kOutOfRange) {
    // Beyond 64 bits: give both ends, since ">= 1" alone reads as satisfied.
    fail(name_ + " = " + shorten(text) + " is out of range: must be between " +
         std::to_string(min) + " and " + std::to_string(max));
  }
  if (status != ParseStatus::kOk || is_quoted(node_)) {
    fail(name_ + " must be " + expected + ", got " + describe_found());
  }
  if (x < min || x > max)
    fail(name_ + " = " + shorten(text) + " is out of range: must be " + range_text);
  return x;
}

bool Value::as_bool() const {
  const std::string& text = scalar_or_fail("true or false");
  if (!is_quoted(node_)) {
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
  }
  fail(name_ + " must be true or false, got " + describe_found());
}

std::vector<Value> Value::as_list(const std::string& example) const {
  if (is_null() || !node_.IsSequence()) {
    fail(name_ + " must be a list" + (example.empty() ? "" : " such as " + example) + ", got " +
         describe_found());
  }
  std::vector<Value> out;
  out.reserve(node_.size());
  std::size_t index = 0;
  for (const auto& element : node_) {
    const std::string element_origin = doc_->override_text(element);
    const YAML::Mark element_mark = element.Mark().is_null() ? mark_ : element.Mark();
    out.emplace_back(*doc_, element, name_ + "[" + std::to_string(index) + "]", element_mark,
                     element_origin.empty() ? origin_ : element_origin);
    ++index;
  }
  return out;
}

std::vector<double> Value::as_number_list(const Range& range) const {
  std::vector<double> out;
  for (const auto& element : as_list()) out.push_back(element.as_number(range));
  return out;
}

Section Value::as_section() const { return Section(*doc_, node_, name_, mark_, origin_); }

// --- Section ------------------------------------------------------------------------------------

Section::Section(const Document& doc, YAML::Node node, std::string name, YAML::Mark mark,
                 std::string origin)
    : doc_(&doc), name_(std::move(name)), mark_(mark), origin_(std::move(origin)) {
  if (!node.IsDefined() || node.IsNull()) return;  // `neighbor:` with nothing under it
  if (!node.IsMap()) {
    const std::string found =
        node.IsSequence() ? "a list" : "the value " + quote(node.IsScalar() ? node.Scalar() : "");
    if (name_.empty())
      fail("a run config must be a map of sections (run:, structure:, ...), got " + found);
    fail(name_ + " must be a section (a map of keys), got " + found);
  }
  std::map<std::string, std::size_t> first_index;
  for (const auto& pair : node) {
    Entry entry{"", pair.first, pair.second};
    if (!pair.first.IsScalar()) {
      fail_at(entry, "keys in " + display_name() + " must be plain names, not a list or a map");
    }
    entry.key = pair.first.Scalar();
    const auto [it, inserted] = first_index.emplace(entry.key, entries_.size());
    if (!inserted) {
      const YAML::Mark first_mark = entries_[it->second].key_node.Mark();
      const std::string first_line =
          first_mark.is_null()
              ? ""
              : " (first given on line " + std::to_string(first_mark.line + 1) + ")";
      const std::string what = name_.empty()
                                   ? "duplicate top-level key " + quote(entry.key)
                                   : "duplicate key " + quote(entry.key) + " in " + display_name();
      fail_at(entry, what + first_line);
    }
    entries_.push_back(std::move(entry));
  }
}

std::string Section::display_name() const {
  return name_.empty() ? "the top level" : "section '" + name_ + "'";
}

std::string Section::child_name(const std::string& key) const {
  return name_.empty() ? key : name_ + "." + key;
}

std::string Section::origin_of(const Entry& entry) const {
  const std::string own = doc_->override_text(entry.value);
  return own.empty() ? origin_ : own;
}

void Section::allow_only(const std::vector<std::string>& keys, const KeyExplainer& explain) const {
  for (const auto& entry : entries_) {
    if (std::find(keys.begin(), keys.end(), entry.key) != keys.end()) continue;
    std::string message = explain ? explain(entry.key) : "";
    if (message.empty()) {
      message = name_.empty() ? "unknown top-level key " + quote(entry.key)
                              : "unknown key " + quote(entry.key) + " in " + display_name();
      std::string hint = did_you_mean(entry.key, keys);
      if (hint.empty()) {
        std::vector<std::string> elsewhere = doc_->sections_with_key(entry.key, name_);
        if (!elsewhere.empty()) {
          if (elsewhere.front().empty()) {
            hint = " (it is a top-level key)";
          } else {
            for (auto& section : elsewhere) section = "'" + section + "'";
            hint = " (it belongs in section " + join_choices(elsewhere) + ")";
          }
        }
      }
      message += hint;
    }
    fail_at(entry, message);
  }
}

bool Section::has(const std::string& key) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& entry) { return entry.key == key; });
}

Value Section::get(const std::string& key) const {
  if (auto value = find(key)) return *value;
  if (name_.empty()) fail("missing required section '" + key + "'");
  fail("missing required key '" + key + "' in " + display_name());
}

std::optional<Value> Section::find(const std::string& key) const {
  for (const auto& entry : entries_) {
    if (entry.key == key) return value_of(entry);
  }
  return std::nullopt;
}

Value Section::value_of(const Entry& entry) const {
  const YAML::Mark mark = entry.key_node.Mark().is_null() ? mark_ : entry.key_node.Mark();
  return Value(*doc_, entry.value, child_name(entry.key), mark, origin_of(entry));
}

void Section::fail(const std::string& what) const { doc_->fail(origin_, mark_, what); }

void Section::fail_at(const Entry& entry, const std::string& what) const {
  const YAML::Mark mark = entry.key_node.Mark().is_null() ? mark_ : entry.key_node.Mark();
  doc_->fail(origin_of(entry), mark, what);
}

}  // namespace md::yaml_schema
