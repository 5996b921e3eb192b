#include <QTest>

#include "core/phonenumbers.h"

using namespace Qt::StringLiterals;
using namespace Maskline;

class TestPhoneNumbers final : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void normalizeForMatching_data();
    void normalizeForMatching();
    void toCarrierAddress_data();
    void toCarrierAddress();
    void sameCountryGroup_data();
    void sameCountryGroup();
    void extendedAreaKey_data();
    void extendedAreaKey();
    void overlayAreaCodes();
    void isoCountry_data();
    void isoCountry();
};

void TestPhoneNumbers::parse_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("e164");
    QTest::addColumn<QString>("region");
    QTest::addColumn<int>("countryCode");
    QTest::addColumn<QString>("national");
    QTest::addColumn<QString>("npa");

    const QString none;
    // Fictional 555-01xx numbers must be usable for tests and demos.
    QTest::newRow("us") << u"+14155550100"_s << true << u"+14155550100"_s << u"US"_s << 1 << u"4155550100"_s
                        << u"415"_s;
    QTest::newRow("us formatted") << u"+1 (415) 555-0100"_s << true << u"+14155550100"_s << u"US"_s << 1
                                  << u"4155550100"_s << u"415"_s;
    QTest::newRow("us dots, padded") << u"  +1.415.555.0100 "_s << true << u"+14155550100"_s << u"US"_s << 1
                                     << u"4155550100"_s << u"415"_s;
    QTest::newRow("ca") << u"+14165550100"_s << true << u"+14165550100"_s << u"CA"_s << 1 << u"4165550100"_s
                        << u"416"_s;
    // 354 (Quebec, 2022) is newer than the bundled metadata: the overlay table places it.
    QTest::newRow("ca npa newer than metadata")
        << u"+13545550100"_s << true << u"+13545550100"_s << u"CA"_s << 1 << u"3545550100"_s << u"354"_s;
    QTest::newRow("nanp npa unknown everywhere")
        << u"+12385550100"_s << true << u"+12385550100"_s << none << 1 << u"2385550100"_s << u"238"_s;
    QTest::newRow("vg island") << u"+12845550100"_s << true << u"+12845550100"_s << u"VG"_s << 1 << u"2845550100"_s
                               << u"284"_s;
    // Ofcom's drama range is not in libphonenumber's metadata; the calling code's main country stands in.
    QTest::newRow("gb drama range") << u"+447700900123"_s << true << u"+447700900123"_s << u"GB"_s << 44
                                    << u"7700900123"_s << none;
    QTest::newRow("gb london") << u"+44 20 7946 0000"_s << true << u"+442079460000"_s << u"GB"_s << 44
                               << u"2079460000"_s << none;
    QTest::newRow("guernsey") << u"+441481256789"_s << true << u"+441481256789"_s << u"GG"_s << 44 << u"1481256789"_s
                              << none;
    QTest::newRow("isle of man") << u"+447624123456"_s << true << u"+447624123456"_s << u"IM"_s << 44 << u"7624123456"_s
                                 << none;
    QTest::newRow("jersey") << u"+441534123456"_s << true << u"+441534123456"_s << u"JE"_s << 44 << u"1534123456"_s
                            << none;
    // libphonenumber's canonical form already drops Mexico's obsolete '1' but keeps Argentina's '9'.
    QTest::newRow("mx with 1") << u"+5215512345678"_s << true << u"+525512345678"_s << u"MX"_s << 52 << u"5512345678"_s
                               << none;
    QTest::newRow("ar with 9") << u"+5491123456789"_s << true << u"+5491123456789"_s << u"AR"_s << 54
                               << u"91123456789"_s << none;
    QTest::newRow("non-geographic") << u"+88213000000"_s << true << u"+88213000000"_s << none << 882 << u"13000000"_s
                                    << none;

    // Twilio refused this one with 80404: its exchange 123 cannot exist in the NANP.
    QTest::newRow("twilio-refused 555") << u"+15551234567"_s << false << none << none << 0 << none << none;
    QTest::newRow("555 is no area code") << u"+15555550100"_s << false << none << none << 0 << none << none;
    QTest::newRow("n11 area code") << u"+19115550100"_s << false << none << none << 0 << none << none;
    QTest::newRow("no plus") << u"4155550100"_s << false << none << none << 0 << none << none;
    QTest::newRow("empty") << QString() << false << none << none << 0 << none << none;
    QTest::newRow("plus only") << u"+"_s << false << none << none << 0 << none << none;
    QTest::newRow("too short") << u"+1415"_s << false << none << none << 0 << none << none;
    QTest::newRow("too long") << u"+1415555010012345"_s << false << none << none << 0 << none << none;
    QTest::newRow("letters") << u"+1 800 FLOWERS"_s << false << none << none << 0 << none << none;
    QTest::newRow("extension") << u"+14155550100 x12"_s << false << none << none << 0 << none << none;
    QTest::newRow("unassigned calling code") << u"+999123456"_s << false << none << none << 0 << none << none;
    QTest::newRow("channel address") << u"messenger:123456"_s << false << none << none << 0 << none << none;
}

