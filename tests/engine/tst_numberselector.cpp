#include <QTest>

#include "proxy/numberselector.h"

using namespace Qt::StringLiterals;
using namespace Maskline;

Q_DECLARE_METATYPE(Maskline::PoolCandidate)
Q_DECLARE_METATYPE(Maskline::SelectionRequest)

namespace {

const QString US_415 = u"+14155550100"_s;
const QString GB_PARTICIPANT = u"+447700900123"_s;

// Builds pool rows fluently; defaults are an unreserved voice+SMS number nobody has used.
struct Pn
{
    PoolCandidate c;

    Pn(const QString &sid, const QString &number)
    {
        c.sid = sid;
        c.phoneNumber = number;
    }
    Pn &voiceOnly()
    {
        c.sms = false;
        return *this;
    }
    Pn &smsOnly()
    {
        c.voice = false;
        return *this;
    }
    Pn &reserved()
    {
        c.reserved = true;
        return *this;
    }
    Pn &inUse(int count)
    {
        c.inUse = count;
        return *this;
    }
    Pn &held()
    {
        c.heldByIdentifier = true;
        return *this;
    }
    Pn &lastUsed(qint64 ms)
    {
        c.lastUsedByIdentifier = ms;
        return *this;
    }
    Pn &iso(const QString &country)
    {
        c.isoCountry = country;
        return *this;
    }
    operator PoolCandidate() const { return c; }
};

SelectionRequest request(const QString &identifier, const QString &mode = u"voice-and-message"_s,
                         const QString &geo = u"country"_s, const QString &behavior = u"prefer-sticky"_s)
{
    return SelectionRequest{identifier, mode, geo, behavior};
}

} // namespace

class TestNumberSelector final : public QObject
{
    Q_OBJECT

private slots:
    void refusals_data();
    void refusals();
    void choice_data();
    void choice();
    void bothParticipantsMayShareANumber();
    void explicitNumber_data();
    void explicitNumber();
};

