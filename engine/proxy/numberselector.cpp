#include "numberselector.h"

#include <algorithm>

#include "core/phonenumbers.h"
#include "store/records.h"

using namespace Qt::StringLiterals;

namespace Maskline {

namespace {

// No source gives the HTTP status of most 802xx codes; 80207 was seen as 400, and the rest are refusals of the same
// request, so they all travel with 400.
constexpr int HTTP_BAD_REQUEST = 400;

constexpr int CODE_NO_VOICE_PROXY = 80201;
constexpr int CODE_NO_MESSAGE_PROXY = 80202;
constexpr int CODE_NO_PROXY_FOR_COUNTRY = 80203;
constexpr int CODE_NO_PROXIES_FOR_SERVICE = 80205;
constexpr int CODE_NO_AVAILABLE_PROXY = 80206;
constexpr int CODE_NO_UNRESERVED_PROXY = 80207;
constexpr int CODE_NO_UNUSED_PROXY = 80208;
constexpr int CODE_PAIR_INVALID = 80402;
constexpr int CODE_IDENTIFIER_INVALID = 80404;
constexpr int CODE_PHONE_NUMBER_INVALID = 80406;
constexpr int CODE_PROXY_IDENTIFIER_IN_USE = 80604;
constexpr int CODE_UNSUPPORTED_FOR_MODE = 80616;

// Twilio opens every 802xx message with this sentence; keeping it lets existing log searches still match.
const QString NO_COMPATIBLE = u"This Service has no compatible Proxy numbers for this Participant"_s;

const QString AVOID_STICKY = u"avoid-sticky"_s;
const QString GEO_AREA_CODE = u"area-code"_s;
// Reference §5.2: the spec's overlay and radius are taken as the docs' extended-area-code.
const QStringList GEO_EXTENDED_AREA = {u"extended-area-code"_s, u"overlay"_s, u"radius"_s};

struct Candidate
{
    const PoolCandidate *entry = nullptr;
    PhoneNumbers::Info number;
};

ApiError refuse(int code, const QString &message)
{
    return ApiError::make(code, HTTP_BAD_REQUEST, message);
}

// The pool row's iso_country stands in when the number itself does not tell (see PhoneNumbers::parse).
PhoneNumbers::Info describe(const PoolCandidate &entry)
{
    PhoneNumbers::Info info = PhoneNumbers::parse(entry.phoneNumber);
    if (info.valid && info.regionCode.isEmpty() && !entry.isoCountry.isEmpty()) {
        info.regionCode = entry.isoCountry.toUpper();
    }
    return info;
}

// "GB", or "+1" when the country is unknown and the calling code is all there is to go by.
QString countryLabel(const PhoneNumbers::Info &info)
{
    return info.regionCode.isEmpty() ? u"+"_s + QString::number(info.countryCode) : info.regionCode;
}

template<typename Predicate>
QList<Candidate> keepIf(const QList<Candidate> &candidates, Predicate keep)
{
    QList<Candidate> kept;
    std::copy_if(candidates.cbegin(), candidates.cend(), std::back_inserter(kept), keep);
    return kept;
}

ApiError invalidIdentifier(const QString &identifier)
{
    return refuse(CODE_IDENTIFIER_INVALID,
                  u"Participant identifier '%1' does not appear to be a valid, reachable phone number; "
                  u"give it in E.164 form, e.g. +14155550100"_s.arg(identifier));
}

bool capableOf(const PoolCandidate &entry, bool needVoice, bool needSms)
{
    return (!needVoice || entry.voice) && (!needSms || entry.sms);
}

// Reference §5.1 rule 4. Without a mode, numbers with both capabilities are preferred and single-capability numbers
// are the fallback (countries where combined numbers do not exist). Unknown modes are treated as voice-and-message.
// When voice-and-message finds voice-only and SMS-only numbers but none with both, 80201 is reported: voice is the
// first half of the mode, and the message says what is missing.
Result<QList<Candidate>> filterByCapability(const QList<Candidate> &candidates, const QString &mode,
                                            const PhoneNumbers::Info &participant)
{
    const bool voiceOnly = mode == SessionMode::VOICE_ONLY;
    const bool messageOnly = mode == SessionMode::MESSAGE_ONLY;
    const bool needVoice = !messageOnly;
    const bool needSms = !voiceOnly;
    QList<Candidate> kept =
        keepIf(candidates, [&](const Candidate &c) { return capableOf(*c.entry, needVoice, needSms); });
    if (kept.isEmpty() && mode.isEmpty()) {
        kept = keepIf(candidates, [](const Candidate &c) { return c.entry->voice || c.entry->sms; });
    }
    if (!kept.isEmpty()) {
        return kept;
    }

    const bool anyVoice =
        std::any_of(candidates.cbegin(), candidates.cend(), [](const Candidate &c) { return c.entry->voice; });
    const bool anySms =
        std::any_of(candidates.cbegin(), candidates.cend(), [](const Candidate &c) { return c.entry->sms; });
    const QString modeLabel = mode.isEmpty() ? u"(none)"_s : mode;
    const QString subject = u"%1: none of the unreserved pool numbers that match %2 (%3)"_s.arg(
        NO_COMPATIBLE, participant.e164, countryLabel(participant));
    if (needSms && !anySms && (anyVoice || !needVoice)) {
        return refuse(CODE_NO_MESSAGE_PROXY, u"%1 supports SMS, which session mode '%2' needs; enable SMS on one of "
                                             u"them or add an SMS-capable number"_s.arg(subject, modeLabel));
    }
    if (needVoice && needSms && anyVoice && anySms) {
        return refuse(CODE_NO_VOICE_PROXY,
                      u"%1 supports both voice and SMS, which session mode '%2' needs; add a number with both "
                      u"capabilities or create the session as voice-only or message-only"_s.arg(subject, modeLabel));
    }
    return refuse(CODE_NO_VOICE_PROXY, u"%1 supports voice, which session mode '%2' needs; enable voice on one of "
                                       u"them or add a voice-capable number"_s.arg(subject, modeLabel));
}

// Reference §5.1 rule 6 as one ordering, so the choice is exact and testable (no randomness):
// prefer-sticky: the number this identifier used most recently first (never-used ones, 0, sort last);
// avoid-sticky: never-used first, then the least recently used;
// then the fewest active sessions (load balancing, rule 7), then the lowest SID.
bool ranksBefore(const PoolCandidate &a, const PoolCandidate &b, bool avoidSticky)
{
    if (a.lastUsedByIdentifier != b.lastUsedByIdentifier) {
        return avoidSticky ? a.lastUsedByIdentifier < b.lastUsedByIdentifier
                           : a.lastUsedByIdentifier > b.lastUsedByIdentifier;
    }
    if (a.inUse != b.inUse) {
        return a.inUse < b.inUse;
    }
    return a.sid < b.sid;
}

} // namespace

// Order of the checks (reference §5.3, first failing step decides the code):
//   identifier not a phone number          80404 (normally caught by the domain already)
//   pool empty                             80205
//   every pool number reserved             80207 (Twilio's title: "No unreserved numbers in proxy pool")
//   no unreserved number in the country    80203 (country group, PhoneNumbers::sameCountryGroup)
//   geo_match_level not met (NANP only)    80206
//   mode's capability missing              80201 / 80202
//   all left are held by this identifier   80208
// Capability comes after geography so that a pool lacking the participant's area code says so, instead of
// blaming the capabilities of numbers in other areas. Reserved numbers are dropped first and never come back:
// they are assigned only explicitly or through out-of-session auto-create.
Result<PoolCandidate> selectProxyNumber(const QList<PoolCandidate> &pool, const SelectionRequest &request)
{
    const PhoneNumbers::Info participant = PhoneNumbers::parse(request.identifier);
    if (!participant.valid) {
        return invalidIdentifier(request.identifier);
    }
    if (pool.isEmpty()) {
        return refuse(CODE_NO_PROXIES_FOR_SERVICE,
                      u"%1: the Service's number pool is empty; add a phone number to it before adding "
                      u"participants"_s.arg(NO_COMPATIBLE));
    }

    QList<Candidate> candidates;
    for (const PoolCandidate &entry : pool) {
        if (!entry.reserved) {
            candidates.append(Candidate{&entry, describe(entry)});
        }
    }
    if (candidates.isEmpty()) {
        return refuse(CODE_NO_UNRESERVED_PROXY,
                      u"%1: every number in the Service's pool is reserved, and reserved numbers are never chosen "
                      u"automatically; unreserve one, add an unreserved number, or pass one as "
                      u"ProxyIdentifier"_s.arg(NO_COMPATIBLE));
    }

    const QString country = countryLabel(participant);
    candidates =
        keepIf(candidates, [&](const Candidate &c) { return PhoneNumbers::sameCountryGroup(participant, c.number); });
    if (candidates.isEmpty()) {
        return refuse(CODE_NO_PROXY_FOR_COUNTRY,
                      u"%1: no unreserved number in the Service's pool matches the country of %2 (%3); add a %3 "
                      u"number to the pool"_s.arg(NO_COMPATIBLE, participant.e164, country));
    }

    // Rule 3: geo_match_level only ever narrows the choice for North American participants.
    if (participant.isNanp && request.geoMatchLevel == GEO_AREA_CODE) {
        candidates = keepIf(candidates, [&](const Candidate &c) {
            return c.number.isNanp && c.number.nanpAreaCode == participant.nanpAreaCode;
        });
        if (candidates.isEmpty()) {
            return refuse(CODE_NO_AVAILABLE_PROXY,
                          u"%1: failed to find a proxy number for %2; the Service's GeoMatchLevel is area-code and no "
                          u"unreserved number in the pool has area code %3; add one or relax the "
                          u"GeoMatchLevel"_s.arg(NO_COMPATIBLE, participant.e164, participant.nanpAreaCode));
        }
    } else if (participant.isNanp && GEO_EXTENDED_AREA.contains(request.geoMatchLevel)) {
        const QString area = PhoneNumbers::extendedAreaKey(participant);
        candidates =
            keepIf(candidates, [&](const Candidate &c) { return PhoneNumbers::extendedAreaKey(c.number) == area; });
        if (candidates.isEmpty()) {
            const QString areaCodes = PhoneNumbers::overlayAreaCodes(participant.nanpAreaCode).join(u", ");
            return refuse(CODE_NO_AVAILABLE_PROXY,
                          u"%1: failed to find a proxy number for %2; the Service's GeoMatchLevel is %3 and no "
                          u"unreserved number in the pool is in the same area (area codes %4); add one or relax the "
                          u"GeoMatchLevel"_s.arg(NO_COMPATIBLE, participant.e164, request.geoMatchLevel, areaCodes));
        }
    }

    Result<QList<Candidate>> capable = filterByCapability(candidates, request.mode, participant);
    if (!capable) {
        return capable.error();
    }
    candidates = std::move(capable).value();

    // Rule 5: the same identifier twice on one number would merge two conversations.
    candidates = keepIf(candidates, [](const Candidate &c) { return !c.entry->heldByIdentifier; });
    if (candidates.isEmpty()) {
        return refuse(CODE_NO_UNUSED_PROXY,
                      u"%1: failed to find a proxy number for %2; every matching number in the pool is already in "
                      u"use by this identifier in another active session; add numbers to the pool or close one of "
                      u"those sessions"_s.arg(NO_COMPATIBLE, participant.e164));
    }

    const bool avoidSticky = request.numberSelectionBehavior == AVOID_STICKY;
    const auto best =
        std::min_element(candidates.cbegin(), candidates.cend(), [avoidSticky](const Candidate &a, const Candidate &b) {
            return ranksBefore(*a.entry, *b.entry, avoidSticky);
        });
    return *best->entry;
}

NumbersTable::Geography geographyOf(const QString &phoneNumber, const QString &isoCountry)
{
    PoolCandidate entry;
    entry.phoneNumber = phoneNumber;
    entry.isoCountry = isoCountry;
    const PhoneNumbers::Info info = describe(entry);
    NumbersTable::Geography geography;
    if (!info.valid) {
        return geography; // dial code 0: fits no one, as the rules never pick an invalid number
    }
    geography.dialCode = info.countryCode;
    geography.region = info.regionCode;
    geography.nanpArea = info.isNanp ? info.nanpAreaCode : QString();
    geography.overlayArea = PhoneNumbers::extendedAreaKey(info);
    return geography;
}

std::optional<NumbersTable::Fit> fitFor(const SelectionRequest &request)
{
    const PhoneNumbers::Info participant = PhoneNumbers::parse(request.identifier);
    if (!participant.valid) {
        return std::nullopt;
    }
    NumbersTable::Fit fit;
    fit.dialCode = participant.countryCode;
    fit.regions = PhoneNumbers::servingRegions(participant);
    if (fit.regions.size() > NumbersTable::Fit::MAX_REGIONS) {
        return std::nullopt;
    }
    if (participant.isNanp && request.geoMatchLevel == GEO_AREA_CODE) {
        fit.nanpArea = participant.nanpAreaCode;
    } else if (participant.isNanp && GEO_EXTENDED_AREA.contains(request.geoMatchLevel)) {
        fit.overlayArea = PhoneNumbers::extendedAreaKey(participant);
    }
    fit.voice = request.mode != SessionMode::MESSAGE_ONLY;
    fit.sms = request.mode != SessionMode::VOICE_ONLY;
    return fit;
}

// The caller chose the number, so reserved numbers are fine and geo_match_level does not apply (it steers
// automatic selection only). A number in the wrong country gets 80402 "Invalid Identifier and Proxy Identifier
// pair" rather than 80203: the Service may well have a number for that country, it is this pair that cannot work.
// A number lacking a capability the mode needs gets 80616 "Unsupported Identifier Type For Session Mode" ("not
// compatible with the session mode") rather than 80201/80202, which say the *pool* has nothing that fits.
Status checkExplicitProxyNumber(const PoolCandidate &candidate, const SelectionRequest &request)
{
    const PhoneNumbers::Info participant = PhoneNumbers::parse(request.identifier);
    if (!participant.valid) {
        return invalidIdentifier(request.identifier);
    }
    const PhoneNumbers::Info number = describe(candidate);
    if (!number.valid) {
        return refuse(CODE_PHONE_NUMBER_INVALID, u"Proxy number '%1' (%2) is not a valid E.164 phone number"_s.arg(
                                                     candidate.phoneNumber, candidate.sid));
    }
    if (!PhoneNumbers::sameCountryGroup(participant, number)) {
        return refuse(CODE_PAIR_INVALID,
                      u"Invalid Identifier and Proxy Identifier pair: proxy number %1 (%2) cannot serve %3 (%4), "
                      u"which is in another country; choose a %4 number from the pool"_s.arg(
                          number.e164, countryLabel(number), participant.e164, countryLabel(participant)));
    }

    const bool needVoice = request.mode != SessionMode::MESSAGE_ONLY;
    const bool needSms = request.mode != SessionMode::VOICE_ONLY;
    const QString modeLabel = request.mode.isEmpty() ? u"(none)"_s : request.mode;
    if (request.mode.isEmpty() ? !(candidate.voice || candidate.sms) : (needVoice && !candidate.voice)) {
        return refuse(CODE_UNSUPPORTED_FOR_MODE,
                      u"Proxy number %1 cannot be used with session mode '%2': it is not voice-capable"_s.arg(
                          number.e164, modeLabel));
    }
    if (!request.mode.isEmpty() && needSms && !candidate.sms) {
        return refuse(CODE_UNSUPPORTED_FOR_MODE,
                      u"Proxy number %1 cannot be used with session mode '%2': it is not SMS-capable"_s.arg(number.e164,
                                                                                                            modeLabel));
    }

    if (candidate.heldByIdentifier) {
        return refuse(CODE_PROXY_IDENTIFIER_IN_USE,
                      u"Proxy identifier %1 is already in use with identifier %2 in another active session; choose "
                      u"another number or close that session"_s.arg(number.e164, request.identifier));
    }
    return Ok{};
}

} // namespace Maskline
