// The annual statement as one self-contained HTML page: inline CSS, no
// script, no outside resource, every text escaped, every figure in an
// element naming its flattened field, and the lifetime picture as an inline
// SVG chart backed by a data table.
//
// The chart's coordinates are integers computed from the exact figures, never
// through a double: each figure is taken in pence (its Decimal coefficient at
// two decimals), the axis runs between multiples of a "nice" step in pence
// (1, 2 or 5 times a power of ten), and a figure v is drawn at
//   y = bottom - round_half_even((v - axis_min) * plot_height / (axis_max - axis_min))
// with Decimal::divide (exact 256-bit intermediate products, one rounding).
// A bar or point is therefore within half a unit of a 640 x 320 view box of
// where exact arithmetic puts it.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>

#include "commonweal/statement/render.hpp"
#include "render_support.hpp"

namespace commonweal {
namespace {

using render::grouped_figure;
using render::plain_figure;
using render::readable_code;

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // Control characters have no place in a page; U+FFFD shows that something was there.
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') || c == 0x7F) out += "\xEF\xBF\xBD";
        else out += c;
    }
  }
  return out;
}

// How figures of one statement are written: money with its currency's symbol, hours, dates.
class Figures {
 public:
  explicit Figures(const std::string& currency) {
    if (currency == "GBP") symbol_ = "\xC2\xA3";  // £
    else if (currency == "EUR") symbol_ = "\xE2\x82\xAC";  // €
    else if (currency == "USD") symbol_ = "$";
    else symbol_ = escape(currency) + "\xC2\xA0";  // the code and a no-break space
  }

  // "£1,234.50", "−£12.00" (a true minus sign, which screen readers read as "minus").
  std::string money_text(const Decimal& value) const {
    const std::string grouped = grouped_figure(value);
    if (!grouped.empty() && grouped[0] == '-') return "\xE2\x88\x92" + symbol_ + grouped.substr(1);
    return symbol_ + grouped;
  }
  std::string money(std::string_view field, const Decimal& value) const {
    return data(field, plain_figure(value), money_text(value));
  }
  std::string hours(std::string_view field, const Decimal& value) const {
    return data(field, plain_figure(value), grouped_figure(value) + " hours");
  }
  // shown_html is already HTML (escaped by the caller).
  static std::string data(std::string_view field, std::string_view value, std::string_view shown_html) {
    return fmt::format(R"(<data data-field="{}" value="{}">{}</data>)", escape(field), escape(value), shown_html);
  }
  static std::string date(std::string_view field, const Date& day) {
    return fmt::format(R"(<time data-field="{}" datetime="{}">{}</time>)", escape(field), format_date(day),
                       render::long_date(day));
  }

 private:
  std::string symbol_;  // HTML
};

// ------------------------------------------------------------------ the chart

// A figure in pence: its exact coefficient at two decimals.
Decimal pence(const Decimal& value) { return Decimal::from_coefficient(value.rounded(2, RoundingMode::down).coefficient(), 0); }

// The smallest of 1, 2, 5 x 10^k pence at least `at_least`.
Decimal nice_step(const Decimal& at_least) {
  Decimal power(1);
  while (true) {
    for (const int factor : {1, 2, 5}) {
      const Decimal step = power * Decimal(factor);
      if (step >= at_least) return step;
    }
    power = power * Decimal(10);
  }
}

long long to_integer(const Decimal& whole) { return static_cast<long long>(whole.rounded(0, RoundingMode::half_even).coefficient()); }

struct Axis {
  Decimal min, max, step;  // pence; min and max are multiples of step

  static Axis covering(const std::vector<Decimal>& values) {
    Decimal low, high;  // zero is always on the axis
    for (const Decimal& v : values) {
      low = std::min(low, v);
      high = std::max(high, v);
    }
    const Decimal range = high - low;
    const Decimal step = range.is_zero() ? Decimal(100) : nice_step(Decimal::divide(range, Decimal(5), 0, RoundingMode::ceiling));
    Axis axis{Decimal::divide(low, step, 0, RoundingMode::floor) * step,
              Decimal::divide(high, step, 0, RoundingMode::ceiling) * step, step};
    if (axis.max == axis.min) axis.max = axis.min + step;
    return axis;
  }
};

constexpr int view_width = 640, view_height = 320;
constexpr int plot_left = 84, plot_right = 632, plot_top = 16, plot_bottom = 276;

