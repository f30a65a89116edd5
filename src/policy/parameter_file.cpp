// Reads OpenFisca-layout YAML into a ParameterSet. Scalars are taken as text
// (Node::Scalar()) and parsed exactly; nothing here calls Node::as<double>.
#include "commonweal/policy/parameter_file.hpp"

#include "../core/sha256.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

namespace commonweal {
namespace {

const std::set<std::string> kept_keys = {"description", "reference", "metadata", "documentation"};

class ParameterReader {
 public:
  ParameterReader(std::string source_name, ParameterSet& output) : source_(std::move(source_name)), output_(output) {}

  void read_root(const YAML::Node& root) {
    if (root.IsNull()) fail(root, "the file holds no parameters");
    if (!root.IsMap()) fail(root, "the top level must be a mapping of parameter names");
    for (const auto& item : root) {
      const std::string key = item.first.Scalar();
      if (key == "metadata") {
        read_root_metadata(item.second);
      } else if (key == "description") {
        output_.description = text_of(item.second);
      } else if (kept_keys.count(key) == 0) {
        read_node(key, item.first, item.second);
      }
    }
  }

 private:
  [[noreturn]] void fail(const YAML::Node& where, const std::string& reason) const {
    const int line = where.Mark().is_null() ? 0 : where.Mark().line + 1;
    throw Error(ErrorCode::invalid_input, source_ + ":" + std::to_string(line) + ": " + reason);
  }

  std::string text_of(const YAML::Node& node) const {
    if (node.IsScalar()) return node.Scalar();
    if (node.IsNull()) return "";
    std::ostringstream out;
    out << node;
    return out.str();
  }

  void read_root_metadata(const YAML::Node& metadata) {
    if (!metadata.IsMap()) fail(metadata, "metadata must be a mapping");
    for (const auto& item : metadata) {
      const std::string key = item.first.Scalar();
      const std::string value = text_of(item.second);
      output_.metadata[key] = value;
      try {
        if (key == "currency") output_.currency = Unit::currency(value);
        if (key == "tax_year_start") output_.tax_year_start = TaxYearStart::parse(value);
      } catch (const Error& error) {
        fail(item.second, std::string("metadata ") + key + ": " + error.what());
      }
    }
  }

  static bool is_date(const std::string& text) {
    Date ignored;
    return try_parse_date(text, ignored) == nullptr;
  }

  static bool lists_dates_directly(const YAML::Node& node) {
    bool any_date = false;
    for (const auto& item : node) {
      const std::string key = item.first.Scalar();
      if (kept_keys.count(key) != 0) continue;
      if (!is_date(key)) return false;
      any_date = true;
    }
    return any_date;
  }

  void read_node(const std::string& name, const YAML::Node& key_node, const YAML::Node& node) {
    if (!node.IsMap()) fail(node.IsNull() ? key_node : node, "parameter " + name + " must be a mapping");
    if (node["values"]) {
      read_leaf(name, node, node["values"]);
    } else if (node["brackets"]) {
      read_scale(name, node);
    } else if (lists_dates_directly(node)) {
      read_leaf(name, node, node);
    } else {
      for (const auto& item : node) {
        const std::string key = item.first.Scalar();
        if (kept_keys.count(key) != 0) continue;
        read_node(name + "." + key, item.first, item.second);
      }
    }
  }

  void read_leaf(const std::string& name, const YAML::Node& node, const YAML::Node& values) {
    Parameter parameter;
    parameter.name = name;
    if (node["description"]) parameter.description = text_of(node["description"]);
    if (node["reference"]) parameter.reference = text_of(node["reference"]);
    if (const YAML::Node metadata = node["metadata"]; metadata && metadata.IsMap()) {
      for (const auto& item : metadata) parameter.metadata[item.first.Scalar()] = text_of(item.second);
    }
    if (!values.IsMap()) fail(values, "parameter " + name + ": values must map start dates to values");
    for (const auto& item : values) {
      const std::string key = item.first.Scalar();
      if (kept_keys.count(key) != 0) continue;
      Date from;
      if (const char* reason = try_parse_date(key, from)) {
        fail(item.first, "parameter " + name + ": '" + key + "' is not a start date: " + reason);
      }
      read_dated_value(parameter, from, item.first, item.second);
    }
    std::sort(parameter.values.begin(), parameter.values.end(),
              [](const DatedValue& a, const DatedValue& b) { return a.from < b.from; });
    if (parameter.values.empty()) fail(node, "parameter " + name + " has no values");
    check_kinds(parameter, node);
    output_.add(std::move(parameter));
  }

