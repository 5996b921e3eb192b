#include "contractchecker.h"

#include <cmath>

#include <QDate>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QTime>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace Maskline::Testing {

namespace {

constexpr int MAX_DEPTH = 32;
const QString SCHEMA_REF_PREFIX = u"#/components/schemas/"_s;

// Open enums ("ienum"): Twilio may add values without notice and clients must pass them through. The spec file lists
// their current values as a plain enum, so the knowledge that they are open has to live here.
const QStringList OPEN_ENUMS = {u"interaction_enum_type"_s, u"message_interaction_enum_type"_s};

// Enums that the spec's own examples return as null (the missing leg of a one-sided interaction).
const QStringList NULL_TOLERANT_ENUMS = {u"interaction_enum_resource_status"_s,
                                         u"message_interaction_enum_resource_status"_s};

const QStringList HTTP_METHODS = {u"get"_s, u"post"_s, u"put"_s, u"patch"_s, u"delete"_s};

QString jsonTypeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return u"null"_s;
    case QJsonValue::Bool:
        return u"boolean"_s;
    case QJsonValue::Double:
        return u"number"_s;
    case QJsonValue::String:
        return u"string"_s;
    case QJsonValue::Array:
        return u"array"_s;
    case QJsonValue::Object:
        return u"object"_s;
    case QJsonValue::Undefined:
        break;
    }
    return u"undefined"_s;
}

QString shown(const QJsonValue &value)
{
    if (value.isString()) {
        return u"\""_s + value.toString() + u"\""_s;
    }
    if (value.isObject()) {
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    }
    if (value.isArray()) {
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    }
    if (value.isBool()) {
        return value.toBool() ? u"true"_s : u"false"_s;
    }
    if (value.isDouble()) {
        return QString::number(value.toDouble(), 'g', 17);
    }
    return jsonTypeName(value);
}

// QJsonDocument keeps every number as a double: an "integer" is a finite double without a fraction.
bool isIntegral(const QJsonValue &value)
{
    if (!value.isDouble()) {
        return false;
    }
    const double d = value.toDouble();
    return std::isfinite(d) && std::trunc(d) == d;
}

QJsonObject parseObject(const QByteArray &body, QStringList &out)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError) {
        out << u"body is not JSON (%1 at offset %2): %3"_s.arg(error.errorString())
                   .arg(error.offset)
                   .arg(QString::fromUtf8(body.left(120)));
        return {};
    }
    if (!doc.isObject()) {
        out << u"body is JSON but not an object"_s;
        return {};
    }
    return doc.object();
}

QJsonObject successSchema(const QJsonObject &response)
{
    return response.value(u"content"_s)
        .toObject()
        .value(u"application/json"_s)
        .toObject()
        .value(u"schema"_s)
        .toObject();
}

} // namespace

ContractChecker::ContractChecker(const QString &specPath)
{
    QFile file(specPath);
    if (!file.open(QIODevice::ReadOnly)) {
        m_error = u"cannot open the OpenAPI file %1: %2"_s.arg(specPath, file.errorString());
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        m_error = u"the OpenAPI file %1 is not a JSON object: %2"_s.arg(specPath, parseError.errorString());
        return;
    }
    const QJsonObject root = doc.object();
    m_schemas = root.value(u"components"_s).toObject().value(u"schemas"_s).toObject();

    const QJsonObject paths = root.value(u"paths"_s).toObject();
    for (auto pathIt = paths.constBegin(); pathIt != paths.constEnd(); ++pathIt) {
        const QJsonObject item = pathIt.value().toObject();
        for (const QString &method : HTTP_METHODS) {
            const QJsonObject op = item.value(method).toObject();
            if (op.isEmpty()) {
                continue;
            }
            Operation operation;
            operation.id = op.value(u"operationId"_s).toString();
            operation.method = method.toUpper();
            operation.pathTemplate = pathIt.key();
            operation.segments = pathIt.key().split(u'/');
            operation.responses = op.value(u"responses"_s).toObject();
            if (operation.id.isEmpty()) {
                m_error = u"%1 %2 has no operationId"_s.arg(operation.method, operation.pathTemplate);
                return;
            }
            m_operations.append(operation);
        }
    }
    if (m_operations.isEmpty()) {
        m_error = u"the OpenAPI file %1 declares no operations"_s.arg(specPath);
    }
}

