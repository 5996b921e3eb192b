#include "routetarget.h"

#include "core/channeladdress.h"
#include "core/phonenumbers.h"
#include "debugger/debugger.h"
#include "store/accountstable.h"
#include "store/numberstable.h"
#include "store/participantstable.h"
#include "store/servicestable.h"
#include "store/sqlquery.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline::RouteTargets {

std::optional<PhoneNumber> poolNumber(const QSqlDatabase &db, const QString &to, const QString &onlyAccount)
{
    // A WhatsApp message reaches the pool number itself: "whatsapp:+1415…" is looked up as "+1415…".
    const PhoneNumbers::Info toInfo = PhoneNumbers::parse(ChannelAddress::bare(to));
    QStringList keys;
    if (toInfo.valid) {
        keys.append(toInfo.e164);
        keys.append(PhoneNumbers::normalizeForMatching(toInfo.e164));
    }
    std::optional<PhoneNumber> number;
    for (const QString &key : std::as_const(keys)) {
        number = NumbersTable::byPhoneNumber(db, key);
        if (number) {
            break;
        }
    }
    if (number && !onlyAccount.isEmpty() && number->accountSid != onlyAccount) {
        number.reset(); // another account's number is, to this caller, no number at all
    }
    return number;
}

std::optional<RouteTarget> resolve(const RoutingContext &context, bool isCall, const QString &from, const QString &to,
                                   const QString &onlyAccount, RouteResult &result)
{
    const QSqlDatabase db = context.db();
    const std::optional<PhoneNumber> number = poolNumber(db, to, onlyAccount);
    if (!number) {
        result.outcome = RouteResult::Outcome::UnknownNumber;
        result.accountSid = onlyAccount;
        result.detail = u"%1 from %2 to %3: not a pool number"_s.arg(isCall ? u"call"_s : u"message"_s, from, to);
        DebuggerEvent e;
        e.code = 80905;
        e.message = u"No valid proxy scenario: %1 from %2 reached %3, which is not a phone number of any Proxy "
                    u"Service%4. The carrier still sends its traffic here: add the number to a Service's pool, or "
                    u"point its webhooks elsewhere."_s.arg(isCall ? u"A call"_s : u"A message"_s, from, to,
                                                           onlyAccount.isEmpty() ? QString() : u" of this account"_s);
        context.raise(result, e);
        return std::nullopt;
    }
    RouteTarget target;
    target.number = *number;
    const std::optional<Service> service = ServicesTable::bySid(db, number->serviceSid);
    if (!service) {
        throw StoreError(u"phone number %1 names a missing service"_s.arg(number->sid), false);
    }
    target.service = *service;
    if (std::optional<Account> account = AccountsTable::bySid(db, number->accountSid)) {
        target.account = *account;
    }
    target.from = from;
    target.to = to;
    // The key a number is matched on: a caller whose number libphonenumber cannot place keeps the digits as sent
    // (changelog 2019-01-29: such calls still route).
    target.fromKey = ChannelAddress::matchingKey(from);
    result.accountSid = number->accountSid;
    result.serviceSid = number->serviceSid;
    return target;
}

bool isInSession(const QSqlDatabase &db, const QString &from, const QString &to, const QString &onlyAccount)
{
    const std::optional<PhoneNumber> number = poolNumber(db, to, onlyAccount);
    if (!number) {
        return false;
    }
    return ParticipantsTable::hasRoutable(db, number->serviceSid, ChannelAddress::matchingKey(from),
                                          number->phoneNumber);
}

} // namespace Maskline::RouteTargets
