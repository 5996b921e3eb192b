#include "phonenumbers.h"

#include <algorithm>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <string>

#include <QHash>

using namespace Qt::StringLiterals;

namespace Maskline::PhoneNumbers {

namespace {

using i18n::phonenumbers::PhoneNumberUtil;

constexpr int NANP_CALLING_CODE = 1;
constexpr qsizetype E164_MAX_DIGITS = 15;
constexpr qsizetype NANP_NATIONAL_DIGITS = 10;
// Mexican and Argentine national significant numbers are 10 digits once the '1' / '9' is left out.
constexpr qsizetype MX_AR_NATIONAL_DIGITS = 10;

// libphonenumber's answer for "no single region": ZZ (unknown) or 001 (non-geographic entity such as +800, +882).
const QString REGION_UNKNOWN = u"ZZ"_s;
const QString REGION_NON_GEOGRAPHIC = u"001"_s;

// Reference §5.1 rule 2: the Crown Dependencies share +44 with GB and form one group with it.
const QStringList GB_GROUP = {u"GB"_s, u"GG"_s, u"IM"_s, u"JE"_s};
// NANP islands where the carrier sells no numbers: their people are served with US numbers.
const QStringList NANP_ISLANDS_SERVED_BY_US = {u"AG"_s, u"AI"_s, u"BM"_s, u"BS"_s, u"MS"_s, u"TC"_s, u"VG"_s, u"VI"_s};

// Overlay complexes of the US and Canada for geo_match_level extended-area-code. libphonenumber has no overlay data,
// so this is a hand-kept table of the larger metros and province-wide overlays (as of 2024). Area codes it does not
// list form a group of their own, which makes extended-area-code behave like area-code there. NYC is one group
// because 917 overlays both 212/646/332 and 718/347/929; BC is one because 236/672/778 overlay both 250 and 604.
// The country column also places an NPA that is newer than the bundled libphonenumber metadata (see parse()).
struct OverlayRow
{
    const char *country;
    const char *npas;
};
constexpr OverlayRow OVERLAY_TABLE[] = {
    {"US", "201 551"},
    {"US", "202 771"},
    {"US", "210 726"},
    {"US", "212 332 347 646 718 917 929"},
    {"US", "213 323"},
    {"US", "214 469 945 972"},
    {"US", "215 267 445"},
    {"US", "227 240 301"},
    {"US", "279 916"},
    {"US", "281 346 713 832"},
    {"US", "303 720 983"},
    {"US", "305 645 786"},
    {"US", "310 424"},
    {"US", "312 773 872"},
    {"US", "321 407 689"},
    {"US", "339 781"},
    {"US", "341 510"},
    {"US", "351 978"},
    {"US", "385 801"},
    {"US", "404 470 678 770"},
    {"US", "408 669"},
    {"US", "410 443 667"},
    {"US", "412 724 878"},
    {"US", "415 628"},
    {"US", "442 760"},
    {"US", "458 541"},
    {"US", "503 971"},
    {"US", "508 774"},
    {"US", "512 737"},
    {"US", "571 703"},
    {"US", "615 629"},
    {"US", "617 857"},
    {"US", "657 714"},
    {"US", "702 725"},
    {"US", "704 980"},
    {"US", "732 848"},
    {"US", "747 818"},
    {"US", "840 909"},
    {"US", "862 973"},
    {"US", "919 984"},
    {"CA", "204 431 584"},
    {"CA", "226 382 519 548"},
    {"CA", "236 250 604 672 778"},
    {"CA", "249 683 705"},
    {"CA", "263 438 514"},
    {"CA", "289 365 742 905"},
    {"CA", "306 474 639"},
    {"CA", "343 613 753"},
    {"CA", "354 450 579"},
    {"CA", "367 418 581"},
    {"CA", "368 403 587 780 825"},
    {"CA", "416 437 647"},
    {"CA", "428 506"},
    {"CA", "468 819 873"},
    {"CA", "709 879"},
    {"CA", "782 902"},
};

struct Overlay
{
    QString country;
    QStringList npas; // ascending; the first one is the group's key
};

const QHash<QString, Overlay> &overlayIndex()
{
    static const QHash<QString, Overlay> index = [] {
        QHash<QString, Overlay> byNpa;
        for (const OverlayRow &row : OVERLAY_TABLE) {
            Overlay overlay{QString::fromLatin1(row.country),
                            QString::fromLatin1(row.npas).split(u' ', Qt::SkipEmptyParts)};
            overlay.npas.sort();
            for (const QString &npa : std::as_const(overlay.npas)) {
                Q_ASSERT_X(!byNpa.contains(npa), "overlayIndex", "an NPA listed in two overlay groups");
                byNpa.insert(npa, overlay);
            }
        }
        return byNpa;
    }();
    return index;
}

bool isAsciiDigits(QStringView text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), [](QChar c) { return c >= u'0' && c <= u'9'; });
}

