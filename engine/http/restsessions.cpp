#include <QJsonDocument>
#include <QJsonObject>

#include "core/sid.h"
#include "proxy/proxy.h"
#include "renderedsessions.h"
#include "restapi.h"
#include "restapi_p.h"

namespace Maskline {

using namespace RestDetail;

namespace {

// What QJsonDocument would resolve silently in a Participants element, checked on the text first: a key given twice
// in one object (keys are matched case-insensitively, so `Identifier` and `identifier` are the same key), a \u escape
// that is half a surrogate pair (Qt would turn it into U+FFFD and shift its neighbour), and nesting too deep to mean
// anything. Returns why the text is refused, or an empty string. Syntax errors are left to QJsonDocument.
QString participantJsonProblem(const QString &text)
{
    constexpr int MAX_DEPTH = 16;
    struct Frame
    {
        bool object = false;
        bool expectKey = false;
        QStringList keys;
    };
    QList<Frame> stack;
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = text.at(i);
        if (c == u'{' || c == u'[') {
            if (stack.size() >= MAX_DEPTH) {
                return QStringLiteral("is nested too deeply");
            }
            stack.append({c == u'{', c == u'{', {}});
        } else if (c == u'}' || c == u']') {
            if (!stack.isEmpty()) {
                stack.removeLast();
            }
        } else if (c == u',') {
            if (!stack.isEmpty() && stack.constLast().object) {
                stack.last().expectKey = true;
            }
        } else if (c == u'"') {
            QString value;
            qsizetype j = i + 1;
            for (; j < n && text.at(j) != u'"'; ++j) {
                if (text.at(j) != u'\\') {
                    value.append(text.at(j));
                    continue;
                }
                if (++j >= n) {
                    break;
                }
                if (text.at(j) != u'u') {
                    value.append(text.at(j));
                    continue;
                }
                bool ok = false;
                const uint unit = text.mid(j + 1, 4).toUInt(&ok, 16);
                if (!ok || j + 4 >= n) {
                    break; // malformed: QJsonDocument reports it
                }
                j += 4;
                if (QChar::isLowSurrogate(unit)) {
                    return QStringLiteral("has a lone surrogate escape (\\u%1)").arg(unit, 4, 16, QLatin1Char('0'));
                }
                if (QChar::isHighSurrogate(unit)) {
                    bool lowOk = false;
                    const uint low = text.mid(j + 3, 4).toUInt(&lowOk, 16);
                    if (text.mid(j + 1, 2) != u"\\u" || !lowOk || !QChar::isLowSurrogate(low)) {
                        return QStringLiteral("has a lone surrogate escape (\\u%1)").arg(unit, 4, 16, QLatin1Char('0'));
                    }
                    j += 6;
                    value.append(QChar(char16_t(unit)));
                    value.append(QChar(char16_t(low)));
                    continue;
                }
                value.append(QChar(char16_t(unit)));
            }
            i = j;
            if (!stack.isEmpty() && stack.constLast().object && stack.constLast().expectKey) {
                Frame &frame = stack.last();
                frame.expectKey = false;
                const QString key = value.toLower();
                if (frame.keys.contains(key)) {
                    return QStringLiteral("has the key %1 more than once").arg(Params::printable(value));
                }
                frame.keys.append(key);
            }
        }
    }
    return {};
}

} // namespace

// One element of Session create's `Participants`: a JSON object (twilio-python/-node send each as its own form
// field). Keys are matched case-insensitively (each may appear once); values must be strings.
Result<ParticipantParams> readParticipantJson(const QString &text, qsizetype index)
{
    const QString name = QStringLiteral("Participants");
    const auto bad = [&](const QString &why) {
        return ApiError::invalidParameter(name, QStringLiteral("element %1 %2").arg(QString::number(index), why));
    };
    if (const QString problem = participantJsonProblem(text); !problem.isEmpty()) {
        return bad(problem);
    }
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        return bad(QStringLiteral("is not a JSON object"));
    }
    ParticipantParams p;
    bool haveIdentifier = false;
    const QJsonObject o = doc.object();
    for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
        const QString key = it.key();
        if (!it->isString()) {
            if (it->isNull()) {
                continue;
            }
            return bad(QStringLiteral("has a non-string value for %1").arg(Params::printable(key)));
        }
        const QString value = it->toString();
        if (key.compare(u"Identifier", Qt::CaseInsensitive) == 0) {
            p.identifier = value;
            haveIdentifier = true;
        } else if (key.compare(u"ProxyIdentifier", Qt::CaseInsensitive) == 0) {
            p.proxyIdentifier = value;
        } else if (key.compare(u"ProxyIdentifierSid", Qt::CaseInsensitive) == 0) {
            p.proxyIdentifierSid = value;
        } else if (key.compare(u"FriendlyName", Qt::CaseInsensitive) == 0) {
            if (!Params::checkText(QStringLiteral("FriendlyName"), value)) {
                return bad(QStringLiteral("has a FriendlyName with control characters"));
            }
            p.friendlyName = value;
        }
    }
    if (!haveIdentifier || p.identifier.isEmpty()) {
        return bad(QStringLiteral("has no Identifier"));
    }
    return p;
}

// --- Sessions -------------------------------------------------------------------------------------------------------

HttpReply RestApi::listSessions(const HttpRequest &r)
{
    return listReply<Session>(
        r, QStringLiteral("sessions"), ApiPaths::sessions(r.arg(0)),
        [&](const PageRequest &page) { return m_proxy.listSessions(r.account.sid, r.arg(0), page); },
        JsonViews::session);
}

