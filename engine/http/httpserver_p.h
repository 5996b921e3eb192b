#pragma once

// Shared by the HttpServer sources: httpserver.cpp (transport, authentication, dispatch), httproutes.cpp (the route
// table and matching), httpbatch.cpp (write batches) and httphealth.cpp (health, readiness, metrics).

#include <QLoggingCategory>

namespace Maskline {

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

} // namespace Maskline
