#pragma once

// Shared by the Callbacks sources (callbacks.cpp: construction and status callbacks; interceptcallbacks.cpp;
// outofsessioncallbacks.cpp). Not part of the engine's interface.

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QString>

#include "callbackparams.h"
#include "store/outbox.h"

Q_DECLARE_LOGGING_CATEGORY(lcCallbacks)

namespace Maskline::CallbackDetail {

// An outbox payload's JSON text, and back.
QString jsonText(const QJsonObject &object);
QJsonObject jsonObject(const QString &text);
// Callback parameters as stored in a payload: [[name, value], …] in order.
QJsonArray paramsToJson(const CallbackParams::Params &params);
CallbackParams::Params paramsFromJson(const QJsonArray &array);
// The first value of `name`, or an empty string.
QString paramValue(const CallbackParams::Params &params, const QString &name);
// I-Twilio-Idempotency-Token of an outbox item's attempts: the same for each retry of one item.
QByteArray idempotencyToken(const OutboxItem &item);
// Milliseconds as seconds for messages ("2.5").
QString seconds(qint64 ms);

} // namespace Maskline::CallbackDetail
