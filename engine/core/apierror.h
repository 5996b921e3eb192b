#pragma once

#include <QString>

namespace Maskline {

// A refusal in Twilio's shape: the code (20xxx/80xxx), the HTTP status it travels with, and a message a person can
// act on. The domain returns these as values; the HTTP layer maps them to the wire in exactly one place.
struct ApiError
{
    int code = 0;
    int status = 400;
    QString message;

    QString moreInfo() const;
    bool isValid() const { return code != 0; }

    // Generic Twilio codes.
    static ApiError invalidParameter(const QString &name, const QString &why); // 80701/400
    static ApiError notFound(const QString &what);                             // 20404/404
    static ApiError unauthorized();                                            // 20003/401
    static ApiError methodNotAllowed();                                        // 20004/405
    static ApiError tooManyRequests();                                         // 20429/429
    static ApiError internal(const QString &detail);                           // 80501/500 (storage)

    static ApiError make(int code, int status, const QString &message) { return ApiError{code, status, message}; }
};

} // namespace Maskline
