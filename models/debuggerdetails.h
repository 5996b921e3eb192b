#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include "debugger/debugger.h"
#include "store/consolequeries.h"
#include "storereader.h"

namespace Maskline {

// What an operator chasing a lost text needs from one debugger event: every SID and phone number in it as a link,
// the names beside the SIDs ("ride-1 · KC…"), and the request body decoded. Built on the GUI thread from what a
// reader job looked up (DebuggerDetails::lookUp), as rich text for a QTextBrowser.
namespace DebuggerDetails {

// Links in the details: maskline:service/KS…, maskline:session/KC…, maskline:participant/KC…/KP…,
// maskline:holders/KS…/PN…/+1… (a pool number: the sessions that hold it), maskline:identifier/+1… (a participant's
// number: the sessions it is in).
inline constexpr QStringView SCHEME = u"maskline";

using Names = ConsoleQueries::Names;

// Every SID and E.164 number the event mentions: its SID fields, and those in the URL, body, message and response.
QStringList sidsIn(const DebuggerEvent &event);
QStringList numbersIn(const DebuggerEvent &event);

// The reader-thread half: the names of `sids` and which of `numbers` are pool numbers.
Names lookUp(const QSqlDatabase &db, const QStringList &sids, const QStringList &numbers);

// "To: +14155550100" per parameter of a form body (percent- and plus-decoded); JSON pretty-printed; anything else
// as it is.
QString decodeVariables(const QString &variables);

// The details as HTML: headline, SIDs with names (links), the decoded request with its numbers and SIDs as links,
// and the response.
QString html(const DebuggerEvent &event, const Names &names);

} // namespace DebuggerDetails

} // namespace Maskline
