// Command-line arguments for the `commonweal` tool: positionals and
// `--name value` / `--flag` options, checked against what a command accepts.
//
// Guarantees
// - An unknown option, a missing value, a repeated option or a wrong number
//   of positionals is a UsageError (exit status 1), naming the command.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace commonweal::cli {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Arguments {
  std::vector<std::string> positionals;
  std::map<std::string, std::string> options;  // "--to" -> "2025-04-05"; flags -> ""
  bool help = false;

  std::optional<std::string> option(const std::string& name) const {
    const auto found = options.find(name);
    return found == options.end() ? std::nullopt : std::optional(found->second);
  }
  std::string required(const std::string& command, const std::string& name) const {
    const auto value = option(name);
    if (!value) throw UsageError(command + ": " + name + " is required");
    return *value;
  }
  bool flag(const std::string& name) const { return options.count(name) != 0; }
};

// valued: options that take a value; flags: options that do not.
inline Arguments parse_arguments(const std::string& command, const std::vector<std::string>& words,
                                 const std::set<std::string>& valued, const std::set<std::string>& flags,
                                 std::size_t min_positionals, std::size_t max_positionals) {
  Arguments arguments;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (word == "--help" || word == "-h") {
      arguments.help = true;
      return arguments;
    }
    if (word.rfind("--", 0) == 0) {
      std::string name = word;
      std::optional<std::string> value;
      if (const auto equals = word.find('='); equals != std::string::npos) {
        name = word.substr(0, equals);
        value = word.substr(equals + 1);
      }
      if (valued.count(name) != 0) {
        if (!value) {
          if (i + 1 >= words.size()) throw UsageError(command + ": " + name + " needs a value");
          value = words[++i];
        }
      } else if (flags.count(name) != 0) {
        if (value) throw UsageError(command + ": " + name + " takes no value");
        value = "";
      } else {
        throw UsageError(command + ": unknown option " + name);
      }
      if (!arguments.options.emplace(name, *value).second) throw UsageError(command + ": " + name + " is given twice");
      continue;
    }
    arguments.positionals.push_back(word);
  }
  if (arguments.positionals.size() < min_positionals || arguments.positionals.size() > max_positionals) {
    throw UsageError(command + ": expected " +
                     (min_positionals == max_positionals ? std::to_string(min_positionals)
                                                         : std::to_string(min_positionals) + " to " + std::to_string(max_positionals)) +
                     " arguments, got " + std::to_string(arguments.positionals.size()));
  }
  return arguments;
}

}  // namespace commonweal::cli