  void read_dated_value(Parameter& parameter, const Date& from, const YAML::Node& key, const YAML::Node& item) {
    YAML::Node value_node = item;
    if (item.IsMap()) {
      if (!item["value"]) {
        if (item["expected"]) return;  // a forecast, not law: ignored as OpenFisca does
        fail(item, "parameter " + parameter.name + " on " + format_date(from) + ": expected {value: ...}");
      }
      value_node = item["value"];
    }
    for (const DatedValue& existing : parameter.values) {
      if (existing.from == from) fail(key, "parameter " + parameter.name + " has two values from " + format_date(from));
    }
    DatedValue dated{from, std::nullopt, key.Mark().line + 1};
    if (!value_node.IsNull()) dated.value = read_value(parameter.name, value_node);
    parameter.values.push_back(std::move(dated));
  }

  ParameterValue read_value(const std::string& name, const YAML::Node& node) const {
    if (!node.IsScalar()) fail(node, "parameter " + name + ": a value must be a number, true, false or null");
    const std::string& text = node.Scalar();
    if (text == "true" || text == "false") return ParameterValue::of_boolean(text == "true");
    Decimal number;
    if (const char* reason = Decimal::try_parse(text, number)) {
      fail(node, "parameter " + name + ": '" + text + "' is not a number: " + reason);
    }
    return ParameterValue::of_number(number, text);
  }

  void check_kinds(const Parameter& parameter, const YAML::Node& node) const {
    std::optional<ParameterValue::Kind> kind;
    for (const DatedValue& dated : parameter.values) {
      if (!dated.value) continue;
      if (kind && *kind != dated.value->kind) {
        fail(node, "parameter " + parameter.name + " mixes numbers and true/false");
      }
      kind = dated.value->kind;
    }
  }

  void read_scale(const std::string& name, const YAML::Node& node) {
    const YAML::Node brackets = node["brackets"];
    if (!brackets.IsSequence()) fail(brackets, "scale " + name + ": brackets must be a list");
    for (std::size_t i = 0; i < brackets.size(); ++i) {
      const YAML::Node bracket = brackets[i];
      if (!bracket.IsMap() || !bracket["threshold"]) fail(bracket, "scale " + name + ": each bracket needs a threshold");
      const std::string prefix = name + ".brackets." + std::to_string(i);
      for (const char* field : {"threshold", "rate", "amount"}) {
        const YAML::Node part = bracket[field];
        if (!part) continue;
        const YAML::Node values = part.IsMap() && part["values"] ? part["values"] : part;
        read_leaf(prefix + "." + field, part, values);
      }
      if (!bracket["rate"] && !bracket["amount"]) fail(bracket, "scale " + name + ": each bracket needs a rate or an amount");
    }
  }

  std::string source_;
  ParameterSet& output_;
};

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  Sha256 digest;
  return to_hex(digest.update(bytes).finish());
}

ParameterSet parse_parameter_text(std::string_view yaml_text, const std::string& source_name, const std::string& role) {
  ParameterSet result;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& error) {
    throw Error(ErrorCode::invalid_input,
                source_name + ":" + std::to_string(error.mark.line + 1) + ": not valid YAML: " + error.msg);
  }
  ParameterReader(source_name, result).read_root(root);
  result.add_source({source_name, sha256_hex(yaml_text), role});
  return result;
}

ParameterSet load_parameter_file(const std::filesystem::path& path, const std::string& role) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(ErrorCode::environment, "cannot read " + path.string());
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return parse_parameter_text(bytes.str(), path.string(), role);
}

}  // namespace commonweal
