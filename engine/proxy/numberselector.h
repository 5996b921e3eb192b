#pragma once

#include <QList>
#include <QString>

#include "core/result.h"

namespace Maskline {

// One pool number as the selector sees it, with what the store knows about this identifier's history on it.
struct PoolCandidate
{
    QString sid;
    QString phoneNumber; // E.164
    QString isoCountry;
    bool voice = true;
    bool sms = true;
    bool reserved = false;
    int inUse = 0;
    bool heldByIdentifier = false;   // the identifier is already routable on this number in this service
    qint64 lastUsedByIdentifier = 0; // ms since epoch of this identifier's latest participant on it; 0 = never
};

struct SelectionRequest
{
    QString identifier;              // the participant's real number (E.164)
    QString mode;                    // session mode
    QString geoMatchLevel;           // country | area-code | extended-area-code | overlay | radius
    QString numberSelectionBehavior; // prefer-sticky | avoid-sticky
};

// Reference §5: picks the proxy number for a participant added without one, or says why none fits with the right
// 802xx code. Pure: the caller loads the candidates and applies the choice atomically in the store.
Result<PoolCandidate> selectProxyNumber(const QList<PoolCandidate> &pool, const SelectionRequest &request);

// Checks an explicitly requested pool number the same way (country, capability, uniqueness), reserved numbers
// allowed since the caller chose it.
Status checkExplicitProxyNumber(const PoolCandidate &candidate, const SelectionRequest &request);

} // namespace Maskline
