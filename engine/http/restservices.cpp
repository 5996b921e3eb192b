#include <QJsonDocument>
#include <QJsonObject>

#include "proxy/proxy.h"
#include "restapi.h"
#include "restapi_p.h"

namespace Maskline {

using namespace RestDetail;

namespace {

// Maskline extension (docs/api.md): a pool number's capabilities, as a comma list ("voice,sms,mms") or as the
// object the JSON shows ({"voice":true,"sms":false}; keys left out are false). Not given: std::nullopt.
Result<std::optional<Capabilities>> readCapabilities(const FormData &form)
{
    const std::optional<QString> given = form.value(u"Capabilities");
    if (!given) {
        return std::optional<Capabilities>();
    }
    const QString text = given->trimmed();
    const QString usage = QStringLiteral("give a comma list of voice, sms, mms, fax (e.g. voice,sms) or a JSON object "
                                         "like {\"voice\":true,\"sms\":true}");
    Capabilities caps{false, false, false, false};
    const auto set = [&caps](const QString &name, bool on) {
        const QString key = name.trimmed().toLower();
        bool *flag = key == QLatin1String("voice") ? &caps.voice
                     : key == QLatin1String("sms") ? &caps.sms
                     : key == QLatin1String("mms") ? &caps.mms
                     : key == QLatin1String("fax") ? &caps.fax
                                                   : nullptr;
        if (flag) {
            *flag = on;
        }
        return flag != nullptr;
    };
    if (text.startsWith(u'{')) {
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject()) {
            return ApiError::invalidParameter(QStringLiteral("Capabilities"),
                                              QStringLiteral("is not a JSON object; ") + usage);
        }
        const QJsonObject object = doc.object();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            if (!it.value().isBool()) {
                return ApiError::invalidParameter(
                    QStringLiteral("Capabilities"),
                    QStringLiteral("'%1' must be true or false; ").arg(it.key().left(32)) + usage);
            }
            if (!set(it.key(), it.value().toBool())) {
                return ApiError::invalidParameter(QStringLiteral("Capabilities"),
                                                  QStringLiteral("'%1' is not a capability; ").arg(it.key().left(32)) +
                                                      usage);
            }
        }
    } else {
        for (const QString &name : text.split(u',')) {
            if (name.trimmed().isEmpty() || !set(name, true)) {
                return ApiError::invalidParameter(
                    QStringLiteral("Capabilities"),
                    QStringLiteral("'%1' is not a capability; ").arg(name.trimmed().left(32)) + usage);
            }
        }
    }
    if (!caps.voice && !caps.sms && !caps.mms && !caps.fax) {
        return ApiError::invalidParameter(QStringLiteral("Capabilities"),
                                          QStringLiteral("names no capability: a pool number needs at least one; ") +
                                              usage);
    }
    return std::optional<Capabilities>(caps);
}

Result<ServiceParams> readServiceParams(const FormData &form)
{
    ServiceParams p;
    p.uniqueName = optionalString(form, QStringLiteral("UniqueName"));
    if (const Status text = Params::checkText(QStringLiteral("UniqueName"), p.uniqueName); !text) {
        return text.error();
    }
    auto ttl = Params::readInt(form, QStringLiteral("DefaultTtl"), 0, MAX_TTL);
    if (!ttl) {
        return ttl.error();
    }
    p.defaultTtl = *ttl;
    // Given but empty clears a URL (std::optional holding an empty string).
    p.callbackUrl = optionalString(form, QStringLiteral("CallbackUrl"));
    p.interceptCallbackUrl = optionalString(form, QStringLiteral("InterceptCallbackUrl"));
    p.outOfSessionCallbackUrl = optionalString(form, QStringLiteral("OutOfSessionCallbackUrl"));
    p.chatInstanceSid = optionalString(form, QStringLiteral("ChatInstanceSid"));
    // Enum values (and callback URLs, unique names) are the domain's to validate: one list of allowed values.
    p.geoMatchLevel = optionalString(form, QStringLiteral("GeoMatchLevel"));
    p.numberSelectionBehavior = optionalString(form, QStringLiteral("NumberSelectionBehavior"));
    // Maskline extensions (docs/api.md): the country dialling flags Twilio set per account on request.
    for (const auto &[name, target] : {std::pair{QStringLiteral("MexicoInsertOne"), &p.mxInsertOne},
                                       std::pair{QStringLiteral("ArgentinaInsertNine"), &p.arInsertNine}}) {
        auto flag = Params::readBool(form, name);
        if (!flag) {
            return flag.error();
        }
        *target = *flag;
    }
    return p;
}

} // namespace