void TestPhoneNumbers::parse()
{
    QFETCH(QString, input);
    QFETCH(bool, valid);
    QFETCH(QString, e164);
    QFETCH(QString, region);
    QFETCH(int, countryCode);
    QFETCH(QString, national);
    QFETCH(QString, npa);

    const PhoneNumbers::Info info = PhoneNumbers::parse(input);
    QCOMPARE(info.valid, valid);
    QCOMPARE(info.e164, e164);
    QCOMPARE(info.regionCode, region);
    QCOMPARE(info.countryCode, countryCode);
    QCOMPARE(info.nationalNumber, national);
    QCOMPARE(info.nanpAreaCode, npa);
    QCOMPARE(info.isNanp, valid && countryCode == 1);
}

void TestPhoneNumbers::normalizeForMatching_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");

    QTest::newRow("mx mobile 1 stripped") << u"+5215512345678"_s << u"+525512345678"_s;
    QTest::newRow("mx formatted") << u"+52 1 55 1234 5678"_s << u"+525512345678"_s;
    QTest::newRow("mx stored form kept") << u"+525512345678"_s << u"+525512345678"_s;
    QTest::newRow("mx wrong length kept") << u"+52155123456789"_s << u"+52155123456789"_s;
    QTest::newRow("ar voice 9 stripped") << u"+5491123456789"_s << u"+541123456789"_s;
    QTest::newRow("ar stored form kept") << u"+541123456789"_s << u"+541123456789"_s;
    QTest::newRow("ar wrong length kept") << u"+549112345678"_s << u"+549112345678"_s;
    QTest::newRow("us untouched") << u"+14155550100"_s << u"+14155550100"_s;
    QTest::newRow("us formatting removed") << u"+1 (415) 555-0100"_s << u"+14155550100"_s;
    QTest::newRow("channel address passes") << u"messenger:123456"_s << u"messenger:123456"_s;
}

void TestPhoneNumbers::normalizeForMatching()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(PhoneNumbers::normalizeForMatching(input), expected);
}

