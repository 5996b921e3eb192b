#pragma once

#include <QString>
#include <QStringList>

namespace Maskline {

// What masking hides stays out of the logs: these turn phone numbers and other participant addresses into a shape
// that still tells two of them apart in a log without saying who they are.

// One address. E.164 keeps its country and area prefix and its last four digits: +14155550101 -> +1415***0101
// (shorter numbers keep less of the prefix, so at least three digits are always hidden). Anything else keeps only
// its last two characters (client:alice -> client:***ce, 5550101 -> ***01; four characters or fewer: ***). An
// address scheme (whatsapp:, client:, sip:, messenger:) is kept and its address masked.
QString redactPhone(const QString &address);

// Free text (an error message, a routing detail): every phone number in it (+ and 7 to 15 digits, spaces, dots or
// dashes allowed between them; or a bare run of 7 or more digits), every client:/sip: identity, the password of a
// URL's user info and the credential of a Basic/Bearer header, masked. SIDs are left alone.
QString redactText(const QString &text);

// The Twilio-shaped SIDs (two capital letters and 32 hex digits) in text, each once, in order of appearance.
QStringList sidsIn(const QString &text);

} // namespace Maskline
