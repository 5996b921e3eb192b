#include "statusingest.h"

#include <optional>

#include <QJsonObject>

#include "carrier/carrier.h"
#include "core/redact.h"
#include "legs.h"
#include "router.h"
#include "routingcontext.h"
#include "store/interactionstable.h"
#include "store/sqlquery.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

StatusIngest::StatusIngest(RoutingContext &context, LegAdvancer &legs)
    : m_context(context)
    , m_legs(legs)
{}

Result<Interaction> StatusIngest::apply(const StatusReport &report)
{
    try {
        const QSqlDatabase db = m_context.db();
        std::optional<Interaction> interaction;
        bool outbound = true;
        if (!report.interactionSid.isEmpty()) {
            interaction = InteractionsTable::bySid(db, report.interactionSid);
            if (interaction && !report.resourceSid.isEmpty()) {
                if (report.resourceSid == interaction->inbound.resourceSid) {
                    outbound = false;
                } else if (!interaction->outbound.resourceSid.isEmpty() &&
                           interaction->outbound.resourceSid != report.resourceSid) {
                    return ApiError::invalidParameter(
                        u"CallSid"_s, u"%1 is not a leg of interaction %2"_s.arg(report.resourceSid, interaction->sid));
                }
            }
        } else if (!report.resourceSid.isEmpty()) {
            interaction = InteractionsTable::byOutboundResource(db, report.resourceSid);
            if (!interaction) {
                interaction = InteractionsTable::byInboundResource(db, report.resourceSid);
                outbound = false;
            }
        }
        if (!interaction) {
            return ApiError::notFound(u"/Interactions/"_s +
                                      (report.interactionSid.isEmpty() ? report.resourceSid : report.interactionSid));
        }
        const bool isCall = !report.callStatus.isEmpty();
        const QString status = (isCall ? report.callStatus : report.messageStatus).trimmed().toLower();
        if (InteractionsTable::legStatusRank(status) < 0) {
            return ApiError::invalidParameter(isCall ? u"CallStatus"_s : u"MessageStatus"_s,
                                              u"'%1' is not a status Maskline records"_s.arg(status.left(40)));
        }
        QString data;
        if (isCall && outbound && status == u"completed"_s && !report.callDuration.isEmpty()) {
            bool ok = false;
            const qint64 seconds = report.callDuration.toLongLong(&ok);
            if (ok && seconds >= 0) {
                data = Routing::jsonText(QJsonObject{{u"duration"_s, QString::number(seconds)}});
            }
        }
        InteractionLeg leg;
        leg.resourceStatus = status;
        const InteractionLeg &currentLeg = outbound ? interaction->outbound : interaction->inbound;
        if (currentLeg.resourceSid.isEmpty() && Router::isCarrierSid(report.resourceSid)) {
            leg.resourceSid = report.resourceSid;
            leg.resourceUrl = m_context.carrier.resourceUrl(isCall ? u"Calls"_s : u"Messages"_s, report.resourceSid);
        }
        if (!report.errorCode.isEmpty()) {
            qCInfo(lcRouter).noquote() << "interaction" << interaction->sid << (outbound ? "outbound" : "inbound")
                                       << "leg" << status << "with carrier error" << report.errorCode.left(20);
        }
        auto advanced = m_legs.advance(interaction->sid, outbound, leg, data);
        if (!advanced) {
            qCInfo(lcRouter).noquote() << "interaction" << interaction->sid
                                       << "not updated:" << redactText(advanced.error().message);
            if (auto fresh = InteractionsTable::bySid(db, interaction->sid)) {
                return *fresh;
            }
            return *interaction;
        }
        return *advanced;
    } catch (const StoreError &e) {
        return ApiError::internal(e.message());
    }
}

} // namespace Maskline
