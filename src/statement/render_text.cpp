// The annual statement as plain text for a terminal: at most 80 columns,
// figures right-aligned in one column, sections in the statement's order.
#include <fmt/format.h>

#include "commonweal/statement/render.hpp"
#include "render_support.hpp"

namespace commonweal {
namespace {

using render::append_paragraph;
using render::append_row;
using render::grouped_figure;
using render::readable_code;

constexpr std::size_t width = 80;

void heading(std::string& out, std::string_view title) { out += "\n" + std::string(title) + "\n"; }

// A group of coded lines: its title with 0.00 when empty, else the title and one line per code.
void coded_group(std::string& out, std::string_view title, const Statement::Totals& totals, std::string_view none) {
  if (totals.empty()) {
    append_row(out, 2, title, none);
    return;
  }
  append_row(out, 2, title, "");
  for (const auto& [code, amount] : totals) append_row(out, 6, readable_code(code), grouped_figure(amount));
}

// A section listing codes, or saying there were none.
void coded_section(std::string& out, std::string_view title, std::string_view intro, const Statement::Totals& totals) {
  heading(out, title);
  append_paragraph(out, 2, intro);
  if (totals.empty()) append_paragraph(out, 2, "None this year.");
  for (const auto& [code, amount] : totals) append_row(out, 2, readable_code(code), grouped_figure(amount));
}

void header(std::string& out, const Statement& s) {
  append_paragraph(out, 0, fmt::format("Annual statement of your social welfare account, tax year {}", s.tax_year));
  append_paragraph(out, 0, fmt::format("Citizen {}. Period {} to {}.", s.citizen, format_date(s.period_start),
                                       format_date(s.period_end)));
  append_paragraph(out, 0, fmt::format("Figures as known at {}. Money in {}; time credits in hours.",
                                       format_moment(s.as_known_at), s.currency));
  out += std::string(width, '=') + "\n";
}

void social_account(std::string& out, const Statement& s) {
  const auto& a = s.social_account;
  heading(out, "SOCIAL ACCOUNT");
  append_row(out, 2, "Opening balance", grouped_figure(a.opening_balance));
  coded_group(out, "+ Contributions: the share of taxes paid credited to you", a.contributions, "0.00");
  append_row(out, 2, "+ Social credits for volunteering", grouped_figure(a.social_credits));
  coded_group(out, "- Benefits charged to the account", a.benefits_charged, "0.00");
  coded_group(out, "- Co-payments for services you used", a.copayments, "0.00");
  append_row(out, 2, "+ Indexation at the year's end", grouped_figure(a.indexation));
  append_row(out, 2, "+ Settlement at state pension age", grouped_figure(a.settlement));
  append_row(out, 2, "= Closing balance", grouped_figure(a.closing_balance));
  if (a.settlement.sign() < 0) {
    append_paragraph(out, 4, "The settlement moved your balance into your pension (see PENSION).");
  } else if (a.settlement.sign() > 0) {
    append_paragraph(out, 4, "The settlement wrote off your account's deficit at state pension age.");
  }
}

void care_and_time(std::string& out, const Statement& s) {
  heading(out, "CARE POT (money set aside for your care in later life)");
  append_row(out, 2, "Opening balance", grouped_figure(s.care_pot.opening_balance));
  append_row(out, 2, "+ Care levy paid in", grouped_figure(s.care_pot.contributions));
  append_row(out, 2, "= Closing balance", grouped_figure(s.care_pot.closing_balance));

  const auto& t = s.time_credits;
  heading(out, "TIME CREDITS AND VOLUNTEERING (hours)");
  append_row(out, 2, "Opening balance", grouped_figure(t.opening_balance));
  append_row(out, 2, "+ Earned (volunteering, and time given in a time bank)", grouped_figure(t.earned));
  append_row(out, 2, "- Spent (time received from others in a time bank)", grouped_figure(t.spent));
  append_row(out, 2, "+ Other movements", grouped_figure(t.other));
  append_row(out, 2, "= Closing balance", grouped_figure(t.closing_balance));
  append_row(out, 2, "Hours volunteered this year (rounded up to the step)", grouped_figure(s.volunteering.hours));
  append_row(out, 2, fmt::format("Value of that volunteering ({})", s.currency), grouped_figure(s.volunteering.value));
}

void pension(std::string& out, const Statement& s) {
  const auto& p = s.pension;
  heading(out, "PENSION SUPPLEMENT (weekly, on top of the basic state pension)");
  append_row(out, 2, "State pension age date",
             p.state_pension_age_date ? format_date(*p.state_pension_age_date) : std::string("not set by the scheme"));
  append_row(out, 2, "Account settled", p.settled ? "yes" : "not yet");
  append_row(out, 2, "Weekly supplement paid", grouped_figure(p.weekly_supplement));
  append_row(out, 2, "Projected weekly supplement on this year's closing balance",
             grouped_figure(p.projected_weekly_supplement));
  if (!p.settled) {
    append_paragraph(out, 4, "The projection is the closing balance divided by the scheme's annuity divisor "
                             "times 52; it is 0.00 while the balance is not positive.");
  }
}

void lifetime(std::string& out, const Statement& s) {
  heading(out, fmt::format("YOUR LIFETIME TO {}", format_date(s.period_end)));
  append_row(out, 2, "Contributions credited", grouped_figure(s.lifetime.contributions));
  append_row(out, 2, "Benefits charged", grouped_figure(s.lifetime.benefits_charged));
  append_row(out, 2, "Cost of services used", grouped_figure(s.lifetime.service_use));
  append_row(out, 2, "Hours volunteered", grouped_figure(s.lifetime.volunteer_hours));
}

// One row per tax year in five columns when they fit in 80 columns, else a block per year.
void history(std::string& out, const Statement& s) {
  heading(out, "YEAR BY YEAR (social account)");
  std::size_t column = 12;  // "Contribution" and "Closing bal." headings fit
  for (const Statement::HistoryYear& row : s.history) {
    for (const Decimal* value : {&row.contributions, &row.benefits_charged, &row.service_use, &row.closing_balance}) {
      column = std::max(column, grouped_figure(*value).size());
    }
  }
  std::size_t label = 7;
  for (const Statement::HistoryYear& row : s.history) label = std::max(label, render::display_width(row.tax_year));
  if (2 + label + 4 * (2 + column) <= width) {
    const auto line = [&](std::string_view year, std::string_view a, std::string_view b, std::string_view c,
                          std::string_view d) {
      std::string text = fmt::format("  {:<{}}  {:>{}}  {:>{}}  {:>{}}  {:>{}}", render::terminal_safe(year), label, a,
                                     column, b, column, c, column, d, column);
      text.erase(text.find_last_not_of(' ') + 1);
      out += text + "\n";
    };
    line("Year", "Contribution", "Benefits", "Services", "Closing bal.");
    line("", "credited", "charged", "used", "");
    for (const Statement::HistoryYear& row : s.history) {
      line(row.tax_year, grouped_figure(row.contributions), grouped_figure(row.benefits_charged),
           grouped_figure(row.service_use), grouped_figure(row.closing_balance));
    }
    return;
  }
  for (const Statement::HistoryYear& row : s.history) {
    append_row(out, 2, row.tax_year, "");
    append_row(out, 4, "Contributions credited", grouped_figure(row.contributions));
    append_row(out, 4, "Benefits charged", grouped_figure(row.benefits_charged));
    append_row(out, 4, "Cost of services used", grouped_figure(row.service_use));
    append_row(out, 4, "Closing balance", grouped_figure(row.closing_balance));
  }
}

}  // namespace

std::string render_text(const Statement& s) {
  std::string out;
  out.reserve(4096);
  header(out, s);
  social_account(out, s);
  coded_section(out, "TAXES YOU PAID",
                "Every tax paid in the year. The share credited to you shows under Contributions above; "
                "care levy goes to your care pot.",
                s.taxes_paid);
  coded_section(out, "BENEFITS NOT CHARGED TO YOUR ACCOUNT",
                "Benefits you received that the scheme does not charge to your account.", s.benefits_not_charged);
  coded_section(out, "SERVICES YOU USED",
                "What the public services you used cost. Only co-payments, if any, are charged (above).",
                s.service_use);
  care_and_time(out, s);
  pension(out, s);
  lifetime(out, s);
  history(out, s);
  return out;
}

}  // namespace commonweal