void TestPhoneNumbers::toCarrierAddress_data()
{
    QTest::addColumn<QString>("stored");
    QTest::addColumn<bool>("mxInsertOne");
    QTest::addColumn<bool>("arInsertNine");
    QTest::addColumn<bool>("voice");
    QTest::addColumn<QString>("expected");

    QTest::newRow("mx 1 for voice") << u"+525512345678"_s << true << false << true << u"+5215512345678"_s;
    QTest::newRow("mx 1 for sms") << u"+525512345678"_s << true << false << false << u"+5215512345678"_s;
    QTest::newRow("mx flag off") << u"+525512345678"_s << false << false << true << u"+525512345678"_s;
    QTest::newRow("mx never doubled") << u"+5215512345678"_s << true << false << true << u"+5215512345678"_s;
    QTest::newRow("mx legacy form dropped") << u"+5215512345678"_s << false << false << false << u"+525512345678"_s;
    QTest::newRow("ar 9 for voice") << u"+541123456789"_s << false << true << true << u"+5491123456789"_s;
    QTest::newRow("ar no 9 for sms") << u"+541123456789"_s << false << true << false << u"+541123456789"_s;
    QTest::newRow("ar flag off") << u"+541123456789"_s << false << false << true << u"+541123456789"_s;
    QTest::newRow("ar 9 stripped for sms") << u"+5491123456789"_s << false << true << false << u"+541123456789"_s;
    QTest::newRow("ar ignores mx flag") << u"+541123456789"_s << true << false << true << u"+541123456789"_s;
    QTest::newRow("mx ignores ar flag") << u"+525512345678"_s << false << true << true << u"+525512345678"_s;
    QTest::newRow("us untouched") << u"+14155550100"_s << true << true << true << u"+14155550100"_s;
}

void TestPhoneNumbers::toCarrierAddress()
{
    QFETCH(QString, stored);
    QFETCH(bool, mxInsertOne);
    QFETCH(bool, arInsertNine);
    QFETCH(bool, voice);
    QFETCH(QString, expected);

    const QString address = PhoneNumbers::toCarrierAddress(stored, mxInsertOne, arInsertNine, voice);
    QCOMPARE(address, expected);
    // Inbound traffic from that address must find the stored identifier again.
    QCOMPARE(PhoneNumbers::normalizeForMatching(address), PhoneNumbers::normalizeForMatching(stored));
}

void TestPhoneNumbers::sameCountryGroup_data()
{
    QTest::addColumn<QString>("participant");
    QTest::addColumn<QString>("proxyNumber");
    QTest::addColumn<bool>("expected");

    const QString us = u"+14155550100"_s;
    const QString ca = u"+14165550100"_s;
    const QString gb = u"+442079460000"_s;

    QTest::newRow("us-us") << u"+12125550123"_s << us << true;
    QTest::newRow("us-ca") << us << ca << false;
    QTest::newRow("ca-us") << ca << us << false;
    QTest::newRow("ca-ca newer npa") << ca << u"+13545550100"_s << true;
    QTest::newRow("gb-gb") << u"+447700900123"_s << gb << true;
    QTest::newRow("gg-gb") << u"+441481256789"_s << gb << true;
    QTest::newRow("im-gb") << u"+447624123456"_s << gb << true;
    QTest::newRow("je-gb") << u"+441534123456"_s << gb << true;
    QTest::newRow("gb-je") << gb << u"+441534123456"_s << true;
    QTest::newRow("gg-je") << u"+441481256789"_s << u"+441534123456"_s << true;
    QTest::newRow("gb-us") << gb << us << false;
    QTest::newRow("fr-gb") << u"+33612345678"_s << gb << false;
    for (const auto &[region, number] :
         {std::pair{"AG", "+12685550100"}, std::pair{"AI", "+12645550100"}, std::pair{"BM", "+14415550100"},
          std::pair{"BS", "+12425550100"}, std::pair{"MS", "+16645550100"}, std::pair{"TC", "+16495550100"},
          std::pair{"VG", "+12845550100"}, std::pair{"VI", "+13405550100"}}) {
        QVERIFY2(PhoneNumbers::isoCountry(QString::fromLatin1(number)) == QLatin1String(region), number);
        QTest::addRow("%s-us", region) << QString::fromLatin1(number) << us << true;
        QTest::addRow("%s-ca", region) << QString::fromLatin1(number) << ca << false;
    }
    QTest::newRow("us-vg one way") << us << u"+12845550100"_s << false;
    QTest::newRow("pr-us not an island without numbers") << u"+17875550100"_s << us << false;
    QTest::newRow("jm-us") << u"+18765550100"_s << us << false;
    QTest::newRow("unknown npa-us") << u"+12385550100"_s << us << true;
    QTest::newRow("unknown npa-ca") << u"+12385550100"_s << ca << true;
    QTest::newRow("unknown npa-gb") << u"+12385550100"_s << gb << false;
    QTest::newRow("invalid participant") << u"+15551234567"_s << us << false;
    QTest::newRow("invalid proxy") << us << u"+15551234567"_s << false;
    QTest::newRow("mx legacy-mx") << u"+5215512345678"_s << u"+525598765432"_s << true;
    QTest::newRow("ar voice-ar") << u"+5491123456789"_s << u"+541159876543"_s << true;
}

