// Renderers of the annual statement: plain text for a terminal, one
// self-contained HTML page, and the explanation of every line as text.
//
// Guarantees
// - Every figure is the statement's own, written from its exact Decimal
//   value (thousands grouped, two decimals): nothing is recomputed, and no
//   binary floating point is used anywhere, the chart included.
// - render_text(): lines of at most 80 columns (counted in code points), no
//   tabs or control characters other than '\n'; figures right-aligned in
//   one column; a section for the social account (each line), taxes,
//   benefits not charged, services, the care pot, time credits and
//   volunteering, the pension, and the lifetime history.
// - render_html(): one page with no script, no external resource (fonts,
//   images, stylesheets and links are all absent; CSS is inline) and every
//   piece of text HTML-escaped. Each figure sits in an element carrying
//   data-field="NAME", NAME being its flattened field (Statement::flatten,
//   plus "as_known_at"); that element's machine-readable value (the value
//   attribute of <data>, the datetime attribute of <time>) equals the
//   flattened text exactly, and every flattened field appears at least once.
//   The lifetime chart is inline SVG with <title> and <desc>, backed by a
//   data table holding the same figures.
// - render_explanation_text(): each line of the statement that has entries
//   in the period, with the entries behind it (date, event, amount) and, for
//   each, the rule, inputs, parameter values and roundings the engine
//   records; then what the rules worked out in the period that posted
//   nothing. At most 80 columns, as render_text().
// Constraints
// - render_explanation_text() explains the ledger as it stands now (the
//   engine re-derives with explanations on); it is not "as known at".
// - The HTML is English (lang="en-GB"); codes (income_tax, ...) are shown
//   with '_' as a space, never translated.
#pragma once

#include <string>

#include "commonweal/lifecycle/engine.hpp"
#include "commonweal/statement/statement.hpp"

namespace commonweal {

// The statement for a terminal: aligned, at most 80 columns, readable without a manual.
std::string render_text(const Statement& statement);

// The statement as one self-contained, accessible, printable HTML page.
std::string render_html(const Statement& statement);

// The body of `commonweal explain DB --citizen ID --tax-year Y`: each line of
// the citizen's statement for tax_year (as the ledger stands now) with the
// events, rule, parameter values and rounding behind it. Throws
// Error(not_found) for an unknown citizen, Error(invalid_text) for a bad label.
std::string render_explanation_text(const Engine& engine, const std::string& citizen, const std::string& tax_year);

}  // namespace commonweal
