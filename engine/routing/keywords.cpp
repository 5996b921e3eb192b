#include "keywords.h"

#include "store/records.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline::Keywords {

const QStringList &optOutWords()
{
    // The changelog's list (2020-09-15) plus REVOKE and OPTOUT, which the newest copy of Twilio's opt-out page adds
    // and which the carrier itself treats as opt-outs.
    static const QStringList words{u"STOP"_s,   u"UNSUBSCRIBE"_s, u"END"_s,    u"CANCEL"_s, u"QUIT"_s,  u"STOPALL"_s,
                                   u"ARRETT"_s, u"ARRET"_s,       u"ARRETE"_s, u"REVOKE"_s, u"OPTOUT"_s};
    return words;
}

const QStringList &optInWords()
{
    static const QStringList words{u"START"_s, u"YES"_s, u"DEBUT"_s, u"UNSTOP"_s};
    return words;
}

Match classify(const QString &body)
{
    const QString text = body.trimmed();
    // The longest keyword has 11 letters; anything longer is a sentence, not a keyword.
    if (text.isEmpty() || text.size() > 16) {
        return {};
    }
    for (const QString &word : optOutWords()) {
        if (text.compare(word, Qt::CaseInsensitive) == 0) {
            return {Kind::OptOut, word};
        }
    }
    for (const QString &word : optInWords()) {
        if (text.compare(word, Qt::CaseInsensitive) == 0) {
            return {Kind::OptIn, word};
        }
    }
    return {};
}

bool isDropped(const Match &match, const Account &account)
{
    if (match.kind == Kind::None) {
        return false;
    }
    if (account.respectSmsStopFilter) {
        return account.smsStopFiltering;
    }
    return match.kind == Kind::OptOut || match.word == u"UNSTOP"_s;
}

} // namespace Maskline::Keywords