QString ContractChecker::defaultSpecPath()
{
    return QStringLiteral(MASKLINE_OPENAPI_PATH);
}

QStringList ContractChecker::operationIds() const
{
    QStringList ids;
    for (const Operation &op : m_operations) {
        ids << op.id;
    }
    return ids;
}

const ContractChecker::Operation *ContractChecker::findOperation(const QString &operationId) const
{
    for (const Operation &op : m_operations) {
        if (op.id == operationId) {
            return &op;
        }
    }
    return nullptr;
}

QString ContractChecker::operationFor(const QString &method, const QString &path) const
{
    // Split the still-encoded path, then decode each segment, so an encoded '/' inside a unique name stays one segment.
    QString encodedPath;
    if (path.startsWith(u"http://"_s) || path.startsWith(u"https://"_s)) {
        encodedPath = QUrl(path).path(QUrl::FullyEncoded);
    } else {
        encodedPath = path.section(u'?', 0, 0).section(u'#', 0, 0);
    }
    const QStringList segments = encodedPath.split(u'/');
    const QString upperMethod = method.toUpper();

    const Operation *best = nullptr;
    int bestLiterals = -1;
    for (const Operation &op : m_operations) {
        if (op.method != upperMethod || op.segments.size() != segments.size()) {
            continue;
        }
        int literals = 0;
        bool matches = true;
        for (qsizetype i = 0; i < segments.size() && matches; ++i) {
            const QString &templ = op.segments.at(i);
            const QString actual = QUrl::fromPercentEncoding(segments.at(i).toUtf8());
            if (templ.startsWith(u'{') && templ.endsWith(u'}')) {
                matches = !actual.isEmpty();
            } else {
                matches = templ == actual;
                ++literals;
            }
        }
        if (matches && literals > bestLiterals) {
            best = &op;
            bestLiterals = literals;
        }
    }
    return best ? best->id : QString();
}

QStringList ContractChecker::declaredStatuses(const QString &operationId) const
{
    const Operation *op = findOperation(operationId);
    return op ? op->responses.keys() : QStringList();
}

QJsonObject ContractChecker::responseExamples(const QString &operationId) const
{
    const Operation *op = findOperation(operationId);
    if (!op) {
        return {};
    }
    for (auto it = op->responses.constBegin(); it != op->responses.constEnd(); ++it) {
        const QJsonObject examples = it.value()
                                         .toObject()
                                         .value(u"content"_s)
                                         .toObject()
                                         .value(u"application/json"_s)
                                         .toObject()
                                         .value(u"examples"_s)
                                         .toObject();
        if (!it.key().startsWith(u'2') || examples.isEmpty()) {
            continue;
        }
        QJsonObject values;
        for (auto ex = examples.constBegin(); ex != examples.constEnd(); ++ex) {
            values.insert(ex.key(), ex.value().toObject().value(u"value"_s));
        }
        return values;
    }
    return {};
}