bool isFormatting(QChar c)
{
    return c == u' ' || c == u'-' || c == u'.' || c == u'(' || c == u')';
}

// "+" followed by the digits of text, or an empty string when text is not "+" and formatted digits.
QString compactE164(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (!trimmed.startsWith(u'+')) {
        return {};
    }
    QString out = u"+"_s;
    out.reserve(trimmed.size());
    for (qsizetype i = 1; i < trimmed.size(); ++i) {
        const QChar c = trimmed.at(i);
        if (c >= u'0' && c <= u'9') {
            out.append(c);
        } else if (!isFormatting(c)) {
            return {};
        }
    }
    return out.size() > 1 ? out : QString();
}

// The NANP numbering plan's shape, NXX-NXX-XXXX: area codes and exchanges start with 2-9, area codes never have 9 in
// the middle (reserved for expansion) and are never N11 (service codes); 555 has never been an area code.
bool hasNanpShape(QStringView national)
{
    if (national.size() != NANP_NATIONAL_DIGITS || !isAsciiDigits(national)) {
        return false;
    }
    const QStringView npa = national.first(3);
    const bool npaOk =
        npa.at(0) >= u'2' && npa.at(1) != u'9' && !(npa.at(1) == u'1' && npa.at(2) == u'1') && npa != u"555";
    return npaOk && national.at(3) >= u'2';
}

QString toQString(const std::string &text)
{
    return QString::fromStdString(text);
}

} // namespace

// Validity: Twilio refuses identifiers that are not "valid, reachable" numbers (80404; +15551234567 was refused), yet
// developers rely on fictional ranges and the bundled metadata (libphonenumber 8.12, 2022) predates newer area codes
// such as 983 (Denver) or 645 (Miami). Strict isValidNumber() would accept +1 NPA 555-01xx but refuse Ofcom's drama
// range +44 7700 900xxx and every new NPA. So a number is valid when it has a possible length for its calling code
// (isPossibleNumber) and, for the NANP, is valid per the metadata or at least has the NXX-NXX-XXXX shape:
// +15551234567 fails that (exchange 123), +14155550100 and +447700900123 pass.
//
// Region: libphonenumber's region when it can tell (it places island numbers by their leading digits even when it
// cannot validate them). Otherwise a NANP number takes the country of its NPA's overlay group from the table above,
// and any other number the main country of its calling code (+44 -> GB, which only ever misplaces a GG/IM/JE number
// into its own group). Non-geographic numbers (+800, +882...) and unknown NPAs keep an empty region.
namespace {

Info parseCompact(const QString &compact)
{
    Info info;

    const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
    i18n::phonenumbers::PhoneNumber parsed;
    if (util->Parse(compact.toStdString(), "ZZ", &parsed) != PhoneNumberUtil::NO_PARSING_ERROR ||
        !util->IsPossibleNumber(parsed)) {
        return info;
    }

    std::string national;
    util->GetNationalSignificantNumber(parsed, &national);
    const QString nationalNumber = toQString(national);
    const bool nanp = parsed.country_code() == NANP_CALLING_CODE;
    if (nanp && !util->IsValidNumber(parsed) && !hasNanpShape(nationalNumber)) {
        return info;
    }

    std::string e164;
    util->Format(parsed, PhoneNumberUtil::E164, &e164);
    std::string region;
    util->GetRegionCodeForNumber(parsed, &region);
    QString regionCode = toQString(region);
    if (regionCode == REGION_UNKNOWN || regionCode == REGION_NON_GEOGRAPHIC) {
        regionCode.clear();
        if (nanp) {
            const auto overlay = overlayIndex().constFind(nationalNumber.first(3));
            if (overlay != overlayIndex().cend()) {
                regionCode = overlay->country;
            }
        } else {
            std::string mainRegion;
            util->GetRegionCodeForCountryCode(parsed.country_code(), &mainRegion);
            const QString main = toQString(mainRegion);
            if (main != REGION_UNKNOWN && main != REGION_NON_GEOGRAPHIC) {
                regionCode = main;
            }
        }
    }

    info.valid = true;
    info.e164 = toQString(e164);
    info.regionCode = regionCode;
    info.countryCode = parsed.country_code();
    info.nationalNumber = nationalNumber;
    info.isNanp = nanp;
    if (nanp) {
        info.nanpAreaCode = nationalNumber.first(3);
    }
    return info;
}

} // namespace