HttpReply RestApi::createSession(const HttpRequest &r)
{
    SessionParams p;
    p.uniqueName = optionalString(r.params, QStringLiteral("UniqueName"));
    if (const Status text = Params::checkText(QStringLiteral("UniqueName"), p.uniqueName); !text) {
        return HttpReply::error(text.error());
    }
    READ_PARAM(p.dateExpiry, Params::readDateTime(r.params, QStringLiteral("DateExpiry"), true));
    READ_PARAM(p.ttl, Params::readInt(r.params, QStringLiteral("Ttl"), 0, MAX_TTL));
    p.mode = optionalString(r.params, QStringLiteral("Mode"));
    p.status = optionalString(r.params, QStringLiteral("Status"));
    std::optional<bool> failOnConflict;
    READ_PARAM(failOnConflict, Params::readBool(r.params, QStringLiteral("FailOnParticipantConflict")));
    p.failOnParticipantConflict = failOnConflict.value_or(false);

    const QStringList participants = r.params.values(QStringLiteral("Participants"));
    for (qsizetype i = 0; i < participants.size(); ++i) {
        Result<ParticipantParams> participant = readParticipantJson(participants.at(i), i);
        if (!participant) {
            return HttpReply::error(participant.error());
        }
        participant->failOnParticipantConflict = p.failOnParticipantConflict;
        p.participants.append(*participant);
    }
    return replyWith(m_proxy.createSession(r.account.sid, r.arg(0), p), 201, r.baseUrl, JsonViews::session);
}

HttpReply RestApi::fetchSession(const HttpRequest &r)
{
    const bool cacheable = m_renderedSessions && r.committedView && Sid::isValid(r.arg(1), Sid::SESSION);
    if (cacheable) {
        if (std::optional<QByteArray> body = m_renderedSessions->find(r.account.sid, r.arg(0), r.arg(1), r.baseUrl)) {
            return HttpReply::json(200, *std::move(body));
        }
    }
    const Result<Session> session = m_proxy.fetchSession(r.account.sid, r.arg(0), r.arg(1));
    if (!session) {
        return HttpReply::error(session.error());
    }
    QByteArray body = JsonViews::session(*session, r.baseUrl);
    if (cacheable) {
        m_renderedSessions->insert(*session, r.baseUrl, body);
    }
    return HttpReply::json(200, std::move(body));
}

HttpReply RestApi::updateSession(const HttpRequest &r)
{
    // Only DateExpiry, Ttl and Status are updatable (Mode and Participants left the update in 2019-06).
    SessionParams p;
    READ_PARAM(p.dateExpiry, Params::readDateTime(r.params, QStringLiteral("DateExpiry"), true));
    READ_PARAM(p.ttl, Params::readInt(r.params, QStringLiteral("Ttl"), 0, MAX_TTL));
    p.status = optionalString(r.params, QStringLiteral("Status"));
    std::optional<bool> failOnConflict;
    READ_PARAM(failOnConflict, Params::readBool(r.params, QStringLiteral("FailOnParticipantConflict")));
    p.failOnParticipantConflict = failOnConflict.value_or(false);
    return replyWith(m_proxy.updateSession(r.account.sid, r.arg(0), r.arg(1), p), 200, r.baseUrl, JsonViews::session);
}

HttpReply RestApi::deleteSession(const HttpRequest &r)
{
    return replyEmpty(m_proxy.deleteSession(r.account.sid, r.arg(0), r.arg(1)));
}

// --- Participants ---------------------------------------------------------------------------------------------------

HttpReply RestApi::listParticipants(const HttpRequest &r)
{
    return listReply<Participant>(
        r, QStringLiteral("participants"), ApiPaths::participants(r.arg(0), r.arg(1)),
        [&](const PageRequest &page) { return m_proxy.listParticipants(r.account.sid, r.arg(0), r.arg(1), page); },
        JsonViews::participant);
}

HttpReply RestApi::createParticipant(const HttpRequest &r)
{
    ParticipantParams p;
    const std::optional<QString> identifier = r.params.value(QStringLiteral("Identifier"));
    if (!identifier || identifier->trimmed().isEmpty()) {
        return HttpReply::error(required(QStringLiteral("Identifier")));
    }
    p.identifier = *identifier;
    p.friendlyName = optionalString(r.params, QStringLiteral("FriendlyName"));
    if (const Status text = Params::checkText(QStringLiteral("FriendlyName"), p.friendlyName); !text) {
        return HttpReply::error(text.error());
    }
    p.proxyIdentifier = optionalString(r.params, QStringLiteral("ProxyIdentifier"));
    p.proxyIdentifierSid = optionalString(r.params, QStringLiteral("ProxyIdentifierSid"));
    std::optional<bool> failOnConflict;
    READ_PARAM(failOnConflict, Params::readBool(r.params, QStringLiteral("FailOnParticipantConflict")));
    p.failOnParticipantConflict = failOnConflict.value_or(false);
    return replyWith(m_proxy.createParticipant(r.account.sid, r.arg(0), r.arg(1), p), 201, r.baseUrl,
                     JsonViews::participant);
}

HttpReply RestApi::fetchParticipant(const HttpRequest &r)
{
    return replyWith(m_proxy.fetchParticipant(r.account.sid, r.arg(0), r.arg(1), r.arg(2)), 200, r.baseUrl,
                     JsonViews::participant);
}

HttpReply RestApi::deleteParticipant(const HttpRequest &r)
{
    // The current spec answers 200 with the (soft-deleted) participant, not 204.
    return replyWith(m_proxy.deleteParticipant(r.account.sid, r.arg(0), r.arg(1), r.arg(2)), 200, r.baseUrl,
                     JsonViews::participant);
}

} // namespace Maskline
