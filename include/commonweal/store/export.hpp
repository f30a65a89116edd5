// Exports of the journal for other tools (docs/export.md).
//
// Guarantees
// - hledger: a journal that hledger (and ledger) read, one transaction per
//   entry with its id, code and recorded moment as tags; account names are
//   the ledger's own ("citizen:C0001:social"), amounts with their unit as
//   commodity ("310.40 GBP", "3.00 HOUR"); balances equal the ledger's.
// - beancount: a file that bean-check accepts: an open directive per
//   account, account names mapped reversibly into Beancount's grammar
//   (beancount_account_name), the same amounts and balances.
// - csv: one row per posting: position, entry id, effective date, recorded
//   moment, code, memo, reverses, account, amount, unit.
// - Amounts are written exactly as the ledger holds them; nothing is rounded.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "commonweal/ledger/journal.hpp"

namespace commonweal {

enum class ExportFormat { hledger, beancount, csv };

// "hledger" (or "ledger"), "beancount", "csv"; nullopt otherwise.
std::optional<ExportFormat> parse_export_format(std::string_view name);

void export_journal(const Journal& journal, ExportFormat format, std::ostream& out);

// "citizen:C0001:social" -> "Assets:Citizen:C0001:Xsocial": the first part
// picks Beancount's root (citizen, org: Assets; fund: Equity; others:
// Assets:Other), each further part is kept if it starts with an upper-case
// letter other than X or a digit, else prefixed with X; characters outside
// [A-Za-z0-9-] and '-' itself become -XX (hex). Distinct names stay distinct.
std::string beancount_account_name(std::string_view ledger_name);

}  // namespace commonweal
