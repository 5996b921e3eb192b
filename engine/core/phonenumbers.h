#pragma once

#include <QString>
#include <QStringList>

// A thin, Qt-typed wrapper over libphonenumber for what number masking needs: parsing E.164, the country rules of
// reference §5.1 and the Mexico/Argentina digit juggling of §7. libphonenumber stays an implementation detail (the
// engine links it PRIVATE), so nothing here exposes its types. Every function is thread-safe.
namespace Maskline::PhoneNumbers {

struct Info
{
    bool valid = false;
    QString e164;           // libphonenumber's canonical E.164; see parse() for the Mexican '1' / Argentine '9'
    QString regionCode;     // ISO 3166-1 alpha-2 ("US", "GG"); empty when the country cannot be determined
    int countryCode = 0;    // the calling code, e.g. 1, 44
    QString nationalNumber; // national significant number, e.g. "4155550100"
    QString nanpAreaCode;   // NPA, the first 3 national digits; NANP only
    bool isNanp = false;    // calling code +1
};

// Parses a number written in international form: a leading '+' and digits, optionally grouped with spaces, dashes,
// dots or parentheses. Anything else (national form without '+', letters, extensions) gives valid == false.
Info parse(const QString &number);

// The identifier form used for storage and matching (reference §7): "+521XXXXXXXXXX" -> "+52XXXXXXXXXX" (Mexico's
// obsolete mobile '1') and "+549XXXXXXXXXX" -> "+54XXXXXXXXXX" (Argentina's voice '9'). Other numbers come back with
// only their formatting characters removed; text that is not '+' and digits (channel addresses) comes back unchanged.
QString normalizeForMatching(const QString &e164);

// The inverse, for traffic sent to the carrier: normalises first, then inserts '1' after +52 when mxInsertOne (voice
// and SMS alike) and '9' after +54 when arInsertNine, for voice only (Argentine SMS must not carry it).
QString toCarrierAddress(const QString &e164, bool mxInsertOne, bool arInsertNine, bool voice);

// Reference §5.1 rule 2: may proxyNumber serve participant? Same calling code and same country, where Guernsey,
// Isle of Man and Jersey are one group with GB, and the NANP islands without carrier numbers (AG AI BM BS MS TC VG
// VI) may use US numbers (not the other way round). See the .cpp for the rule when a country is unknown.
bool sameCountryGroup(const Info &participant, const Info &proxyNumber);

// The same rule seen from the participant, for a query over stored pool numbers: the regions whose numbers may serve
// it (its own first). Empty when the participant's country is unknown, so any number with its calling code may; a
// number whose own region is unknown may serve anyone with its calling code either way.
QStringList servingRegions(const Info &participant);

// For geo_match_level extended-area-code (and its spec aliases overlay / radius): numbers whose keys compare equal
// share an overlay complex. NANP only; empty for other numbers. The key is an NPA (the lowest of its overlay group).
QString extendedAreaKey(const Info &info);

// The area codes that overlay npa (npa included, ascending); just npa when the built-in table does not know it.
QStringList overlayAreaCodes(const QString &npa);

// A number as people write it — "(415) 555-9004", "020 7946 0000", "+1 415 555 9004" — in E.164, reading a national
// form as a number of `region` (ISO 3166-1 alpha-2, e.g. "US"); empty when it is not a valid number (or is national
// and no region is given). The result passes parse().
QString toE164(const QString &written, const QString &region);

// parse(number).regionCode: the ISO country for a pool number's iso_country, empty when unknown.
QString isoCountry(const QString &e164);

} // namespace Maskline::PhoneNumbers
