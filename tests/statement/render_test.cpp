// The statement's renderers: text within 80 columns with every figure, HTML
// with no outside reference, escaped text and every flattened figure in its
// data-field element, and explanations that name rule, parameters and rounding.
#include <doctest/doctest.h>

#include <cctype>
#include <set>
#include <sstream>

#include "commonweal/policy/parameter_file.hpp"
#include "commonweal/statement/render.hpp"
#include "commonweal/store/csv_import.hpp"
#include "test_support.hpp"

using namespace commonweal;

namespace {

// The reference scheme's worked example (section 8), an earlier year, taxes
// not credited, a benefit not charged, care levy and a time-bank exchange both ways.
Engine worked_engine() {
  Engine engine(Scheme::reference(
      load_parameter_file(std::string(COMMONWEAL_SOURCE_DIR) + "/examples/schemes/cswa-reference.yaml")));
  const CsvText citizens{"citizens.csv", "citizen,birth_date\nC1,1990-06-01\nC2,1985-02-10\n"};
  const CsvText events{"events.csv",
                       "id,date,citizen,kind,code,amount,counterparty\n"
                       "E0,2021-05-31,C1,tax,income_tax,31040.00,\n"
                       "E01,2022-07-31,C1,benefit,child_benefit,1500.00,\n"
                       "E1,2024-05-31,C1,tax,income_tax,1234.55,\n"
                       "E1b,2024-05-31,C1,tax,care_levy,100.00,\n"
                       "E1c,2024-05-31,C1,tax,council_tax,900.00,\n"
                       "E2,2024-06-30,C1,benefit,child_benefit,102.40,\n"
                       "E2b,2024-06-30,C1,benefit,pip,4420.00,\n"
                       "E3,2024-07-01,C1,volunteer,food-bank,2.10,\n"
                       "E4,2024-08-15,C1,service,social_care,333.35,\n"
                       "E5,2024-09-01,C1,exchange,tb-north,1.50,C2\n"
                       "E6,2024-10-01,C2,exchange,tb-north,1.00,C1\n"};
  engine.import(parse_import(citizens, events, std::nullopt), parse_moment("2025-04-06T09:00:00Z"));
  engine.advance(parse_date("2025-04-05"), parse_moment("2025-04-06T09:00:01Z"));
  return engine;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::size_t columns(const std::string& line) {
  std::size_t width = 0;
  for (const char c : line) width += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return width;
}

void check_terminal_lines(const std::string& text) {
  for (const std::string& line : lines_of(text)) {
    CHECK_MESSAGE(columns(line) <= 80, "too wide (" << columns(line) << "): " << line);
    for (const char c : line) CHECK_MESSAGE(static_cast<unsigned char>(c) >= 0x20, "control character in: " << line);
    CHECK_MESSAGE((line.empty() || line.back() != ' '), "trailing space: '" << line << "'");
  }
}

// "1,234.55" from "1234.55", as people read figures.
std::string grouped(const std::string& plain) {
  const bool negative = plain[0] == '-';
  const std::string digits = plain.substr(negative ? 1 : 0);
  const std::size_t point = digits.find('.');
  std::string out = negative ? "-" : "";
  for (std::size_t i = 0; i < point; ++i) {
    if (i > 0 && (point - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out + digits.substr(point);
}

// The line holding `label`, after the line holding `after` (the first one if after is empty).
std::string line_with(const std::string& text, const std::string& label, const std::string& after = "") {
  bool seen = after.empty();
  for (const std::string& line : lines_of(text)) {
    if (!seen) {
      seen = line.find(after) != std::string::npos;
      continue;
    }
    if (line.find(label) != std::string::npos) return line;
  }
  return "";
}

// A line ending in a space and a figure such as "1,234.50" or "-0.60".
bool ends_in_figure(const std::string& line) {
  const std::size_t space = line.rfind(' ');
  if (space == std::string::npos || space + 4 >= line.size()) return false;
  const std::string figure = line.substr(space + 1 + (line[space + 1] == '-'));
  const std::size_t point = figure.size() - 3;
  return figure[point] == '.' && std::isdigit(static_cast<unsigned char>(figure[0])) &&
         figure.find_first_not_of("0123456789,") == point && std::isdigit(static_cast<unsigned char>(figure[point + 1])) &&
         std::isdigit(static_cast<unsigned char>(figure[point + 2]));
}

bool ends_with(const std::string& text, const std::string& end) {
  return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

std::string unescape(std::string text) {
  for (const auto& [entity, c] : std::vector<std::pair<std::string, std::string>>{
           {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}}) {
    for (std::size_t at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1)) {
      text.replace(at, entity.size(), c);
    }
  }
  return text;
}

// data-field name -> every machine-readable value (value= of <data>, datetime= of <time>) shown for it.
std::multimap<std::string, std::string> data_fields(const std::string& html) {
  std::multimap<std::string, std::string> fields;
  // <data data-field="F" value="V"> or <time data-field="F" datetime="V">; std::regex is avoided (GCC 12
  // warns inside it under the sanitizers).
  for (std::size_t at = html.find(" data-field=\""); at != std::string::npos; at = html.find(" data-field=\"", at + 1)) {
    const std::size_t name_start = at + 13, name_end = html.find('"', name_start);
    const std::size_t value_start = html.find("=\"", name_end) + 2, value_end = html.find('"', value_start);
    const std::string element = html.substr(html.rfind('<', at), at - html.rfind('<', at));
    const std::string attribute = html.substr(name_end + 2, value_start - 2 - name_end - 2);
    CHECK_MESSAGE(((element == "<data" && attribute == "value") || (element == "<time" && attribute == "datetime")),
                  element << " " << attribute);
    fields.emplace(unescape(html.substr(name_start, name_end - name_start)),
                   unescape(html.substr(value_start, value_end - value_start)));
  }
  return fields;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("statement history: one row per year, the last one the year's own figures, summing to the lifetime") {
  const Engine engine = worked_engine();
  const Statement s = make_statement(engine, "C1", "2024-25");
  REQUIRE(s.history.size() == 4);
  CHECK(s.history.front().tax_year == "2021-22");
  CHECK(s.history.front().contributions == Decimal::parse("3104.00"));
  CHECK(s.history[1].benefits_charged == Decimal::parse("1500.00"));
  CHECK(s.history[2].tax_year == "2023-24");  // a year with nothing in it keeps its place
  CHECK(s.history[2].contributions.is_zero());
  const Statement::HistoryYear& last = s.history.back();
  CHECK(last.tax_year == "2024-25");
  Decimal contributions, benefits, services;
  for (const auto& item : s.social_account.contributions) contributions += item.second;
  for (const auto& item : s.social_account.benefits_charged) benefits += item.second;
  for (const auto& item : s.service_use) services += item.second;
  CHECK(last.contributions == contributions);
  CHECK(last.benefits_charged == benefits);
  CHECK(last.service_use == services);
  CHECK(last.closing_balance == s.social_account.closing_balance);
  CHECK(s.history[2].closing_balance == s.social_account.opening_balance);
  Decimal life_contributions, life_benefits, life_services;
  for (const auto& row : s.history) {
    life_contributions += row.contributions;
    life_benefits += row.benefits_charged;
    life_services += row.service_use;
  }
  CHECK(life_contributions == s.lifetime.contributions);
  CHECK(life_benefits == s.lifetime.benefits_charged);
  CHECK(life_services == s.lifetime.service_use);
  // Each year's closing balance is that year's own statement's.
  for (const auto& row : s.history) {
    CHECK(make_statement(engine, "C1", row.tax_year).social_account.closing_balance == row.closing_balance);
  }
  const std::string json = s.to_json();
  CHECK(json.find(R"({"tax_year": "2021-22", "contributions": "3104.00", "benefits_charged": "0.00", )"
                  R"("service_use": "0.00", "closing_balance": "3166.08"})") != std::string::npos);
  CHECK(s.flatten().at("history.2022-23.benefits_charged") == "1500.00");
}

TEST_CASE("render_text: at most 80 columns, every figure on its line") {
  const Statement s = make_statement(worked_engine(), "C1", "2024-25");
  const std::string text = render_text(s);
  check_terminal_lines(text);
  for (const auto& [field, value] : s.flatten()) {
    if (field == "pension.settled" || field == "citizen" || field == "tax_year" || field == "currency") continue;
    const std::string shown = field.find("date") != std::string::npos || field.rfind("period.", 0) == 0 ? value : grouped(value);
    CHECK_MESSAGE(text.find(shown) != std::string::npos, field << " = " << shown << " is not in the text");
  }
  CHECK(ends_with(line_with(text, "Opening balance", "SOCIAL ACCOUNT"), " 1,733.39"));
  CHECK(ends_with(line_with(text, "income tax", "+ Contributions"), " 123.46"));
  CHECK(ends_with(line_with(text, "child benefit", "- Benefits charged"), " 102.40"));
  CHECK(ends_with(line_with(text, "social care", "- Co-payments"), " 33.34"));
  CHECK(ends_with(line_with(text, "+ Indexation"), " 34.68"));
  CHECK(ends_with(line_with(text, "= Closing balance", "SOCIAL ACCOUNT"), " 1,768.66"));
  CHECK(ends_with(line_with(text, "income tax", "TAXES YOU PAID"), " 1,234.55"));
  CHECK(ends_with(line_with(text, "pip", "BENEFITS NOT CHARGED"), " 4,420.00"));
  CHECK(ends_with(line_with(text, "+ Care levy paid in"), " 100.00"));
  CHECK(ends_with(line_with(text, "- Spent", "TIME CREDITS"), " 1.00"));
  CHECK(ends_with(line_with(text, "Projected weekly supplement"), " 1.70"));
  CHECK(ends_with(line_with(text, "2021-22", "YEAR BY YEAR"), "3,104.00          0.00          0.00      3,166.08"));
  // Figures line up in one column: every line ending in a figure, above the year-by-year table, ends at column 80.
  std::size_t figure_lines = 0;
  for (const std::string& line : lines_of(text.substr(0, text.find("YEAR BY YEAR")))) {
    if (!ends_in_figure(line)) continue;
    CHECK_MESSAGE(columns(line) == 80, line);
    ++figure_lines;
  }
  CHECK(figure_lines >= 25);  // 29 today: the check above is not vacuous
}

TEST_CASE("render_text: long names and huge figures still fit in 80 columns") {
  Statement s = make_statement(worked_engine(), "C1", "2024-25");
  s.citizen = std::string(120, 'X');
  s.taxes_paid[std::string(95, 'a') + "_" + std::string(30, 'b')] = Decimal::parse("123456789012345678901234.56");
  s.social_account.contributions["a_rather_long_code_that_goes_on_and_on_for_a_while_and_then_some_more"] =
      Decimal::parse("-98765432109876543210.99");
  s.history.push_back({"2025-26", Decimal::parse("123456789012345678.00"), {}, {}, {}});
  const std::string text = render_text(s);
  check_terminal_lines(text);
  CHECK(text.find("123,456,789,012,345,678,901,234.56") != std::string::npos);
  CHECK(text.find("-98,765,432,109,876,543,210.99") != std::string::npos);
  CHECK(text.find("123,456,789,012,345,678.00") != std::string::npos);
  s.citizen = "C1\x1b[31m";  // an escape sequence never reaches the terminal
  CHECK(render_text(s).find('\x1b') == std::string::npos);
}

TEST_CASE("render_html: self-contained, accessible, every flattened figure in its data-field element") {
  const Statement s = make_statement(worked_engine(), "C1", "2024-25");
  const std::string html = render_html(s);
  CHECK(html.rfind("<!DOCTYPE html>\n<html lang=\"en-GB\">", 0) == 0);
  CHECK(html.find(R"(<meta name="viewport" content="width=device-width, initial-scale=1">)") != std::string::npos);
  CHECK(html.find("@media print") != std::string::npos);
  CHECK(html.find("@media (max-width") != std::string::npos);
  for (const char* outside : {"<script", "src=", "href=", "http:", "https:", "//", "url(", "@import", "<link", "<img",
                              "<iframe", "<object", "<embed", "@font-face"}) {
    CHECK_MESSAGE(html.find(outside) == std::string::npos, "the page holds " << outside);
  }
  // Headings in order: one h1, then h2s only.
  CHECK(count(html, "<h1") == 1);
  CHECK(count(html, "<h3") == 0);
  CHECK(html.find("<h1") < html.find("<h2"));
  // Every table has a caption and scoped headers.
  CHECK(count(html, "<table>") == count(html, "<caption>"));
  CHECK(count(html, "<th>") == 0);
  CHECK(count(html, "<th scope=\"row\">") >= s.history.size());
  // The chart: inline SVG with a title and description, labelled by them.
  CHECK(html.find(R"(<svg class="chart" viewBox="0 0 640 320" role="img" aria-labelledby="chart-title chart-desc">)") !=
        std::string::npos);
  CHECK(html.find("<title id=\"chart-title\">Your social account year by year, 2021-22 to 2024-25</title>") !=
        std::string::npos);
  CHECK(html.find("<desc id=\"chart-desc\">") != std::string::npos);
  CHECK(count(html, "<polyline points=\"") == 1);

  const auto shown = data_fields(html);
  std::map<std::string, std::string> expected = s.flatten();
  expected["as_known_at"] = format_moment(s.as_known_at);
  for (const auto& [field, value] : shown) {
    const auto found = expected.find(field);
    REQUIRE_MESSAGE(found != expected.end(), "data-field " << field << " is not a statement field");
    CHECK_MESSAGE(value == found->second, field << ": page " << value << ", statement " << found->second);
  }
  for (const auto& [field, value] : expected) CHECK_MESSAGE(shown.count(field) > 0, field << " is not on the page");
  // What people read is the same figure: "£1,234.55" for 1234.55.
  CHECK(html.find(R"(<data data-field="taxes_paid.income_tax" value="1234.55">£1,234.55</data>)") != std::string::npos);
  CHECK(html.find(R"(You paid <data data-field="taxes_paid.income_tax" value="1234.55">£1,234.55</data> income tax; )"
                  R"(<data data-field="social_account.contributions.income_tax" value="123.46">£123.46</data> of it )"
                  R"(was credited to your account.)") != std::string::npos);
  CHECK(html.find(R"(<time data-field="pension.state_pension_age_date" datetime="2057-06-01">1 June 2057</time>)") !=
        std::string::npos);
  CHECK(html.find(R"(<data data-field="time_credits.closing_balance" value="2.75">2.75 hours</data>)") != std::string::npos);
}

TEST_CASE("render_html: citizen input is escaped, negative figures carry a minus sign") {
  Statement s = make_statement(worked_engine(), "C1", "2024-25");
  s.citizen = "<script>alert('x')</script>&\"";
  s.taxes_paid["<b>bold</b>"] = Decimal::parse("1.00");
  s.social_account.closing_balance = Decimal::parse("-1234.50");
  s.currency = "X<Y";
  const std::string html = render_html(s);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<b>") == std::string::npos);
  CHECK(html.find("X<Y") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;") != std::string::npos);
  CHECK(html.find(R"(data-field="taxes_paid.&lt;b&gt;bold&lt;/b&gt;" value="1.00")") != std::string::npos);
  CHECK(html.find("value=\"-1234.50\">\xE2\x88\x92X&lt;Y\xC2\xA0" "1,234.50</data>") != std::string::npos);
  const auto shown = data_fields(html);
  CHECK(shown.find("citizen")->second == s.citizen);
  s.history.clear();  // only a hand-made statement has none
  CHECK(render_html(s).find("No year-by-year history is recorded.") != std::string::npos);
  check_terminal_lines(render_text(s));
}

TEST_CASE("render_html: chart coordinates are exact integers within the view box") {
  const Statement s = make_statement(worked_engine(), "C1", "2024-25");
  const std::string html = render_html(s);
  // Axis 0 .. 4,000 pounds in steps of 1,000 over y 276 .. 16 (260 units): 3,104.00 is 201.76 units tall, drawn 202.
  CHECK(html.find(R"(<rect x="101" y="74" width="51" height="202" class="contributions"/>)") != std::string::npos);
  CHECK(html.find(R"(<text x="78" y="20" text-anchor="end">£4,000</text>)") != std::string::npos);
  const std::string svg = html.substr(html.find("<svg"), html.find("</svg>") - html.find("<svg"));
  std::size_t numbers = 0;
  for (const std::string name : {" x=\"", " y=\"", " width=\"", " height=\"", " cx=\"", " cy=\""}) {
    for (std::size_t at = svg.find(name); at != std::string::npos; at = svg.find(name, at + 1)) {
      const std::string value = svg.substr(at + name.size(), svg.find('"', at + name.size()) - at - name.size());
      CHECK_MESSAGE(value.find_first_not_of("0123456789") == std::string::npos, name << value);  // whole, not negative
      CHECK(std::stoi(value) <= 640);
      ++numbers;
    }
  }
  CHECK(numbers > 20);
}

TEST_CASE("render_explanation_text: what was worked out but posted nothing has its own section") {
  Engine engine(Scheme::reference(
      load_parameter_file(std::string(COMMONWEAL_SOURCE_DIR) + "/examples/schemes/cswa-reference.yaml")));
  const CsvText citizens{"citizens.csv", "citizen,birth_date\nC1,1990-06-01\n"};
  const CsvText events{"events.csv", "id,date,citizen,kind,code,amount\nE1,2024-07-01,C1,volunteer,food-bank,0.00\n"};
  engine.import(parse_import(citizens, events, std::nullopt), parse_moment("2025-04-06T09:00:00Z"));
  const std::string text = render_explanation_text(engine, "C1", "2024-25");
  const std::size_t quiet = text.find("WORKED OUT IN THE PERIOD, POSTING NOTHING ON THIS STATEMENT");
  REQUIRE(quiet != std::string::npos);
  CHECK(text.find("volunteered 0.00 hours for food-bank on 2024-07-01", quiet) != std::string::npos);
  CHECK(engine.journal().entry_count() == 0);
}

TEST_CASE("render_explanation_text: each line with its events, rule, parameters and rounding") {
  const Engine engine = worked_engine();
  const std::string text = render_explanation_text(engine, "C1", "2024-25");
  check_terminal_lines(text);
  CHECK(ends_with(line_with(text, "Contributions credited: income tax"), " 123.46"));
  CHECK(ends_with(line_with(text, "2024-05-31 event E1: tax income_tax 1234.55"), " 123.46"));
  CHECK(text.find("parameter: contribution_share.income_tax = 0.10 (from 2010-04-06)") != std::string::npos);
  CHECK(text.find("rounding: 0.10 x 1234.55 = 123.4550, rounded half_even to 2 decimals:") != std::string::npos);
  CHECK(ends_with(line_with(text, "Indexation"), " 34.68"));
  CHECK(text.find("rounding: 1733.98 x 0.02 = 34.6796, rounded half_even to 2 decimals:") != std::string::npos);
  CHECK(ends_with(line_with(text, "Benefits not charged: pip"), " 4,420.00"));
  CHECK(text.find("parameter: debitable.pip = none (no value on 2024-06-30)") != std::string::npos);
  // Hours C1 spent were given by C2: the exchange is explained from C2's side.
  CHECK(ends_with(line_with(text, "Time credits spent (hours)"), " 1.00"));
  CHECK(text.find("event E6: exchange tb-north 1.00 with C1 (recorded by C2)") != std::string::npos);
  // Council tax has no contribution share: its working is shown under the tax paid, nothing credited.
  const std::size_t council_tax = text.find("Taxes paid: council tax");
  REQUIRE(council_tax != std::string::npos);
  CHECK(text.find("parameter: contribution_share.council_tax = none", council_tax) != std::string::npos);
  CHECK(text.find("Contributions credited: council tax") == std::string::npos);
  // Nothing from another year.
  CHECK(text.find("E0:") == std::string::npos);
  CHECK(text.find("E01:") == std::string::npos);
  CHECK(test_support::error_code_of([&] { render_explanation_text(engine, "nobody", "2024-25"); }) ==
        ErrorCode::not_found);
}
