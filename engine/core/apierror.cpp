#include "apierror.h"

namespace Maskline {

QString ApiError::moreInfo() const
{
    return QStringLiteral("https://www.twilio.com/docs/errors/%1").arg(code);
}

ApiError ApiError::invalidParameter(const QString &name, const QString &why)
{
    return {80701, 400, QStringLiteral("Invalid parameter '%1': %2").arg(name, why)};
}

ApiError ApiError::notFound(const QString &what)
{
    return {20404, 404, QStringLiteral("The requested resource %1 was not found").arg(what)};
}

ApiError ApiError::unauthorized()
{
    return {20003, 401, QStringLiteral("Authentication Error - invalid username or password")};
}

ApiError ApiError::methodNotAllowed()
{
    return {20004, 405, QStringLiteral("Method not allowed")};
}

ApiError ApiError::tooManyRequests()
{
    return {20429, 429, QStringLiteral("Too Many Requests: retry after the time given in Retry-After")};
}

ApiError ApiError::internal(const QString &detail)
{
    return {80501, 500, QStringLiteral("Internal storage failure: %1").arg(detail)};
}

} // namespace Maskline
