#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

namespace Maskline::Testing {

// Checks Maskline's REST responses against Twilio's own OpenAPI description of Proxy v1 (tests/data/
// twilio_proxy_v1.json), so that "wire-compatible" is measured against the contract rather than against our memory
// of it. It knows exactly as much OpenAPI as that file uses: $ref, type, nullable, enum, pattern, min/maxLength,
// format uri / uri-map / date-time, nested objects and arrays.
//
// Deliberate readings of the spec (each one is where a naive checker would reject what Twilio itself sends):
// - Every property the schema lists must be present; extra properties are fine (clients ignore them).
// - null is accepted only where the property says nullable: true, with one exception: the interaction resource-status
//   enums, which the spec's own MessageInteraction examples return as null (a one-sided interaction has no inbound
//   leg), although enum schemas carry no nullable flag.
// - Interaction and MessageInteraction `type` are open enums ("ienum", 2024-06-18). The JSON file does not mark this
//   (it lists message/voice/unknown as a plain enum; the open-ness lives in Twilio's generators), so the checker keeps
//   its own list of open enums: any string is accepted there.
// - Objects annotated @JsonInclude(NON_NULL) (PhoneNumber `capabilities`) may omit keys: Twilio's own examples do.
// - date-time must be exactly YYYY-MM-DDTHH:MM:SSZ and a real instant; uri must be absolute http(s).
// - Error responses (4xx/5xx) are checked against Twilio's error body {code, message, more_info, status} instead of
//   the operation (the spec declares no error responses at all).
class ContractChecker final
{
    Q_DISABLE_COPY_MOVE(ContractChecker)

public:
    // Loads the spec; check isValid() / errorString() before use.
    explicit ContractChecker(const QString &specPath = defaultSpecPath());

    static QString defaultSpecPath();

    bool isValid() const { return m_error.isEmpty(); }
    QString errorString() const { return m_error; }

    QStringList operationIds() const;

    // The operationId serving `method` on `path` ("/v1/Services/KS…/Sessions/KC…", an absolute URL, or either with a
    // query string), or an empty string when the spec has no such operation.
    QString operationFor(const QString &method, const QString &path) const;

    // The status codes the spec declares for an operation ("200", "201", "204"...).
    QStringList declaredStatuses(const QString &operationId) const;

    // Violations of the contract by one response, each a readable sentence naming the JSON path at fault; empty means
    // the response conforms.
    QStringList check(const QString &operationId, int httpStatus, const QByteArray &body) const;

    // operationFor + check; an unknown method/path is itself a violation.
    QStringList checkExchange(const QString &method, const QString &path, int httpStatus, const QByteArray &body) const;

    // Twilio's error shape: {code:int, message:string, more_info:uri string, status:int == httpStatus}.
    static QStringList checkErrorBody(int httpStatus, const QByteArray &body);

    // The examples the spec gives for the operation's success response, by example name ("create", "fetch",
    // "readEmpty"...), each the example's `value`.
    QJsonObject responseExamples(const QString &operationId) const;

    static bool isStrictDateTime(const QString &value);
    static bool isAbsoluteHttpUrl(const QString &value);

private:
    struct Operation
    {
        QString id;
        QString method; // upper case
        QString pathTemplate;
        QStringList segments;
        QJsonObject responses;
    };

    const Operation *findOperation(const QString &operationId) const;
    QJsonObject resolve(const QJsonObject &schema, QString *refName, QStringList &out, const QString &where) const;
    void validate(const QJsonValue &value, const QJsonObject &schema, const QString &where, QStringList &out,
                  int depth) const;
    void validateString(const QString &value, const QJsonObject &schema, const QString &refName, const QString &where,
                        QStringList &out) const;
    static void checkListEnvelope(const QJsonObject &body, const QJsonObject &schema, QStringList &out);

    QJsonObject m_schemas; // components.schemas
    QList<Operation> m_operations;
    QString m_error;
};

} // namespace Maskline::Testing
