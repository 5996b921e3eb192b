#include "twiml.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline::Twiml {

namespace {

const QString PROLOGUE = u"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"_s;

} // namespace

QString escape(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        switch (c.unicode()) {
        case u'&':
            out += u"&amp;"_s;
            break;
        case u'<':
            out += u"&lt;"_s;
            break;
        case u'>':
            out += u"&gt;"_s;
            break;
        case u'"':
            out += u"&quot;"_s;
            break;
        case u'\'':
            out += u"&apos;"_s;
            break;
        default:
            // XML 1.0 forbids most control characters even escaped; drop them rather than emit a broken document.
            if (c.unicode() < 0x20 && c != u'\t' && c != u'\n' && c != u'\r') {
                break;
            }
            out += c;
        }
    }
    return out;
}

QByteArray dial(const Dial &d)
{
    QString number = u"<Number"_s;
    if (!d.statusCallback.isEmpty()) {
        number += u" statusCallback=\""_s + escape(d.statusCallback) +
                  u"\" statusCallbackEvent=\"initiated ringing answered completed\" statusCallbackMethod=\"POST\""_s;
    }
    number += u'>' + escape(d.number) + u"</Number>"_s;
    return (PROLOGUE + u"<Response><Dial callerId=\""_s + escape(d.callerId) + u"\" answerOnBridge=\"true\">"_s +
            number + u"</Dial></Response>"_s)
        .toUtf8();
}

QByteArray reject()
{
    return (PROLOGUE + u"<Response><Reject/></Response>"_s).toUtf8();
}

QByteArray empty()
{
    return (PROLOGUE + u"<Response/>"_s).toUtf8();
}

} // namespace Maskline::Twiml