class Chart {
 public:
  Chart(const Statement& s, const Figures& figures) : s_(s), figures_(figures) {
    std::vector<Decimal> all;
    for (const auto& row : s.history) {
      for (const Decimal* v : {&row.contributions, &row.benefits_charged, &row.closing_balance}) all.push_back(pence(*v));
    }
    axis_ = Axis::covering(all);
    slot_ = std::max(3, (plot_right - plot_left) / static_cast<int>(std::max<std::size_t>(1, s.history.size())));
  }

  std::string svg() const {
    std::string out = fmt::format(
        R"(<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="chart-title chart-desc">)"
        "\n<title id=\"chart-title\">{}</title>\n<desc id=\"chart-desc\">{}</desc>\n",
        view_width, view_height, escape(title()), escape(description()));
    out += grid();
    out += bars();
    out += balance_line();
    out += "</svg>\n";
    return out;
  }

  std::string title() const {
    return fmt::format("Your social account year by year, {} to {}", s_.history.front().tax_year, s_.history.back().tax_year);
  }

 private:
  std::string description() const {
    return fmt::format(
        "Bars show, for each tax year from {} to {}, the contributions credited to your account (blue, left) "
        "and the benefits charged to it (orange, right). The black line shows the account's balance at each "
        "year's end, finishing at {}. The table below gives every figure.",
        s_.history.front().tax_year, s_.history.back().tax_year,
        figures_.money_text(s_.history.back().closing_balance));
  }

  int y(const Decimal& value_pence) const {
    const Decimal offset = Decimal::divide((value_pence - axis_.min) * Decimal(plot_bottom - plot_top),
                                           axis_.max - axis_.min, 0, RoundingMode::half_even);
    return plot_bottom - static_cast<int>(to_integer(offset));
  }
  int slot_left(std::size_t index) const { return plot_left + static_cast<int>(index) * slot_; }

  std::string grid() const {
    std::string out = "<g class=\"grid\">\n";
    for (Decimal tick = axis_.min; tick <= axis_.max; tick += axis_.step) {
      const int at = y(tick);
      std::string label = figures_.money_text(Decimal::from_coefficient(tick.coefficient(), 2));
      if (label.size() > 3 && label.compare(label.size() - 3, 3, ".00") == 0) label.resize(label.size() - 3);
      out += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" class="{}"/>)", plot_left, at, plot_right, at,
                         tick.is_zero() ? "zero" : "tick");
      out += fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{}</text>)", plot_left - 6, at + 4, label) + "\n";
    }
    const std::size_t count = s_.history.size();
    const std::size_t every = (count + 7) / 8;  // at most eight year labels
    for (std::size_t i = 0; i < count; i += every) {
      out += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle">{}</text>)", slot_left(i) + slot_ / 2,
                         plot_bottom + 20, escape(s_.history[i].tax_year)) + "\n";
    }
    return out + "</g>\n";
  }

  std::string bar(int x, int width, const Decimal& value, const char* css_class) const {
    const int zero = y(Decimal()), top = y(pence(value));
    if (zero == top) return "";
    return fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" class="{}"/>)", x, std::min(zero, top), width,
                       std::abs(zero - top), css_class);
  }

  std::string bars() const {
    std::string out = "<g class=\"bars\">\n";
    const int width = std::max(1, slot_ * 3 / 8);
    const int gap = std::max(0, (slot_ - 2 * width) / 2);
    for (std::size_t i = 0; i < s_.history.size(); ++i) {
      const auto& row = s_.history[i];
      out += bar(slot_left(i) + gap, width, row.contributions, "contributions");
      out += bar(slot_left(i) + gap + width, width, row.benefits_charged, "benefits");
      out += "\n";
    }
    return out + "</g>\n";
  }

  std::string balance_line() const {
    std::string points;
    std::string markers;
    for (std::size_t i = 0; i < s_.history.size(); ++i) {
      const int x = slot_left(i) + slot_ / 2, at = y(pence(s_.history[i].closing_balance));
      points += fmt::format("{}{},{}", points.empty() ? "" : " ", x, at);
      markers += fmt::format(R"(<circle cx="{}" cy="{}" r="3"/>)", x, at);
    }
    return "<g class=\"balance\">\n<polyline points=\"" + points + "\"/>\n" + markers + "\n</g>\n";
  }

  const Statement& s_;
  const Figures& figures_;
  Axis axis_;
  int slot_;
};

