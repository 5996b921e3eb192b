#include "numberprovisioning.h"

#include <memory>

#include "carrier/carriernumbers.h"
#include "core/apierror.h"
#include "core/phonenumbers.h"
#include "core/sid.h"
#include "debugger/debugger.h"
#include "formdata.h"
#include "jsonviews.h"
#include "proxy/proxy.h"
#include "restapi.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace {

constexpr int CODE_DOWNSTREAM_ERROR = 80502;    // "Internal Server Error from Downstream"
constexpr int CODE_DOWNSTREAM_REJECTED = 80613; // "Downstream Request Rejected"
constexpr int CODE_NOT_FOUND_PHONE_NUMBER_SID = 80301;
constexpr int CODE_PHONE_NUMBER_NOT_AVAILABLE = 80601;

// The one mapping of a carrier failure to an answer (docs/api.md, "Numbers from the carrier"). The caller's own
// credentials are fine in every case, so none of these is a 401: the carrier refusing Maskline is a 502.
ApiError carrierError(const CarrierFailure &f, const QString &action)
{
    using K = CarrierFailure::Kind;
    switch (f.kind) {
    case K::Unauthorized:
        return ApiError::make(CODE_DOWNSTREAM_REJECTED, 502,
                              u"The carrier refused Maskline's credentials while %1 (%2); check --twilio-account-sid "
                              u"and --twilio-auth-token. Nothing was changed."_s.arg(action, f.detail));
    case K::Refused:
        return ApiError::make(CODE_DOWNSTREAM_REJECTED, 502,
                              u"The carrier refused %1 (%2). Nothing was changed."_s.arg(action, f.detail));
    case K::Timeout:
        return ApiError::make(CODE_DOWNSTREAM_ERROR, 504,
                              u"The carrier did not answer in time while %1 (%2). Nothing was changed; retry the "
                              u"request."_s.arg(action, f.detail));
    case K::Unreachable:
        return ApiError::make(CODE_DOWNSTREAM_ERROR, 502,
                              u"The carrier could not be reached while %1 (%2). Nothing was changed; check "
                              u"--twilio-api-url and the network, then retry."_s.arg(action, f.detail));
    case K::Malformed:
        return ApiError::make(CODE_DOWNSTREAM_ERROR, 502,
                              u"The carrier's answer while %1 was not what its API documents (%2). Nothing was "
                              u"changed."_s.arg(action, f.detail));
    case K::Unavailable:
    case K::NotFound: // callers handle NotFound themselves; reaching here means it was unexpected
    case K::None:
        break;
    }
    return ApiError::make(
        CODE_DOWNSTREAM_ERROR, 502,
        u"The carrier failed while %1 (%2). Nothing was changed; retry the request."_s.arg(action, f.detail));
}

} // namespace

struct NumberProvisioning::Context
{
    QString accountSid;
    QString serviceSid;
    QString baseUrl;
    QString method;
    QString path;
    QString query;
    QByteArray body;
    Respond respond;
    QStringList claimed;
};

// A Service delete (or a number delete, a teardown of one): webhooks restored one number at a time, then the
// store delete; on a failure, the numbers already restored are pointed back at Maskline.
struct NumberProvisioning::Teardown
{
    std::shared_ptr<Context> ctx;
    QList<PhoneNumber> numbers;
    qsizetype next = 0;
    std::function<Status()> remove; // the store delete, once every webhook is back
    std::function<HttpReply()> done;
};

NumberProvisioning::NumberProvisioning(Proxy &proxy, RestApi &api, Debugger *debugger, QObject *parent)
    : QObject(parent)
    , m_proxy(proxy)
    , m_api(api)
    , m_debugger(debugger)
{}

NumberProvisioning::~NumberProvisioning() = default;

bool NumberProvisioning::claim(const QStringList &keys)
{
    for (const QString &key : keys) {
        if (!key.isEmpty() && m_busy.contains(key)) {
            return false;
        }
    }
    for (const QString &key : keys) {
        if (!key.isEmpty()) {
            m_busy.insert(key);
        }
    }
    return true;
}

void NumberProvisioning::release(const QStringList &keys)
{
    for (const QString &key : keys) {
        m_busy.remove(key);
    }
}

NumberWebhooks NumberProvisioning::maskline(const Context &ctx) const
{
    return NumberWebhooks{ctx.baseUrl + u"/carrier/twilio/sms"_s, u"POST"_s, ctx.baseUrl + u"/carrier/twilio/voice"_s,
                          u"POST"_s};
}

