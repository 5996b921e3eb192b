#pragma once

#include <optional>

#include <QList>
#include <QString>

#include "core/result.h"
#include "store/numberstable.h"

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

// Selection by index: the pool narrowed in the store to what can fit. geographyOf() is what the rules below derive
// from a pool number (stored with it); fitFor() is what they require of one for this request, as far as the index
// can tell: the calling code, the regions that may serve the participant, the area of geo_match_level, the
// capabilities of the mode (both when the mode is unset: the rules' preferred set, without their fallback to
// single-capability numbers). Nothing when the request cannot be narrowed (an identifier that is not a number).
// A pool narrowed by fitFor() and topped up with the identifier's own history selects what the whole pool would
// whenever it holds a number the identifier never used (Proxy::addParticipant relies on it; tst_numberselector
// checks it against the whole pool).
NumbersTable::Geography geographyOf(const QString &phoneNumber, const QString &isoCountry);
std::optional<NumbersTable::Fit> fitFor(const SelectionRequest &request);

// Checks an explicitly requested pool number the same way (country, capability, uniqueness), reserved numbers
// allowed since the caller chose it.
Status checkExplicitProxyNumber(const PoolCandidate &candidate, const SelectionRequest &request);

} // namespace Maskline