// --- Services -------------------------------------------------------------------------------------------------------

HttpReply RestApi::listServices(const HttpRequest &r)
{
    return listReply<Service>(
        r, QStringLiteral("services"), ApiPaths::services(),
        [&](const PageRequest &page) { return m_proxy.listServices(r.account.sid, page); }, JsonViews::service);
}

HttpReply RestApi::createService(const HttpRequest &r)
{
    const Result<ServiceParams> params = readServiceParams(r.params);
    if (!params) {
        return HttpReply::error(params.error());
    }
    if (!params->uniqueName || params->uniqueName->trimmed().isEmpty()) {
        return HttpReply::error(required(QStringLiteral("UniqueName")));
    }
    rememberOwnBase(r);
    return replyWith(m_proxy.createService(r.account.sid, *params), 201, r.baseUrl, JsonViews::service);
}

HttpReply RestApi::fetchService(const HttpRequest &r)
{
    return replyWith(m_proxy.fetchService(r.account.sid, r.arg(0)), 200, r.baseUrl, JsonViews::service);
}

HttpReply RestApi::updateService(const HttpRequest &r)
{
    const Result<ServiceParams> params = readServiceParams(r.params);
    if (!params) {
        return HttpReply::error(params.error());
    }
    rememberOwnBase(r);
    return replyWith(m_proxy.updateService(r.account.sid, r.arg(0), *params), 200, r.baseUrl, JsonViews::service);
}

HttpReply RestApi::deleteService(const HttpRequest &r)
{
    return replyEmpty(m_proxy.deleteService(r.account.sid, r.arg(0)));
}

// --- Phone numbers --------------------------------------------------------------------------------------------------

HttpReply RestApi::listPhoneNumbers(const HttpRequest &r)
{
    return listReply<PhoneNumber>(
        r, QStringLiteral("phone_numbers"), ApiPaths::phoneNumbers(r.arg(0)),
        [&](const PageRequest &page) { return m_proxy.listPhoneNumbers(r.account.sid, r.arg(0), page); },
        JsonViews::phoneNumber);
}

HttpReply RestApi::createPhoneNumber(const HttpRequest &r)
{
    PhoneNumberParams p;
    p.sid = r.params.value(QStringLiteral("Sid")).value_or(QString()).trimmed();
    p.phoneNumber = r.params.value(QStringLiteral("PhoneNumber")).value_or(QString()).trimmed();
    READ_PARAM(p.isReserved, Params::readBool(r.params, QStringLiteral("IsReserved")));
    READ_PARAM(p.capabilities, readCapabilities(r.params));
    if (p.sid.isEmpty() && p.phoneNumber.isEmpty()) {
        return HttpReply::error(ApiError::invalidParameter(QStringLiteral("PhoneNumber"),
                                                           QStringLiteral("is required when Sid is not given")));
    }
    return replyWith(m_proxy.createPhoneNumber(r.account.sid, r.arg(0), p), 201, r.baseUrl, JsonViews::phoneNumber);
}

HttpReply RestApi::fetchPhoneNumber(const HttpRequest &r)
{
    return replyWith(m_proxy.fetchPhoneNumber(r.account.sid, r.arg(0), r.arg(1)), 200, r.baseUrl,
                     JsonViews::phoneNumber);
}

HttpReply RestApi::updatePhoneNumber(const HttpRequest &r)
{
    std::optional<bool> isReserved;
    READ_PARAM(isReserved, Params::readBool(r.params, QStringLiteral("IsReserved")));
    std::optional<Capabilities> capabilities;
    READ_PARAM(capabilities, readCapabilities(r.params));
    return replyWith(m_proxy.updatePhoneNumber(r.account.sid, r.arg(0), r.arg(1), isReserved, capabilities), 200,
                     r.baseUrl, JsonViews::phoneNumber);
}

HttpReply RestApi::deletePhoneNumber(const HttpRequest &r)
{
    return replyEmpty(m_proxy.deletePhoneNumber(r.account.sid, r.arg(0), r.arg(1)));
}

} // namespace Maskline