void NumberProvisioning::recordFailure(const Context &ctx, const ApiError &error, const QString &resourceSid)
{
    if (!m_debugger) {
        return;
    }
    // The request that caused it, as for events raised while a request is handled synchronously.
    const Debugger::RequestScope scope(m_debugger, ctx.method, ctx.baseUrl, ctx.path, ctx.query, ctx.body);
    DebuggerEvent e;
    e.code = error.code;
    e.accountSid = ctx.accountSid;
    e.serviceSid = ctx.serviceSid;
    e.resourceSid = resourceSid.isEmpty() ? ctx.serviceSid : resourceSid;
    e.message = error.message;
    m_debugger->record(e);
}

void NumberProvisioning::undoWebhooks(const Context &ctx, const QString &sid, const NumberWebhooks &webhooks)
{
    if (!m_numbers) {
        return;
    }
    auto copy = std::make_shared<Context>(ctx);
    copy->respond = nullptr;
    QPointer<NumberProvisioning> self(this);
    m_numbers->setWebhooks(sid, webhooks, [self, copy, sid](const CarrierFailure &f) {
        if (self && f.failed()) {
            ApiError error = carrierError(f, u"putting back the webhooks of %1 after a failed step"_s.arg(sid));
            error.message += u" The number's webhooks at the carrier may not match the pool: check them."_s;
            self->recordFailure(*copy, error, sid);
        }
    });
}

void NumberProvisioning::createPhoneNumber(const HttpRequest &r, Respond respond)
{
    if (!m_numbers) {
        respond(m_api.createPhoneNumber(r));
        return;
    }
    const QString sid = r.params.value(u"Sid").value_or(QString()).trimmed();
    const QString given = r.params.value(u"PhoneNumber").value_or(QString()).trimmed();
    const Result<std::optional<bool>> reservedParam = Params::readBool(r.params, u"IsReserved"_s);
    if (!reservedParam) {
        return respond(HttpReply::error(reservedParam.error()));
    }
    const bool reserved = reservedParam->value_or(false);
    if (r.params.value(u"Capabilities")) {
        return respond(HttpReply::error(ApiError::invalidParameter(
            u"Capabilities"_s, u"cannot be given with --carrier twilio: a number's capabilities are read from the "
                               u"carrier account"_s)));
    }
    if (sid.isEmpty() && given.isEmpty()) {
        return respond(
            HttpReply::error(ApiError::invalidParameter(u"PhoneNumber"_s, u"is required when Sid is not given"_s)));
    }
    QString e164;
    if (!given.isEmpty()) {
        const PhoneNumbers::Info info = PhoneNumbers::parse(given);
        if (!info.valid) {
            return respond(HttpReply::error(ApiError::make(
                80406, 400, u"Invalid phone number '%1': give it in E.164 form, e.g. +14155550100"_s.arg(given))));
        }
        e164 = info.e164;
    }
    // Everything the store would refuse is refused before the carrier is asked anything.
    if (const Status st = m_proxy.checkPhoneNumberAddable(r.account.sid, r.arg(0), e164, sid, reserved); !st) {
        return respond(HttpReply::error(st.error()));
    }

    auto ctx = std::make_shared<Context>(Context{
        r.account.sid, r.arg(0), r.baseUrl, methodName(r.method), r.path, r.query, r.body, std::move(respond), {}});
    if (!claim({sid, e164})) {
        return ctx->respond(HttpReply::error(
            ApiError::make(20409, 409,
                           u"Another request is adding or removing %1 right now; retry when it has finished"_s.arg(
                               sid.isEmpty() ? e164 : sid))));
    }
    ctx->claimed = {sid, e164};

    QPointer<NumberProvisioning> self(this);
    auto looked = [self, ctx, sid, e164, reserved](const CarrierNumberLookup &lookup) {
        if (!self) {
            return;
        }
        const auto fail = [&](const ApiError &error) {
            self->release(ctx->claimed);
            ctx->respond(HttpReply::error(error));
        };
        if (lookup.failure.kind == CarrierFailure::Kind::NotFound) {
            if (!sid.isEmpty()) {
                return fail(ApiError::make(CODE_NOT_FOUND_PHONE_NUMBER_SID, 400,
                                           u"Phone Number SID %1 is not associated with the carrier account: no such "
                                           u"IncomingPhoneNumber"_s.arg(sid)));
            }
            return fail(ApiError::make(CODE_PHONE_NUMBER_NOT_AVAILABLE, 400,
                                       u"PhoneNumber %1 is not available: the carrier account does not own it; buy or "
                                       u"port it into the account first"_s.arg(e164)));
        }
        if (lookup.failure.failed()) {
            const ApiError error =
                carrierError(lookup.failure, u"looking up %1 in the carrier account"_s.arg(sid.isEmpty() ? e164 : sid));
            self->recordFailure(*ctx, error, sid);
            return fail(error);
        }
        const CarrierNumber &n = lookup.number;
        if (!e164.isEmpty() && n.phoneNumber != e164) {
            return fail(ApiError::invalidParameter(u"Sid"_s, u"%1 names %2, not %3"_s.arg(sid, n.phoneNumber, e164)));
        }
        // The other half is known now: the carrier's SID for a number, the number for a SID.
        if (const Status st =
                self->m_proxy.checkPhoneNumberAddable(ctx->accountSid, ctx->serviceSid, n.phoneNumber, n.sid, reserved);
            !st) {
            return fail(st.error());
        }
        const QStringList more{n.sid == sid ? QString() : n.sid, n.phoneNumber == e164 ? QString() : n.phoneNumber};
        if (!self->claim(more)) {
            return fail(ApiError::make(
                20409, 409,
                u"Another request is adding or removing %1 right now; retry when it has finished"_s.arg(n.sid)));
        }
        ctx->claimed.append(more);
        self->pointAndAdd(ctx, n.sid, n.phoneNumber, reserved, n.friendlyName, n.isoCountry, n.capabilities,
                          n.webhooks);
    };
    if (!sid.isEmpty()) {
        m_numbers->fetchBySid(sid, std::move(looked));
    } else {
        m_numbers->findByPhoneNumber(e164, std::move(looked));
    }
}

