#pragma once

#include <functional>

#include "httpmessage.h"

namespace Maskline {

class CarrierWebhooks;

// The thin HTTP adapter between the route table (http/httpserver.cpp) and CarrierWebhooks; with no webhooks (no
// carrier configured) the carrier paths answer 404.
namespace WebhookRoute {

// Answers through `respond`, exactly once: at once, or when a call's callbacks have decided.
void handle(CarrierWebhooks *webhooks, const HttpRequest &request, std::function<void(HttpReply reply)> respond);

// The URL of `request` as the carrier saw it: the public base (--public-url, else http://{Host}, made https:// when
// a TLS-terminating proxy says X-Forwarded-Proto: https) + the path + the query, both byte for byte as received.
QString carrierUrl(const HttpRequest &request);

} // namespace WebhookRoute
} // namespace Maskline