void TestNumberSelector::refusals_data()
{
    QTest::addColumn<QList<PoolCandidate>>("pool");
    QTest::addColumn<SelectionRequest>("req");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("mentions");

    const auto us212 = [](const QString &sid) {
        return Pn(sid, u"+12125550123"_s);
    };
    const auto us415 = [](const QString &sid) {
        return Pn(sid, u"+14155550199"_s);
    };

    QTest::newRow("invalid identifier") << QList<PoolCandidate>{us415(u"PN1"_s)} << request(u"+15551234567"_s) << 80404
                                        << u"+15551234567"_s;
    QTest::newRow("empty pool") << QList<PoolCandidate>{} << request(US_415) << 80205 << u"empty"_s;
    QTest::newRow("only reserved") << QList<PoolCandidate>{us415(u"PN1"_s).reserved(), us212(u"PN2"_s).reserved()}
                                   << request(US_415) << 80207 << u"reserved"_s;
    QTest::newRow("gb participant, us pool")
        << QList<PoolCandidate>{us415(u"PN1"_s)} << request(GB_PARTICIPANT) << 80203 << u"+447700900123 (GB)"_s;
    QTest::newRow("ca participant, us pool")
        << QList<PoolCandidate>{us415(u"PN1"_s)} << request(u"+14165550100"_s) << 80203 << u"(CA)"_s;
    QTest::newRow("pr participant, us pool")
        << QList<PoolCandidate>{us415(u"PN1"_s)} << request(u"+17875550100"_s) << 80203 << u"(PR)"_s;
    QTest::newRow("us participant, vg pool")
        << QList<PoolCandidate>{Pn(u"PN1"_s, u"+12845550100"_s)} << request(US_415) << 80203 << u"(US)"_s;
    // Reserved numbers never rescue the country match.
    QTest::newRow("matching number reserved")
        << QList<PoolCandidate>{us415(u"PN1"_s).reserved(), Pn(u"PN2"_s, u"+442079460000"_s)} << request(US_415)
        << 80203 << u"(US)"_s;
    QTest::newRow("area-code") << QList<PoolCandidate>{us212(u"PN1"_s)}
                               << request(US_415, u"voice-and-message"_s, u"area-code"_s) << 80206
                               << u"area code 415"_s;
    QTest::newRow("extended-area-code") << QList<PoolCandidate>{Pn(u"PN1"_s, u"+15105550100"_s)}
                                        << request(US_415, u"voice-and-message"_s, u"extended-area-code"_s) << 80206
                                        << u"area codes 415, 628"_s;
    QTest::newRow("overlay alias") << QList<PoolCandidate>{Pn(u"PN1"_s, u"+15105550100"_s)}
                                   << request(US_415, u"voice-and-message"_s, u"overlay"_s) << 80206
                                   << u"GeoMatchLevel is overlay"_s;
    QTest::newRow("radius alias") << QList<PoolCandidate>{Pn(u"PN1"_s, u"+15105550100"_s)}
                                  << request(US_415, u"voice-and-message"_s, u"radius"_s) << 80206
                                  << u"GeoMatchLevel is radius"_s;
    QTest::newRow("voice-only, sms numbers") << QList<PoolCandidate>{us415(u"PN1"_s).smsOnly()}
                                             << request(US_415, u"voice-only"_s) << 80201 << u"supports voice"_s;
    QTest::newRow("message-only, voice numbers") << QList<PoolCandidate>{us415(u"PN1"_s).voiceOnly()}
                                                 << request(US_415, u"message-only"_s) << 80202 << u"supports SMS"_s;
    QTest::newRow("both, voice numbers") << QList<PoolCandidate>{us415(u"PN1"_s).voiceOnly()} << request(US_415)
                                         << 80202 << u"supports SMS"_s;
    QTest::newRow("both, sms numbers") << QList<PoolCandidate>{us415(u"PN1"_s).smsOnly()} << request(US_415) << 80201
                                       << u"supports voice"_s;
    QTest::newRow("both, split capabilities")
        << QList<PoolCandidate>{us415(u"PN1"_s).smsOnly(), us212(u"PN2"_s).voiceOnly()} << request(US_415) << 80201
        << u"both voice and SMS"_s;
    QTest::newRow("every match held") << QList<PoolCandidate>{us415(u"PN1"_s).held(), us212(u"PN2"_s).held()}
                                      << request(US_415) << 80208 << u"+14155550100"_s;

    // Order of the checks: each row would give another code if two steps were swapped.
    QTest::newRow("country before capability") << QList<PoolCandidate>{us415(u"PN1"_s).smsOnly()}
                                               << request(GB_PARTICIPANT, u"voice-only"_s) << 80203 << u"(GB)"_s;
    QTest::newRow("geo before capability")
        << QList<PoolCandidate>{us212(u"PN1"_s), us415(u"PN2"_s).smsOnly()}
        << request(US_415, u"voice-only"_s, u"area-code"_s) << 80201 << u"voice-only"_s;
    QTest::newRow("capability before uniqueness")
        << QList<PoolCandidate>{us415(u"PN1"_s).held(), us212(u"PN2"_s).smsOnly()} << request(US_415, u"voice-only"_s)
        << 80208 << u"already in use"_s;
    QTest::newRow("geo before uniqueness")
        << QList<PoolCandidate>{us415(u"PN1"_s).held(), us212(u"PN2"_s)}
        << request(US_415, u"voice-and-message"_s, u"area-code"_s) << 80208 << u"already in use"_s;
}

void TestNumberSelector::refusals()
{
    QFETCH(QList<PoolCandidate>, pool);
    QFETCH(SelectionRequest, req);
    QFETCH(int, code);
    QFETCH(QString, mentions);

    const Result<PoolCandidate> result = selectProxyNumber(pool, req);
    QVERIFY2(!result.ok(), qPrintable(result.ok() ? result->sid : QString()));
    QCOMPARE(result.error().code, code);
    QCOMPARE(result.error().status, 400);
    QVERIFY2(result.error().message.contains(mentions), qPrintable(result.error().message));
}