void NumberProvisioning::pointAndAdd(std::shared_ptr<Context> ctx, const QString &sid, const QString &e164,
                                     bool reserved, const QString &friendlyName, const QString &isoCountry,
                                     const Capabilities &capabilities, const NumberWebhooks &previous)
{
    if (!m_numbers) {
        release(ctx->claimed);
        return ctx->respond(HttpReply::error(ApiError::make(CODE_DOWNSTREAM_ERROR, 503, u"The carrier is gone"_s)));
    }
    PhoneNumberParams params;
    params.sid = sid;
    params.phoneNumber = e164;
    params.isReserved = reserved;
    params.capabilities = capabilities;
    params.friendlyName = friendlyName;
    params.isoCountry = isoCountry;
    params.carrierManaged = true;
    params.previousWebhooks = previous;
    QPointer<NumberProvisioning> self(this);
    m_numbers->setWebhooks(sid, maskline(*ctx), [self, ctx, params](const CarrierFailure &f) {
        if (!self) {
            return;
        }
        self->release(ctx->claimed);
        if (f.failed()) {
            const ApiError error =
                carrierError(f, u"pointing the webhooks of %1 at Maskline; the number was not added"_s.arg(params.sid));
            self->recordFailure(*ctx, error, params.sid);
            return ctx->respond(HttpReply::error(error));
        }
        const Result<PhoneNumber> added = self->m_proxy.createPhoneNumber(ctx->accountSid, ctx->serviceSid, params);
        if (!added) {
            self->undoWebhooks(*ctx, params.sid, params.previousWebhooks);
            return ctx->respond(HttpReply::error(added.error()));
        }
        ctx->respond(HttpReply::json(201, JsonViews::phoneNumber(*added, ctx->baseUrl)));
    });
}

void NumberProvisioning::deletePhoneNumber(const HttpRequest &r, Respond respond)
{
    if (!m_numbers) {
        respond(m_api.deletePhoneNumber(r));
        return;
    }
    const Result<PhoneNumber> number = m_proxy.fetchPhoneNumber(r.account.sid, r.arg(0), r.arg(1));
    if (!number || !number->carrierManaged || number->inUse > 0) {
        respond(m_api.deletePhoneNumber(r)); // not found, not the carrier's, or in use (80611): answered as before
        return;
    }
    auto ctx = std::make_shared<Context>(Context{
        r.account.sid, r.arg(0), r.baseUrl, methodName(r.method), r.path, r.query, r.body, std::move(respond), {}});
    auto teardown = std::make_shared<Teardown>();
    teardown->ctx = ctx;
    teardown->numbers = {*number};
    const QString accountSid = r.account.sid;
    const QString serviceSid = r.arg(0);
    const QString sid = number->sid;
    teardown->remove = [this, accountSid, serviceSid, sid]() {
        return m_proxy.deletePhoneNumber(accountSid, serviceSid, sid);
    };
    teardown->done = []() {
        return HttpReply::noContent();
    };
    restoreNext(teardown);
}