// ------------------------------------------------------------------ the page

constexpr std::string_view style = R"(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 50rem; padding: 1rem 1.25rem 2rem; color: #1b1b1b; background: #ffffff;
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 1.6rem; line-height: 1.25; color: #0b3a60; margin: 0.5rem 0; }
h2 { font-size: 1.25rem; color: #0b3a60; margin: 2rem 0 0.5rem; border-bottom: 2px solid #0b3a60; }
p, li { max-width: 42rem; }
.meta { color: #404040; }
.headline { font-size: 1.2rem; }
data, time { font-variant-numeric: tabular-nums; white-space: nowrap; }
ul.plain { padding-left: 1.25rem; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { padding: 0.35rem 0.5rem; border-bottom: 1px solid #8a8a8a; text-align: left; vertical-align: top; }
td.figure, th.figure { text-align: right; }
tbody th { font-weight: 400; white-space: nowrap; }
figure { margin: 1rem 0; }
tr.total th, tr.total td { font-weight: 700; border-top: 2px solid #1b1b1b; }
.chart { width: 100%; height: auto; display: block; margin: 0.5rem 0; }
.chart text { font-size: 12px; fill: #1b1b1b; }
.chart line.tick { stroke: #bdbdbd; stroke-width: 1; }
.chart line.zero { stroke: #1b1b1b; stroke-width: 1.5; }
.chart rect.contributions { fill: #0060a0; }
.chart rect.benefits { fill: #b34700; }
.chart .balance polyline { fill: none; stroke: #1b1b1b; stroke-width: 2.5; }
.chart .balance circle { fill: #1b1b1b; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 1.5rem; }
.swatch { display: inline-block; width: 1rem; height: 1rem; margin-right: 0.4rem; vertical-align: -0.15rem;
  border: 1px solid #1b1b1b; }
.swatch.contributions { background: #0060a0; }
.swatch.benefits { background: #b34700; }
.swatch.balance { background: #1b1b1b; height: 0.25rem; vertical-align: 0.2rem; }
footer { margin-top: 2rem; color: #404040; font-size: 0.9rem; }
@media (max-width: 30rem) {
  body { padding: 0.75rem; }
  h1 { font-size: 1.35rem; }
  th, td { padding: 0.3rem 0.25rem; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; color: #000000; }
  h1, h2 { color: #000000; border-color: #000000; }
  h2 { break-after: avoid; }
  table, figure, li { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  .swatch, .chart rect, .chart circle { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
@page { margin: 15mm; }
)";

class Page {
 public:
  explicit Page(const Statement& s) : s_(s), f_(s.currency) {}

  std::string render() {
    out_.reserve(16384);
    out_ += "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out_ += fmt::format("<title>Annual statement {}: citizen {}</title>\n", escape(s_.tax_year), escape(s_.citizen));
    out_ += "<style>" + std::string(style) + "</style>\n</head>\n<body>\n<main>\n";
    header();
    social_account();
    taxes();
    benefits_not_charged();
    services();
    care_pot();
    time_credits();
    pension();
    lifetime();
    out_ += "</main>\n<footer>\n<p>Every figure is exact, to the penny, and is the one in this statement's data "
            "(JSON). Balances are restated when the ledger learns of something late: this statement shows what "
            "was known at the moment named at the top.</p>\n</footer>\n</body>\n</html>\n";
    return std::move(out_);
  }

 private:
  std::string money(std::string_view field, const Decimal& value) const { return f_.money(field, value); }
  static std::string field(std::string_view prefix, std::string_view code) { return fmt::format("{}.{}", prefix, code); }
  void open_section(std::string_view id, std::string_view title) {
    out_ += fmt::format("<section aria-labelledby=\"{0}\">\n<h2 id=\"{0}\">{1}</h2>\n", id, escape(title));
  }
  void close_section() { out_ += "</section>\n"; }
  void sentences(const std::vector<std::string>& items) {
    out_ += "<ul class=\"plain\">\n";
    for (const std::string& item : items) out_ += "<li>" + item + "</li>\n";
    out_ += "</ul>\n";
  }
  void open_table(std::string_view caption, std::initializer_list<std::string_view> columns) {
    out_ += "<div class=\"table-wrap\">\n<table>\n<caption>" + escape(caption) + "</caption>\n<thead><tr>";
    bool first = true;
    for (const std::string_view column : columns) {
      out_ += fmt::format("<th scope=\"col\"{}>{}</th>", first ? "" : " class=\"figure\"", escape(column));
      first = false;
    }
    out_ += "</tr></thead>\n<tbody>\n";
  }
  void close_table() { out_ += "</tbody>\n</table>\n</div>\n"; }
  void table_row(std::string_view label, std::string_view figure_html, bool total = false) {
    out_ += fmt::format("<tr{}><th scope=\"row\">{}</th><td class=\"figure\">{}</td></tr>\n",
                        total ? " class=\"total\"" : "", escape(label), figure_html);
  }

  void header() {
    out_ += "<header>\n<h1>Your social welfare account: annual statement for tax year " +
            Figures::data("tax_year", s_.tax_year, escape(s_.tax_year)) + "</h1>\n";
    const std::string known = format_moment(s_.as_known_at);
    std::string known_shown = known;
    if (known.size() > 11 && known.back() == 'Z') {
      known_shown = render::long_date(parse_date(known.substr(0, 10))) + " at " + known.substr(11, known.size() - 12) + " UTC";
    }
    out_ += "<p class=\"meta\">Citizen " + Figures::data("citizen", s_.citizen, escape(s_.citizen)) +
            ". The tax year ran from " + Figures::date("period.start", s_.period_start) + " to " +
            Figures::date("period.end", s_.period_end) + ". Figures as the ledger knew them on " +
            fmt::format(R"(<time data-field="as_known_at" datetime="{}">{}</time>)", escape(known), escape(known_shown)) +
            ". Money is in " + Figures::data("currency", s_.currency, escape(s_.currency)) +
            "; time credits are in hours.</p>\n";
    out_ += "<p class=\"headline\">Your social account closed the year at <strong>" +
            money("social_account.closing_balance", s_.social_account.closing_balance) + "</strong>.</p>\n</header>\n";
  }

  std::vector<std::string> tax_sentences() const {
    const auto& a = s_.social_account;
    std::set<std::string> codes;
    for (const auto& item : s_.taxes_paid) codes.insert(item.first);
    for (const auto& item : a.contributions) codes.insert(item.first);
    std::vector<std::string> out;
    for (const std::string& code : codes) {
      const auto paid = s_.taxes_paid.find(code);
      const auto credited = a.contributions.find(code);
      const std::string name = escape(readable_code(code));
      const std::string paid_html = paid == s_.taxes_paid.end() ? "" : money(field("taxes_paid", code), paid->second);
      if (credited == a.contributions.end()) {
        out.push_back("You paid " + paid_html + " " + name +
                      (code == "care_levy" ? "; all of it went to your care pot." : "; none of it was credited to your account."));
      } else {
        const std::string credited_html = money(field("social_account.contributions", code), credited->second);
        out.push_back(paid_html.empty() ? credited_html + " was credited to your account for " + name + "."
                                        : "You paid " + paid_html + " " + name + "; " + credited_html +
                                              " of it was credited to your account.");
      }
    }
    if (codes.empty()) out.push_back("You paid no taxes this year, so nothing was credited from them.");
    return out;
  }

  void social_account() {
    const auto& a = s_.social_account;
    open_section("social", "Your social account this year");
    std::vector<std::string> items{"Your account opened the year at " +
                                   money("social_account.opening_balance", a.opening_balance) + "."};
    for (std::string& sentence : tax_sentences()) items.push_back(std::move(sentence));
    items.push_back("Your volunteering earned " + money("social_account.social_credits", a.social_credits) +
                    " of social credits.");
    for (const auto& [code, amount] : a.benefits_charged) {
      items.push_back("You received " + money(field("social_account.benefits_charged", code), amount) + " " +
                      escape(readable_code(code)) + ", charged to your account.");
    }
    if (a.benefits_charged.empty()) items.push_back("No benefits were charged to your account.");
    for (const auto& [code, amount] : a.copayments) {
      items.push_back("You paid a co-payment of " + money(field("social_account.copayments", code), amount) +
                      " for " + escape(readable_code(code)) + " from your account.");
    }
    items.push_back("At the year's end your balance was indexed by " +
                    money("social_account.indexation", a.indexation) + ".");
    if (a.settlement.sign() < 0) {
      items.push_back("At state pension age your balance was settled into your pension: the settlement was " +
                      money("social_account.settlement", a.settlement) + ".");
    } else if (a.settlement.sign() > 0) {
      items.push_back("At state pension age your account's deficit was written off: the settlement was " +
                      money("social_account.settlement", a.settlement) + ".");
    } else {
      items.push_back("Settlement at state pension age: " + money("social_account.settlement", a.settlement) +
                      " this year.");
    }
    items.push_back("Your account closed the year at " + money("social_account.closing_balance", a.closing_balance) + ".");
    sentences(items);

    open_table("How your social account balance changed in " + s_.tax_year, {"Line", "Amount"});
    table_row("Opening balance", money("social_account.opening_balance", a.opening_balance));
    for (const auto& [code, amount] : a.contributions) {
      table_row("+ Contribution: " + readable_code(code), money(field("social_account.contributions", code), amount));
    }
    table_row("+ Social credits", money("social_account.social_credits", a.social_credits));
    for (const auto& [code, amount] : a.benefits_charged) {
      table_row("\xE2\x88\x92 Benefit charged: " + readable_code(code), money(field("social_account.benefits_charged", code), amount));
    }
    for (const auto& [code, amount] : a.copayments) {
      table_row("\xE2\x88\x92 Co-payment: " + readable_code(code), money(field("social_account.copayments", code), amount));
    }
    table_row("+ Indexation", money("social_account.indexation", a.indexation));
    table_row("+ Settlement", money("social_account.settlement", a.settlement));
    table_row("= Closing balance", money("social_account.closing_balance", a.closing_balance), true);
    close_table();
    close_section();
  }

  void coded_table(std::string_view caption, std::string_view column, std::string_view prefix, const Statement::Totals& totals) {
    open_table(caption, {column, "Amount"});
    for (const auto& [code, amount] : totals) table_row(readable_code(code), money(field(prefix, code), amount));
    close_table();
  }

  void taxes() {
    open_section("taxes", "Taxes you paid");
    if (s_.taxes_paid.empty()) {
      out_ += "<p>You paid no taxes this year.</p>\n";
    } else {
      out_ += "<p>Every tax you paid this year, whether or not a share of it was credited to your account.</p>\n";
      coded_table("Taxes paid in " + s_.tax_year, "Tax", "taxes_paid", s_.taxes_paid);
    }
    close_section();
  }

  void benefits_not_charged() {
    open_section("benefits", "Benefits not charged to your account");
    std::vector<std::string> items;
    for (const auto& [code, amount] : s_.benefits_not_charged) {
      items.push_back("You received " + money(field("benefits_not_charged", code), amount) + " " +
                      escape(readable_code(code)) + "; it was not charged to your account.");
    }
    if (items.empty()) items.push_back("You received no benefits this year that are not charged to your account.");
    sentences(items);
    close_section();
  }

  void services() {
    open_section("services", "Public services you used");
    std::vector<std::string> items;
    for (const auto& [code, amount] : s_.service_use) {
      items.push_back("The " + escape(readable_code(code)) + " you used cost " + money(field("service_use", code), amount) +
                      (s_.social_account.copayments.count(code) ? "; your co-payment for it is shown above." : "."));
    }
    if (items.empty()) items.push_back("No use of public services was recorded for you this year.");
    sentences(items);
    close_section();
  }

  void care_pot() {
    const auto& c = s_.care_pot;
    open_section("care", "Your care pot");
    sentences({"Your care pot, set aside for your care in later life, opened the year at " +
                   money("care_pot.opening_balance", c.opening_balance) + ".",
               "You paid " + money("care_pot.contributions", c.contributions) + " of care levy into it.",
               "It closed the year at " + money("care_pot.closing_balance", c.closing_balance) + "."});
    close_section();
  }

  void time_credits() {
    const auto& t = s_.time_credits;
    open_section("time", "Time credits and volunteering");
    sentences({"You started the year with " + f_.hours("time_credits.opening_balance", t.opening_balance) +
                   " of time credits.",
               "You earned " + f_.hours("time_credits.earned", t.earned) +
                   " by volunteering and by giving time through a time bank.",
               "You spent " + f_.hours("time_credits.spent", t.spent) + " on time others gave you.",
               "Other movements (grants, donations, group sessions) came to " +
                   f_.hours("time_credits.other", t.other) + ".",
               "You ended the year with " + f_.hours("time_credits.closing_balance", t.closing_balance) + ".",
               "You volunteered " + f_.hours("volunteering.hours", s_.volunteering.hours) +
                   " (each time rounded up to the scheme's step), valued at " +
                   money("volunteering.value", s_.volunteering.value) + "."});
    close_section();
  }

  void pension() {
    const auto& p = s_.pension;
    open_section("pension", "Your pension supplement");
    std::vector<std::string> items;
    const std::string date_html = p.state_pension_age_date
                                      ? Figures::date("pension.state_pension_age_date", *p.state_pension_age_date)
                                      : Figures::data("pension.state_pension_age_date", "null", "no date (the scheme sets no state pension age)");
    const std::string settled_html = Figures::data("pension.settled", p.settled ? "true" : "false", p.settled ? "yes" : "not yet");
    const std::string paid_html = money("pension.weekly_supplement", p.weekly_supplement);
    const std::string projected_html = money("pension.projected_weekly_supplement", p.projected_weekly_supplement);
    if (p.settled) {
      items.push_back("You reached state pension age on " + date_html + " and your account was settled (settled: " +
                      settled_html + ").");
      items.push_back("Your supplement to the basic state pension is " + paid_html + " a week.");
      items.push_back("A projection no longer applies: " + projected_html + ".");
    } else {
      items.push_back("You reach state pension age on " + date_html + "; your account is settled then (settled: " +
                      settled_html + ").");
      items.push_back("No supplement has been paid yet: " + paid_html + " a week.");
      items.push_back("If your account were settled on this year's closing balance, your supplement would be " +
                      projected_html + " a week (the balance divided by the scheme's annuity divisor and by 52; "
                      "nothing while the balance is not positive).");
    }
    sentences(items);
    close_section();
  }

  void lifetime() {
    const auto& l = s_.lifetime;
    open_section("lifetime", "Your account over your lifetime");
    sentences({"Up to " + render::long_date(s_.period_end) + ", " + money("lifetime.contributions", l.contributions) +
                   " has been credited to your account from the taxes you paid.",
               "Benefits charged to your account came to " + money("lifetime.benefits_charged", l.benefits_charged) + ".",
               "The public services you used cost " + money("lifetime.service_use", l.service_use) + ".",
               "You volunteered " + f_.hours("lifetime.volunteer_hours", l.volunteer_hours) + "."});
    if (s_.history.empty()) {  // make_statement always gives the statement's own year; a hand-made one may not
      out_ += "<p>No year-by-year history is recorded.</p>\n";
      close_section();
      return;
    }
    const Chart chart(s_, f_);
    out_ += "<figure>\n" + chart.svg();
    out_ += "<figcaption>\n<ul class=\"legend\">"
            "<li><span class=\"swatch contributions\"></span>Contributions credited</li>"
            "<li><span class=\"swatch benefits\"></span>Benefits charged</li>"
            "<li><span class=\"swatch balance\"></span>Closing balance</li></ul>\n</figcaption>\n</figure>\n";
    out_ += "<div class=\"table-wrap\">\n<table>\n<caption>" + escape(chart.title()) + "</caption>\n<thead><tr>"
            "<th scope=\"col\">Tax year</th><th scope=\"col\" class=\"figure\">Contributions credited</th>"
            "<th scope=\"col\" class=\"figure\">Benefits charged</th><th scope=\"col\" class=\"figure\">Services used</th>"
            "<th scope=\"col\" class=\"figure\">Closing balance</th></tr></thead>\n<tbody>\n";
    for (const auto& row : s_.history) {
      const std::string prefix = "history." + row.tax_year + ".";
      out_ += "<tr><th scope=\"row\">" + escape(row.tax_year) + "</th><td class=\"figure\">" +
              money(prefix + "contributions", row.contributions) + "</td><td class=\"figure\">" +
              money(prefix + "benefits_charged", row.benefits_charged) + "</td><td class=\"figure\">" +
              money(prefix + "service_use", row.service_use) + "</td><td class=\"figure\">" +
              money(prefix + "closing_balance", row.closing_balance) + "</td></tr>\n";
    }
    out_ += "</tbody>\n</table>\n</div>\n";
    close_section();
  }

  const Statement& s_;
  Figures f_;
  std::string out_;
};

}  // namespace

std::string render_html(const Statement& statement) { return Page(statement).render(); }

}  // namespace commonweal