void TestNumberSelector::choice_data()
{
    QTest::addColumn<QList<PoolCandidate>>("pool");
    QTest::addColumn<SelectionRequest>("req");
    QTest::addColumn<QString>("sid");

    const QString us415b = u"+14155550199"_s;
    const QString us212 = u"+12125550123"_s;
    const QString gb = u"+442079460000"_s;

    QTest::newRow("single") << QList<PoolCandidate>{Pn(u"PN1"_s, us415b)} << request(US_415) << u"PN1"_s;
    QTest::newRow("fewest sessions") << QList<PoolCandidate>{Pn(u"PNa"_s, us415b).inUse(5),
                                                             Pn(u"PNc"_s, us212).inUse(3), Pn(u"PNb"_s, us212).inUse(3)}
                                     << request(US_415) << u"PNb"_s;
    QTest::newRow("lowest sid on a tie") << QList<PoolCandidate>{Pn(u"PN9"_s, us212), Pn(u"PN2"_s, us415b)}
                                         << request(US_415) << u"PN2"_s;
    QTest::newRow("reserved skipped") << QList<PoolCandidate>{Pn(u"PN1"_s, us415b).reserved(),
                                                              Pn(u"PN2"_s, us212).inUse(10)}
                                      << request(US_415) << u"PN2"_s;
    QTest::newRow("held skipped") << QList<PoolCandidate>{Pn(u"PN1"_s, us415b).held(), Pn(u"PN2"_s, us212).inUse(10)}
                                  << request(US_415) << u"PN2"_s;

    const QList<PoolCandidate> history{Pn(u"PNa"_s, us212).lastUsed(2000).inUse(50),
                                       Pn(u"PNb"_s, us212).lastUsed(1000).inUse(9), Pn(u"PNc"_s, us212).inUse(7),
                                       Pn(u"PNd"_s, us212).inUse(4)};
    QTest::newRow("prefer-sticky: most recent, despite load")
        << history << request(US_415, u"voice-and-message"_s, u"country"_s, u"prefer-sticky"_s) << u"PNa"_s;
    QTest::newRow("default behaviour is prefer-sticky")
        << history << request(US_415, u"voice-and-message"_s, u"country"_s, QString()) << u"PNa"_s;
    QTest::newRow("avoid-sticky: never used, fewest sessions")
        << history << request(US_415, u"voice-and-message"_s, u"country"_s, u"avoid-sticky"_s) << u"PNd"_s;
    QTest::newRow("prefer-sticky: quietly another when held")
        << QList<PoolCandidate>{Pn(u"PNa"_s, us212).lastUsed(2000).held(), Pn(u"PNb"_s, us212).lastUsed(1000).inUse(9),
                                Pn(u"PNc"_s, us212)}
        << request(US_415) << u"PNb"_s;
    QTest::newRow("prefer-sticky: no history, fewest sessions")
        << QList<PoolCandidate>{Pn(u"PNa"_s, us212).inUse(2), Pn(u"PNb"_s, us212).inUse(1)} << request(US_415)
        << u"PNb"_s;
    QTest::newRow("avoid-sticky: least recently used")
        << QList<PoolCandidate>{Pn(u"PNa"_s, us212).lastUsed(2000), Pn(u"PNb"_s, us212).lastUsed(1000).inUse(30)}
        << request(US_415, u"voice-and-message"_s, u"country"_s, u"avoid-sticky"_s) << u"PNb"_s;

    QTest::newRow("gb participant gets gb")
        << QList<PoolCandidate>{Pn(u"PN1"_s, us415b), Pn(u"PN2"_s, gb).inUse(9)} << request(GB_PARTICIPANT) << u"PN2"_s;
    QTest::newRow("guernsey gets gb") << QList<PoolCandidate>{Pn(u"PN1"_s, us415b), Pn(u"PN2"_s, gb).inUse(9)}
                                      << request(u"+441481256789"_s) << u"PN2"_s;
    QTest::newRow("bermuda gets us") << QList<PoolCandidate>{Pn(u"PN1"_s, gb), Pn(u"PN2"_s, us415b).inUse(9)}
                                     << request(u"+14415550100"_s) << u"PN2"_s;
    QTest::newRow("ca gets ca") << QList<PoolCandidate>{Pn(u"PN1"_s, us415b), Pn(u"PN2"_s, u"+16475550100"_s).inUse(9)}
                                << request(u"+14165550100"_s) << u"PN2"_s;
    // The number itself does not tell its country here, so the pool row's iso_country does.
    QTest::newRow("iso_country fills in")
        << QList<PoolCandidate>{Pn(u"PN1"_s, u"+12385550100"_s).iso(u"CA"_s), Pn(u"PN2"_s, us415b).inUse(9)}
        << request(US_415) << u"PN2"_s;
    QTest::newRow("mexico legacy identifier")
        << QList<PoolCandidate>{Pn(u"PN1"_s, us415b), Pn(u"PN2"_s, u"+525598765432"_s).inUse(9)}
        << request(u"+5215512345678"_s) << u"PN2"_s;
    QTest::newRow("argentina voice identifier")
        << QList<PoolCandidate>{Pn(u"PN1"_s, us415b), Pn(u"PN2"_s, u"+541159876543"_s).inUse(9)}
        << request(u"+5491123456789"_s) << u"PN2"_s;

    QTest::newRow("area-code keeps the npa") << QList<PoolCandidate>{Pn(u"PN1"_s, us212), Pn(u"PN2"_s, us415b).inUse(9)}
                                             << request(US_415, u"voice-and-message"_s, u"area-code"_s) << u"PN2"_s;
    QTest::newRow("extended area takes the overlay")
        << QList<PoolCandidate>{Pn(u"PN1"_s, us212), Pn(u"PN2"_s, us415b).inUse(9)}
        << request(u"+16285550100"_s, u"voice-and-message"_s, u"extended-area-code"_s) << u"PN2"_s;
    QTest::newRow("area-code ignored outside nanp")
        << QList<PoolCandidate>{Pn(u"PN1"_s, us415b), Pn(u"PN2"_s, gb).inUse(9)}
        << request(GB_PARTICIPANT, u"voice-and-message"_s, u"area-code"_s) << u"PN2"_s;
    QTest::newRow("country level ignores npa")
        << QList<PoolCandidate>{Pn(u"PN1"_s, us212), Pn(u"PN2"_s, us415b).inUse(9)}
        << request(US_415, u"voice-and-message"_s, u"country"_s) << u"PN1"_s;

    QTest::newRow("message-only takes sms-only")
        << QList<PoolCandidate>{Pn(u"PN1"_s, us212).voiceOnly(), Pn(u"PN2"_s, us212).smsOnly().inUse(5)}
        << request(US_415, u"message-only"_s) << u"PN2"_s;
    QTest::newRow("voice-only takes voice-only")
        << QList<PoolCandidate>{Pn(u"PN1"_s, us212).smsOnly(), Pn(u"PN2"_s, us212).voiceOnly().inUse(5)}
        << request(US_415, u"voice-only"_s) << u"PN2"_s;
    QTest::newRow("no mode prefers combined")
        << QList<PoolCandidate>{Pn(u"PN1"_s, us212).voiceOnly(), Pn(u"PN2"_s, us212).inUse(5)}
        << request(US_415, QString()) << u"PN2"_s;
    QTest::newRow("no mode falls back to single")
        << QList<PoolCandidate>{Pn(u"PN1"_s, us212).smsOnly().inUse(5), Pn(u"PN2"_s, us212).voiceOnly().inUse(2)}
        << request(US_415, QString()) << u"PN2"_s;
}