void NumberProvisioning::deleteService(const HttpRequest &r, Respond respond)
{
    if (!m_numbers) {
        respond(m_api.deleteService(r));
        return;
    }
    const Result<QList<PhoneNumber>> numbers = m_proxy.carrierManagedNumbers(r.account.sid, r.arg(0));
    if (!numbers || numbers->isEmpty()) {
        respond(m_api.deleteService(r));
        return;
    }
    auto ctx = std::make_shared<Context>(Context{
        r.account.sid, r.arg(0), r.baseUrl, methodName(r.method), r.path, r.query, r.body, std::move(respond), {}});
    auto teardown = std::make_shared<Teardown>();
    teardown->ctx = ctx;
    teardown->numbers = *numbers;
    const QString accountSid = r.account.sid;
    const QString serviceSid = r.arg(0);
    teardown->remove = [this, accountSid, serviceSid]() {
        return m_proxy.deleteService(accountSid, serviceSid);
    };
    teardown->done = []() {
        return HttpReply::noContent();
    };
    restoreNext(teardown);
}

void NumberProvisioning::restoreNext(std::shared_ptr<Teardown> t)
{
    Context &ctx = *t->ctx;
    if (t->next == 0) {
        QStringList keys;
        for (const PhoneNumber &n : std::as_const(t->numbers)) {
            keys << n.sid << n.phoneNumber;
        }
        if (!claim(keys)) {
            return ctx.respond(HttpReply::error(
                ApiError::make(20409, 409,
                               u"Another request is adding or removing a number of this pool right now; retry when it "
                               u"has finished"_s)));
        }
        ctx.claimed = keys;
    }
    const auto pointBack = [this, t](qsizetype upTo) {
        for (qsizetype i = 0; i < upTo; ++i) {
            undoWebhooks(*t->ctx, t->numbers.at(i).sid, maskline(*t->ctx));
        }
    };
    if (t->next == t->numbers.size() || !m_numbers) {
        release(ctx.claimed);
        if (!m_numbers) {
            return ctx.respond(HttpReply::error(ApiError::make(CODE_DOWNSTREAM_ERROR, 503, u"The carrier is gone"_s)));
        }
        const Status removed = t->remove();
        if (!removed) {
            pointBack(t->numbers.size());
            return ctx.respond(HttpReply::error(removed.error()));
        }
        return ctx.respond(t->done());
    }
    const PhoneNumber &n = t->numbers.at(t->next);
    QPointer<NumberProvisioning> self(this);
    m_numbers->setWebhooks(n.sid, n.previousWebhooks, [self, t, pointBack](const CarrierFailure &f) {
        if (!self) {
            return;
        }
        const PhoneNumber &number = t->numbers.at(t->next);
        if (f.kind == CarrierFailure::Kind::NotFound) {
            // The number left the carrier account: nothing to put back, and nothing keeps it in the pool.
            if (self->m_debugger) {
                const Debugger::RequestScope scope(self->m_debugger, t->ctx->method, t->ctx->baseUrl, t->ctx->path,
                                                   t->ctx->query, t->ctx->body);
                DebuggerEvent e;
                e.code = CODE_NOT_FOUND_PHONE_NUMBER_SID;
                e.accountSid = t->ctx->accountSid;
                e.serviceSid = t->ctx->serviceSid;
                e.resourceSid = number.sid;
                e.message = u"Phone number %1 is no longer in the carrier account, so its webhooks could not be put "
                            u"back; it is removed from the pool all the same"_s.arg(number.sid);
                self->m_debugger->record(e);
            }
        } else if (f.failed()) {
            self->release(t->ctx->claimed);
            const ApiError error =
                carrierError(f, u"putting back the webhooks of %1; it stays in the pool"_s.arg(number.sid));
            self->recordFailure(*t->ctx, error, number.sid);
            pointBack(t->next);
            return t->ctx->respond(HttpReply::error(error));
        }
        ++t->next;
        self->restoreNext(t);
    });
}

} // namespace Maskline