void TestPhoneNumbers::sameCountryGroup()
{
    QFETCH(QString, participant);
    QFETCH(QString, proxyNumber);
    QFETCH(bool, expected);
    QCOMPARE(PhoneNumbers::sameCountryGroup(PhoneNumbers::parse(participant), PhoneNumbers::parse(proxyNumber)),
             expected);
}

void TestPhoneNumbers::extendedAreaKey_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<bool>("sameArea");

    QTest::newRow("415/628") << u"+14155550100"_s << u"+16285550100"_s << true;
    QTest::newRow("415/510") << u"+14155550100"_s << u"+15105550100"_s << false;
    QTest::newRow("212/929 via 917") << u"+12125550100"_s << u"+19295550100"_s << true;
    QTest::newRow("213/323") << u"+12135550100"_s << u"+13235550100"_s << true;
    QTest::newRow("213/310") << u"+12135550100"_s << u"+13105550100"_s << false;
    QTest::newRow("416/647") << u"+14165550100"_s << u"+16475550100"_s << true;
    QTest::newRow("416/905") << u"+14165550100"_s << u"+19055550100"_s << false;
    QTest::newRow("unlisted npa alone") << u"+15055550100"_s << u"+15055550199"_s << true;
    QTest::newRow("unlisted npas differ") << u"+15055550100"_s << u"+15755550100"_s << false;
}

void TestPhoneNumbers::extendedAreaKey()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(bool, sameArea);

    const QString keyA = PhoneNumbers::extendedAreaKey(PhoneNumbers::parse(a));
    const QString keyB = PhoneNumbers::extendedAreaKey(PhoneNumbers::parse(b));
    QVERIFY(!keyA.isEmpty());
    QVERIFY(!keyB.isEmpty());
    QCOMPARE(keyA == keyB, sameArea);
}

void TestPhoneNumbers::overlayAreaCodes()
{
    QCOMPARE(PhoneNumbers::overlayAreaCodes(u"628"_s), (QStringList{u"415"_s, u"628"_s}));
    QCOMPARE(PhoneNumbers::overlayAreaCodes(u"505"_s), QStringList{u"505"_s});
    QCOMPARE(PhoneNumbers::extendedAreaKey(PhoneNumbers::parse(u"+16285550100"_s)), u"415"_s);
    QCOMPARE(PhoneNumbers::extendedAreaKey(PhoneNumbers::parse(u"+442079460000"_s)), QString());
    QCOMPARE(PhoneNumbers::extendedAreaKey(PhoneNumbers::parse(u"+15551234567"_s)), QString());
}

void TestPhoneNumbers::isoCountry_data()
{
    QTest::addColumn<QString>("number");
    QTest::addColumn<QString>("expected");

    QTest::newRow("us") << u"+14155550100"_s << u"US"_s;
    QTest::newRow("ca") << u"+16475550100"_s << u"CA"_s;
    QTest::newRow("gb") << u"+442079460000"_s << u"GB"_s;
    QTest::newRow("je") << u"+441534123456"_s << u"JE"_s;
    QTest::newRow("mx") << u"+525512345678"_s << u"MX"_s;
    QTest::newRow("invalid") << u"+15551234567"_s << QString();
    QTest::newRow("garbage") << u"hello"_s << QString();
}

void TestPhoneNumbers::isoCountry()
{
    QFETCH(QString, number);
    QFETCH(QString, expected);
    QCOMPARE(PhoneNumbers::isoCountry(number), expected);
}

QTEST_APPLESS_MAIN(TestPhoneNumbers)
#include "tst_phonenumbers.moc"