QStringList ContractChecker::check(const QString &operationId, int httpStatus, const QByteArray &body) const
{
    const Operation *op = findOperation(operationId);
    if (!op) {
        return {u"unknown operationId '%1'"_s.arg(operationId)};
    }
    if (httpStatus >= 400 && httpStatus < 600) {
        return checkErrorBody(httpStatus, body);
    }
    if (httpStatus < 200 || httpStatus >= 300) {
        return {u"%1: HTTP %2 is neither a success (2xx) nor an error (4xx/5xx)"_s.arg(operationId).arg(httpStatus)};
    }

    QStringList out;
    const QString status = QString::number(httpStatus);
    QJsonObject response = op->responses.value(status).toObject();
    if (!op->responses.contains(status)) {
        out << u"%1: HTTP %2 is not declared by the spec (it declares %3)"_s.arg(operationId, status,
                                                                                 op->responses.keys().join(u", "_s));
        // Still check the body against the declared success response, so one run reports every problem.
        for (auto it = op->responses.constBegin(); it != op->responses.constEnd(); ++it) {
            if (it.key().startsWith(u'2')) {
                response = it.value().toObject();
                break;
            }
        }
    }

    const QJsonObject schema = successSchema(response);
    if (schema.isEmpty()) {
        if (httpStatus == 204 && !body.trimmed().isEmpty()) {
            out << u"%1: HTTP 204 must not carry a body, got %2 bytes"_s.arg(operationId).arg(body.size());
        }
        return out;
    }

    const qsizetype problemsBefore = out.size();
    const QJsonObject object = parseObject(body, out);
    if (out.size() > problemsBefore) {
        return out;
    }
    validate(object, schema, u"$"_s, out, 0);
    QString refName;
    checkListEnvelope(object, resolve(schema, &refName, out, u"$"_s), out);
    return out;
}

QStringList ContractChecker::checkExchange(const QString &method, const QString &path, int httpStatus,
                                           const QByteArray &body) const
{
    const QString id = operationFor(method, path);
    if (id.isEmpty()) {
        if (httpStatus >= 400) {
            // Unknown paths must still fail in Twilio's shape (20404 / 20004).
            return checkErrorBody(httpStatus, body);
        }
        return {u"%1 %2 answered HTTP %3 but the spec has no such operation"_s.arg(method, path).arg(httpStatus)};
    }
    return check(id, httpStatus, body);
}

QStringList ContractChecker::checkErrorBody(int httpStatus, const QByteArray &body)
{
    QStringList out;
    const QJsonObject error = parseObject(body, out);
    if (!out.isEmpty()) {
        return out;
    }
    const QJsonValue code = error.value(u"code"_s);
    if (!isIntegral(code) || code.toDouble() <= 0) {
        out << u"error body: $.code must be a positive integer, got %1"_s.arg(shown(code));
    }
    const QJsonValue message = error.value(u"message"_s);
    if (!message.isString() || message.toString().isEmpty()) {
        out << u"error body: $.message must be a non-empty string, got %1"_s.arg(shown(message));
    }
    const QJsonValue moreInfo = error.value(u"more_info"_s);
    if (!moreInfo.isString() || !isAbsoluteHttpUrl(moreInfo.toString())) {
        out << u"error body: $.more_info must be an absolute http(s) URL string, got %1"_s.arg(shown(moreInfo));
    }
    const QJsonValue status = error.value(u"status"_s);
    if (!isIntegral(status)) {
        out << u"error body: $.status must be an integer, got %1"_s.arg(shown(status));
    } else if (status.toInt() != httpStatus) {
        out << u"error body: $.status is %1 but the HTTP status is %2"_s.arg(status.toInt()).arg(httpStatus);
    }
    return out;
}

bool ContractChecker::isStrictDateTime(const QString &value)
{
    static const QRegularExpression re(u"^(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})Z$"_s);
    const QRegularExpressionMatch m = re.match(value);
    if (!m.hasMatch()) {
        return false;
    }
    const QDate date(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt());
    const QTime time(m.captured(4).toInt(), m.captured(5).toInt(), m.captured(6).toInt());
    return date.isValid() && time.isValid();
}

bool ContractChecker::isAbsoluteHttpUrl(const QString &value)
{
    const QUrl url(value, QUrl::StrictMode);
    return url.isValid() && (url.scheme() == u"http"_s || url.scheme() == u"https"_s) && !url.host().isEmpty();
}