void TestNumberSelector::choice()
{
    QFETCH(QList<PoolCandidate>, pool);
    QFETCH(SelectionRequest, req);
    QFETCH(QString, sid);

    const Result<PoolCandidate> result = selectProxyNumber(pool, req);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
    QCOMPARE(result->sid, sid);
}

// Rule 5 of reference §5.1: uniqueness is per identifier, so the partner may land on the same pool number.
void TestNumberSelector::bothParticipantsMayShareANumber()
{
    const QList<PoolCandidate> pool{Pn(u"PN1"_s, u"+14155550199"_s), Pn(u"PN2"_s, u"+12125550123"_s).inUse(1)};
    const Result<PoolCandidate> first = selectProxyNumber(pool, request(US_415));
    const Result<PoolCandidate> second = selectProxyNumber(pool, request(u"+12125550100"_s));
    QVERIFY(first.ok());
    QVERIFY(second.ok());
    QCOMPARE(first->sid, u"PN1"_s);
    QCOMPARE(second->sid, u"PN1"_s);
}

void TestNumberSelector::explicitNumber_data()
{
    QTest::addColumn<PoolCandidate>("candidate");
    QTest::addColumn<SelectionRequest>("req");
    QTest::addColumn<int>("code"); // 0: accepted
    QTest::addColumn<QString>("mentions");

    const QString us212 = u"+12125550123"_s;
    const auto pn = [](const QString &number) {
        return Pn(u"PN1"_s, number);
    };

    QTest::newRow("fits") << PoolCandidate(pn(us212)) << request(US_415) << 0 << QString();
    QTest::newRow("reserved is fine") << PoolCandidate(pn(us212).reserved()) << request(US_415) << 0 << QString();
    QTest::newRow("geo level not applied")
        << PoolCandidate(pn(us212)) << request(US_415, u"voice-and-message"_s, u"area-code"_s) << 0 << QString();
    QTest::newRow("no mode, single capability")
        << PoolCandidate(pn(us212).smsOnly()) << request(US_415, QString()) << 0 << QString();
    QTest::newRow("island on us number") << PoolCandidate(pn(us212)) << request(u"+12425550100"_s) << 0 << QString();
    QTest::newRow("other country") << PoolCandidate(pn(u"+442079460000"_s)) << request(US_415) << 80402
                                   << u"+442079460000 (GB)"_s;
    QTest::newRow("ca number for us") << PoolCandidate(pn(u"+16475550100"_s)) << request(US_415) << 80402
                                      << u"choose a US number"_s;
    QTest::newRow("voice-only, sms number")
        << PoolCandidate(pn(us212).smsOnly()) << request(US_415, u"voice-only"_s) << 80616 << u"not voice-capable"_s;
    QTest::newRow("message-only, voice number")
        << PoolCandidate(pn(us212).voiceOnly()) << request(US_415, u"message-only"_s) << 80616 << u"not SMS-capable"_s;
    QTest::newRow("both, voice number") << PoolCandidate(pn(us212).voiceOnly()) << request(US_415) << 80616
                                        << u"not SMS-capable"_s;
    QTest::newRow("both, sms number") << PoolCandidate(pn(us212).smsOnly()) << request(US_415) << 80616
                                      << u"not voice-capable"_s;
    QTest::newRow("held by identifier") << PoolCandidate(pn(us212).held()) << request(US_415) << 80604
                                        << u"with identifier +14155550100"_s;
    QTest::newRow("country before held") << PoolCandidate(pn(u"+442079460000"_s).held()) << request(US_415) << 80402
                                         << u"(GB)"_s;
    QTest::newRow("capability before held")
        << PoolCandidate(pn(us212).smsOnly().held()) << request(US_415, u"voice-only"_s) << 80616 << u"voice"_s;
    QTest::newRow("invalid identifier") << PoolCandidate(pn(us212)) << request(u"+15551234567"_s) << 80404
                                        << u"+15551234567"_s;
    QTest::newRow("invalid pool number") << PoolCandidate(pn(u"+15551234567"_s)) << request(US_415) << 80406
                                         << u"PN1"_s;
}

void TestNumberSelector::explicitNumber()
{
    QFETCH(PoolCandidate, candidate);
    QFETCH(SelectionRequest, req);
    QFETCH(int, code);
    QFETCH(QString, mentions);

    const Status status = checkExplicitProxyNumber(candidate, req);
    if (code == 0) {
        QVERIFY2(status.ok(), qPrintable(status.ok() ? QString() : status.error().message));
        return;
    }
    QVERIFY(!status.ok());
    QCOMPARE(status.error().code, code);
    QCOMPARE(status.error().status, 400);
    QVERIFY2(status.error().message.contains(mentions), qPrintable(status.error().message));
}

QTEST_APPLESS_MAIN(TestNumberSelector)
#include "tst_numberselector.moc"
