// The masks that keep numbers, identities and credentials out of the logs (docs/logging.md): one address, free text,
// and the SIDs the JSON log format lists.

#include <QRegularExpression>
#include <QTest>

#include "core/redact.h"

using namespace Qt::Literals::StringLiterals;
using namespace Maskline;

class TestRedact final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void phone_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("masked");
        QTest::newRow("us") << u"+14155550101"_s << u"+1415***0101"_s;
        QTest::newRow("uk mobile") << u"+447700900123"_s << u"+4477***0123"_s;
        QTest::newRow("longest e164") << u"+491234567890123"_s << u"+4912***0123"_s;
        QTest::newRow("ten digits keeps three") << u"+3312345678"_s << u"+331***5678"_s;
        QTest::newRow("eight digits keeps one") << u"+12345678"_s << u"+1***5678"_s;
        QTest::newRow("whatsapp") << u"whatsapp:+14155550101"_s << u"whatsapp:+1415***0101"_s;
        QTest::newRow("client") << u"client:alice"_s << u"client:***ce"_s;
        QTest::newRow("sip") << u"sip:bob@example.com"_s << u"sip:***om"_s;
        QTest::newRow("messenger") << u"messenger:1234567890"_s << u"messenger:***90"_s;
        QTest::newRow("national") << u"4155550101"_s << u"***01"_s;
        QTest::newRow("too short for e164") << u"+1234567"_s << u"***67"_s;
        QTest::newRow("short code") << u"12345"_s << u"***45"_s;
        QTest::newRow("four or fewer") << u"1234"_s << u"***"_s;
        QTest::newRow("formatted") << u"+1 415 555 0101"_s << u"***01"_s;
        QTest::newRow("empty") << QString() << QString();
    }
    void phone()
    {
        QFETCH(QString, address);
        QFETCH(QString, masked);
        QCOMPARE(redactPhone(address), masked);
    }

    void phoneHidesAtLeastThreeDigits()
    {
        for (int digits = 8; digits <= 15; ++digits) {
            QString number = u"+1"_s;
            for (int i = 1; i < digits; ++i) {
                number += QChar(u'0' + char16_t(i % 10));
            }
            const QString masked = redactPhone(number);
            const qsizetype shown = masked.count(QRegularExpression(u"[0-9]"_s));
            QVERIFY2(digits - shown >= 3, qPrintable(number + u" -> "_s + masked));
            QVERIFY2(!masked.contains(number.mid(1)), qPrintable(masked));
        }
    }

    void text_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("masked");
        QTest::newRow("routing detail")
            << u"message SM00000000000000000000000000000001 from +14155550101 to +14155559999 queued to "
               u"+14155550202 from +14155559998 (interaction KI0123456789abcdef0123456789abcdef)"_s
            << u"message SM00000000000000000000000000000001 from +1415***0101 to +1415***9999 queued to "
               u"+1415***0202 from +1415***9998 (interaction KI0123456789abcdef0123456789abcdef)"_s;
        QTest::newRow("whatsapp") << u"from whatsapp:+14155550101."_s << u"from whatsapp:+1415***0101."_s;
        QTest::newRow("spaced") << u"'+1 415 555 0101' is not valid"_s << u"'+1415***0101' is not valid"_s;
        QTest::newRow("dashed") << u"to +1-415-555-0101"_s << u"to +1415***0101"_s;
        QTest::newRow("national") << u"Identifier 4155550101 unknown"_s << u"Identifier ***01 unknown"_s;
        QTest::newRow("client") << u"call from client:alice, to"_s << u"call from client:***ce, to"_s;
        QTest::newRow("sip") << u"to sip:bob@example.com"_s << u"to sip:***om"_s;
        QTest::newRow("url password") << u"POST https://user:s3cret@example.com/cb -> HTTP 500"_s
                                      << u"POST https://user:***@example.com/cb -> HTTP 500"_s;
        QTest::newRow("basic header") << u"Authorization: Basic QUM6dG9rZW4="_s << u"Authorization: Basic ***"_s;
        QTest::newRow("bearer header") << u"Bearer abc.def-ghi"_s << u"Bearer ***"_s;
        QTest::newRow("short numbers stay") << u"retrying in 30000 ms, attempt 3 of 10, port 8080, HTTP 503"_s
                                            << u"retrying in 30000 ms, attempt 3 of 10, port 8080, HTTP 503"_s;
        QTest::newRow("addresses and versions stay")
            << u"listening on http://127.0.0.1:8080, Qt 6.4.2"_s << u"listening on http://127.0.0.1:8080, Qt 6.4.2"_s;
        QTest::newRow("sids stay") << u"KC00000000000000000000000000000001 AC11111111111111111111111111111111"_s
                                   << u"KC00000000000000000000000000000001 AC11111111111111111111111111111111"_s;
        QTest::newRow("empty") << QString() << QString();
    }
    void text()
    {
        QFETCH(QString, text);
        QFETCH(QString, masked);
        QCOMPARE(redactText(text), masked);
    }

    void sids()
    {
        QCOMPARE(sidsIn(u"message SM00000000000000000000000000000001 in session KCabcdefabcdefabcdefabcdefabcdefab, "
                        u"again SM00000000000000000000000000000001; (KI0123456789ABCDEF0123456789abcdef)"_s),
                 (QStringList{u"SM00000000000000000000000000000001"_s, u"KCabcdefabcdefabcdefabcdefabcdefab"_s,
                              u"KI0123456789ABCDEF0123456789abcdef"_s}));
        // Too short, too long, lower-case prefix, or part of a longer word: not SIDs.
        QCOMPARE(sidsIn(u"SM0000 xSM00000000000000000000000000000001 sm00000000000000000000000000000001 "
                        u"SM000000000000000000000000000000012 +14155550101"_s),
                 QStringList());
    }
};

QTEST_APPLESS_MAIN(TestRedact)
#include "tst_redact.moc"