QJsonObject ContractChecker::resolve(const QJsonObject &schema, QString *refName, QStringList &out,
                                     const QString &where) const
{
    QJsonObject current = schema;
    for (int hops = 0; current.contains(u"$ref"_s); ++hops) {
        const QString ref = current.value(u"$ref"_s).toString();
        if (hops > MAX_DEPTH || !ref.startsWith(SCHEMA_REF_PREFIX)) {
            out << u"%1: cannot resolve $ref '%2'"_s.arg(where, ref);
            return {};
        }
        const QString name = ref.mid(SCHEMA_REF_PREFIX.size());
        if (!m_schemas.contains(name)) {
            out << u"%1: $ref '%2' names no schema in components.schemas"_s.arg(where, ref);
            return {};
        }
        *refName = name;
        current = m_schemas.value(name).toObject();
    }
    return current;
}

void ContractChecker::validate(const QJsonValue &value, const QJsonObject &schemaIn, const QString &where,
                               QStringList &out, int depth) const
{
    if (depth > MAX_DEPTH) {
        out << u"%1: schema nested deeper than %2 levels"_s.arg(where).arg(MAX_DEPTH);
        return;
    }
    QString refName;
    const QJsonObject schema = resolve(schemaIn, &refName, out, where);
    if (schema.isEmpty()) {
        return; // an unresolvable $ref was reported; an empty schema allows anything
    }

    if (value.isNull()) {
        const bool nullable = schema.value(u"nullable"_s).toBool() || schemaIn.value(u"nullable"_s).toBool();
        if (!nullable && !NULL_TOLERANT_ENUMS.contains(refName)) {
            out << u"%1: is null, but the spec does not mark it nullable"_s.arg(where);
        }
        return;
    }

    QString type = schema.value(u"type"_s).toString();
    if (type.isEmpty() && schema.contains(u"properties"_s)) {
        type = u"object"_s;
    }
    const auto wrongType = [&] {
        out << u"%1: expected %2, got %3 %4"_s.arg(where, type, jsonTypeName(value), shown(value));
    };

    if (type == u"string"_s) {
        if (!value.isString()) {
            wrongType();
        } else {
            validateString(value.toString(), schema, refName, where, out);
        }
    } else if (type == u"integer"_s) {
        if (!isIntegral(value)) {
            wrongType();
        }
    } else if (type == u"number"_s) {
        if (!value.isDouble()) {
            wrongType();
        }
    } else if (type == u"boolean"_s) {
        if (!value.isBool()) {
            wrongType();
        }
    } else if (type == u"array"_s) {
        if (!value.isArray()) {
            wrongType();
            return;
        }
        const QJsonArray array = value.toArray();
        const QJsonObject items = schema.value(u"items"_s).toObject();
        for (qsizetype i = 0; i < array.size(); ++i) {
            validate(array.at(i), items, u"%1[%2]"_s.arg(where).arg(i), out, depth + 1);
        }
    } else if (type == u"object"_s) {
        if (!value.isObject()) {
            wrongType();
            return;
        }
        const QJsonObject object = value.toObject();
        // Java's @JsonInclude(NON_NULL) on the schema means Twilio leaves keys out instead of sending null.
        const bool mayOmitKeys = schema.value(u"x-class-extra-annotation"_s).toString().contains(u"NON_NULL"_s);
        const QJsonObject properties = schema.value(u"properties"_s).toObject();
        for (auto it = properties.constBegin(); it != properties.constEnd(); ++it) {
            const QString childWhere = where + u'.' + it.key();
            if (!object.contains(it.key())) {
                if (!mayOmitKeys) {
                    out << u"%1: missing (the spec lists it)"_s.arg(childWhere);
                }
                continue;
            }
            validate(object.value(it.key()), it.value().toObject(), childWhere, out, depth + 1);
        }
        if (schema.value(u"format"_s).toString() == u"uri-map"_s) {
            for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
                if (!it.value().isString() || !isAbsoluteHttpUrl(it.value().toString())) {
                    out << u"%1.%2: a links entry must be an absolute http(s) URL, got %3"_s.arg(where, it.key(),
                                                                                                 shown(it.value()));
                }
            }
        }
    }
    // Any other (or absent) type: the spec places no constraint we know how to check.
}