// libphonenumber's parse costs tens of microseconds, and selection describes every number of a pool for each
// participant (5,000 numbers: a third of a second per session create). Parsing is pure, so each thread keeps what it
// parsed, keyed by the compact form; the cache is dropped whole when it grows past its bound.
Info parse(const QString &number)
{
    const QString compact = compactE164(number);
    if (compact.isEmpty() || compact.size() - 1 > E164_MAX_DIGITS) {
        return Info{};
    }
    constexpr qsizetype MAX_CACHED = 65536;
    thread_local QHash<QString, Info> cache;
    if (const auto hit = cache.constFind(compact); hit != cache.cend()) {
        return *hit;
    }
    if (cache.size() >= MAX_CACHED) {
        cache.clear();
    }
    return *cache.insert(compact, parseCompact(compact));
}

// Only exact lengths are rewritten (+52 1 + 10 digits, +54 9 + 10 digits), so no other number loses a digit.
// Channel addresses and other non-E.164 identifiers pass through untouched.
QString normalizeForMatching(const QString &e164)
{
    const QString compact = compactE164(e164);
    if (compact.isEmpty()) {
        return e164;
    }
    const qsizetype prefixedLength = 4 + MX_AR_NATIONAL_DIGITS; // "+52" + '1' + national
    if (compact.size() == prefixedLength && (compact.startsWith(u"+521") || compact.startsWith(u"+549"))) {
        return compact.first(3) + compact.sliced(4);
    }
    return compact;
}

// Mexican numbers carry no mobile/fixed marker since 2019 and Argentine mobiles are indistinguishable from fixed
// lines without the '9', so when a flag is set every number of that country gets the digit.
QString toCarrierAddress(const QString &e164, bool mxInsertOne, bool arInsertNine, bool voice)
{
    const QString normalized = normalizeForMatching(e164);
    const qsizetype plainLength = 3 + MX_AR_NATIONAL_DIGITS; // "+52" + national
    if (normalized.size() != plainLength || !isAsciiDigits(QStringView(normalized).sliced(1))) {
        return normalized;
    }
    if (mxInsertOne && normalized.startsWith(u"+52")) {
        return u"+521"_s + normalized.sliced(3);
    }
    if (arInsertNine && voice && normalized.startsWith(u"+54")) {
        return u"+549"_s + normalized.sliced(3);
    }
    return normalized;
}

// Undetermined country: when either side has no region (a NANP area code unknown to both the metadata and the
// overlay table, or a non-geographic number) the calling code alone decides, which is how the reference words the
// rule ("judged by dialling code"). Refusing instead would answer 80203 to real people only because the bundled
// metadata is older than their area code.
bool sameCountryGroup(const Info &participant, const Info &proxyNumber)
{
    if (!participant.valid || !proxyNumber.valid || participant.countryCode != proxyNumber.countryCode) {
        return false;
    }
    if (participant.regionCode.isEmpty() || proxyNumber.regionCode.isEmpty()) {
        return true;
    }
    return servingRegions(participant).contains(proxyNumber.regionCode);
}

QStringList servingRegions(const Info &participant)
{
    const QString &from = participant.regionCode;
    if (from.isEmpty()) {
        return {};
    }
    if (GB_GROUP.contains(from)) {
        QStringList group{from};
        for (const QString &region : GB_GROUP) {
            if (region != from) {
                group.append(region);
            }
        }
        return group;
    }
    // One way only: a US participant gets no Bermudian number, since calls there are billed as international.
    if (NANP_ISLANDS_SERVED_BY_US.contains(from)) {
        return {from, u"US"_s};
    }
    return {from};
}

QString extendedAreaKey(const Info &info)
{
    if (!info.valid || !info.isNanp) {
        return {};
    }
    return overlayAreaCodes(info.nanpAreaCode).constFirst();
}

QStringList overlayAreaCodes(const QString &npa)
{
    const auto overlay = overlayIndex().constFind(npa);
    return overlay != overlayIndex().cend() ? overlay->npas : QStringList{npa};
}

QString toE164(const QString &written, const QString &region)
{
    const QString text = written.trimmed();
    if (text.startsWith(u'+')) {
        const Info info = parse(text);
        return info.valid ? info.e164 : QString();
    }
    if (region.size() != 2 || text.isEmpty() || text.size() > 64) {
        return {};
    }
    const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
    i18n::phonenumbers::PhoneNumber parsed;
    if (util->Parse(text.toStdString(), region.toUpper().toStdString(), &parsed) != PhoneNumberUtil::NO_PARSING_ERROR ||
        parsed.has_extension()) {
        return {};
    }
    std::string e164;
    util->Format(parsed, PhoneNumberUtil::E164, &e164);
    const Info info = parse(toQString(e164));
    return info.valid ? info.e164 : QString();
}

QString isoCountry(const QString &e164)
{
    return parse(e164).regionCode;
}

} // namespace Maskline::PhoneNumbers
