#pragma once

#include <QString>
#include <QStringList>

namespace Maskline {

struct Account;

// SMS opt-out / opt-in keywords (reference §7.3, changelog 2020-09-15 and 2020-10-26). The whole body, trimmed, is
// compared case-insensitively with each word; "stop please" is an ordinary message.
namespace Keywords {

enum class Kind
{
    None,
    OptOut, // STOP, UNSUBSCRIBE, END, CANCEL, QUIT, STOPALL, ARRETT, ARRET, ARRETE, REVOKE, OPTOUT
    OptIn,  // START, YES, DEBUT, UNSTOP
};

struct Match
{
    Kind kind = Kind::None;
    QString word; // the keyword matched, upper case; empty for Kind::None
};

const QStringList &optOutWords();
const QStringList &optInWords();

Match classify(const QString &body);

// Whether a message with this keyword is dropped (not forwarded, warning 80901) rather than forwarded:
//  - by default, every opt-out word and UNSTOP are dropped; START, YES and DEBUT are forwarded;
//  - with the account flag respect_sms_stop_filter (ProxyRespectSmsStopFilterFlag), the account's
//    sms_stop_filtering setting decides for all of them alike: on drops opt-out and opt-in words, off forwards them.
bool isDropped(const Match &match, const Account &account);

} // namespace Keywords
} // namespace Maskline