void ContractChecker::validateString(const QString &value, const QJsonObject &schema, const QString &refName,
                                     const QString &where, QStringList &out) const
{
    const QJsonArray allowed = schema.value(u"enum"_s).toArray();
    if (!allowed.isEmpty() && !allowed.contains(QJsonValue(value)) && !OPEN_ENUMS.contains(refName)) {
        QStringList names;
        for (const QJsonValue &v : allowed) {
            names << v.toString();
        }
        out << u"%1: \"%2\" is not one of the enum values (%3)"_s.arg(where, value, names.join(u", "_s));
    }
    if (schema.contains(u"minLength"_s) && value.size() < schema.value(u"minLength"_s).toInt()) {
        out << u"%1: \"%2\" is shorter than minLength %3"_s.arg(where, value).arg(schema.value(u"minLength"_s).toInt());
    }
    if (schema.contains(u"maxLength"_s) && value.size() > schema.value(u"maxLength"_s).toInt()) {
        out << u"%1: \"%2\" is longer than maxLength %3"_s.arg(where, value).arg(schema.value(u"maxLength"_s).toInt());
    }
    const QString pattern = schema.value(u"pattern"_s).toString();
    if (!pattern.isEmpty() && !QRegularExpression(pattern).match(value).hasMatch()) {
        out << u"%1: \"%2\" does not match the pattern %3"_s.arg(where, value, pattern);
    }
    const QString format = schema.value(u"format"_s).toString();
    if (format == u"date-time"_s && !isStrictDateTime(value)) {
        out << u"%1: \"%2\" is not a date-time of the form YYYY-MM-DDTHH:MM:SSZ"_s.arg(where, value);
    } else if (format == u"uri"_s && !isAbsoluteHttpUrl(value)) {
        out << u"%1: \"%2\" is not an absolute http(s) URL"_s.arg(where, value);
    }
    // "phone-number" is not checked: Twilio's own examples carry values such as "12345".
}

void ContractChecker::checkListEnvelope(const QJsonObject &body, const QJsonObject &schema, QStringList &out)
{
    const QJsonObject properties = schema.value(u"properties"_s).toObject();
    if (!properties.contains(u"meta"_s)) {
        return;
    }
    QString arrayKey;
    for (auto it = properties.constBegin(); it != properties.constEnd(); ++it) {
        if (it.value().toObject().value(u"type"_s).toString() == u"array"_s) {
            arrayKey = it.key();
        }
    }
    if (arrayKey.isEmpty()) {
        return;
    }
    // The clients find the records through meta.key, and follow next_page_url as given.
    const QJsonObject meta = body.value(u"meta"_s).toObject();
    const QJsonValue key = meta.value(u"key"_s);
    if (key.isString() && key.toString() != arrayKey) {
        out << u"$.meta.key: is \"%1\" but the records are in \"%2\""_s.arg(key.toString(), arrayKey);
    }
    const QJsonValue pageSize = meta.value(u"page_size"_s);
    if (isIntegral(pageSize) && pageSize.toInt() < 1) {
        out << u"$.meta.page_size: must be at least 1, got %1"_s.arg(pageSize.toInt());
    }
    const QJsonValue page = meta.value(u"page"_s);
    if (isIntegral(page) && page.toInt() < 0) {
        out << u"$.meta.page: must not be negative, got %1"_s.arg(page.toInt());
    }
    const QJsonValue records = body.value(arrayKey);
    if (records.isArray() && isIntegral(pageSize) && records.toArray().size() > pageSize.toInt()) {
        out << u"$.%1: %2 records exceed meta.page_size %3"_s.arg(arrayKey)
                   .arg(records.toArray().size())
                   .arg(pageSize.toInt());
    }
}

} // namespace Maskline::Testing
