#include "debuggerdetails.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUrl>

#include "formatting.h"
#include "store/consolequeries.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline::DebuggerDetails {

namespace {

// lupdate finds the strings under this context; they are looked up at run time like any tr().
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(Maskline::DebuggerDetails)
};

const QRegularExpression &sidPattern()
{
    static const QRegularExpression re(u"\\b(?:KS|KC|KP|KI|PN|NO)[0-9a-fA-F]{32}\\b"_s);
    return re;
}

const QRegularExpression &numberPattern()
{
    // E.164, also when it arrives percent-encoded (%2B) in a form body or URL.
    static const QRegularExpression re(u"(?:\\+|%2[bB])([1-9][0-9]{6,14})\\b"_s);
    return re;
}

void collect(QStringList &into, const QRegularExpression &re, const QString &text, bool number)
{
    auto it = re.globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        const QString value = number ? u'+' + m.captured(1) : m.captured(0);
        if (!into.contains(value)) {
            into.append(value);
        }
    }
}

QString label(const QString &sid, const Names &names)
{
    const QString name = names.bySid.value(sid);
    return name.isEmpty() ? sid : u"%1 · %2"_s.arg(name, sid);
}

QString linkFor(const QString &sid, const DebuggerEvent &event, const Names &names)
{
    if (sid.startsWith(u"KS"_s)) {
        return u"maskline:service/"_s + sid;
    }
    if (sid.startsWith(u"KC"_s)) {
        return u"maskline:session/"_s + sid;
    }
    if (sid.startsWith(u"KP"_s)) {
        const QString session = names.participantSession.value(sid, event.sessionSid);
        return session.isEmpty() ? QString() : u"maskline:participant/%1/%2"_s.arg(session, sid);
    }
    if (sid.startsWith(u"KI"_s) && !event.sessionSid.isEmpty()) {
        return u"maskline:session/"_s + event.sessionSid;
    }
    if (sid.startsWith(u"PN"_s)) {
        for (auto it = names.poolNumbers.cbegin(); it != names.poolNumbers.cend(); ++it) {
            if (it->second == sid) {
                return u"maskline:holders/%1/%2/%3"_s.arg(it->first, sid,
                                                          QString::fromLatin1(QUrl::toPercentEncoding(it.key())));
            }
        }
    }
    return {};
}

QString numberLink(const QString &number, const Names &names)
{
    const QString encoded = QString::fromLatin1(QUrl::toPercentEncoding(number));
    const auto pool = names.poolNumbers.constFind(number);
    if (pool != names.poolNumbers.cend()) {
        return u"maskline:holders/%1/%2/%3"_s.arg(pool->first, pool->second, encoded);
    }
    return u"maskline:identifier/"_s + encoded;
}

QString anchor(const QString &href, const QString &text)
{
    return href.isEmpty() ? text.toHtmlEscaped() : u"<a href=\"%1\">%2</a>"_s.arg(href, text.toHtmlEscaped());
}

// Escapes `text` and turns each SID and number in it into a link.
QString linkify(const QString &text, const DebuggerEvent &event, const Names &names)
{
    static const QRegularExpression both(u"\\b(?:KS|KC|KP|KI|PN|NO)[0-9a-fA-F]{32}\\b|\\+[1-9][0-9]{6,14}\\b"_s);
    QString out;
    qsizetype at = 0;
    auto it = both.globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        out += text.mid(at, m.capturedStart() - at).toHtmlEscaped();
        const QString found = m.captured(0);
        if (found.startsWith(u'+')) {
            const bool pool = names.poolNumbers.contains(found);
            out += anchor(numberLink(found, names), found) +
                   (pool ? u" <i>(%1)</i>"_s.arg(Text::tr("proxy number — who holds it").toHtmlEscaped()) : QString());
        } else {
            const QString name = names.bySid.value(found);
            out += anchor(linkFor(found, event, names), name.isEmpty() ? found : u"%1 · %2"_s.arg(name, found));
        }
        at = m.capturedEnd();
    }
    out += text.mid(at).toHtmlEscaped();
    return out;
}

QString section(const QString &title)
{
    return u"<h4 style=\"margin-top:10px; margin-bottom:2px\">%1</h4>"_s.arg(title.toHtmlEscaped());
}

} // namespace

QStringList sidsIn(const DebuggerEvent &event)
{
    QStringList sids;
    for (const QString *sid :
         {&event.serviceSid, &event.sessionSid, &event.participantSid, &event.interactionSid, &event.resourceSid}) {
        if (!sid->isEmpty() && !sids.contains(*sid)) {
            sids.append(*sid);
        }
    }
    for (const QString *text : {&event.requestUrl, &event.requestVariables, &event.message, &event.responseBody}) {
        collect(sids, sidPattern(), *text, false);
    }
    return sids;
}

QStringList numbersIn(const DebuggerEvent &event)
{
    QStringList numbers;
    for (const QString *text : {&event.requestUrl, &event.requestVariables, &event.message, &event.responseBody}) {
        collect(numbers, numberPattern(), *text, true);
    }
    return numbers;
}

Names lookUp(const QSqlDatabase &db, const QStringList &sids, const QStringList &numbers)
{
    return ConsoleQueries::names(db, sids, numbers);
}

QString decodeVariables(const QString &variables)
{
    const QString trimmed = variables.trimmed();
    if (trimmed.isEmpty()) {
        return {};
    }
    if (trimmed.startsWith(u'{') || trimmed.startsWith(u'[')) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(trimmed.toUtf8(), &error);
        if (error.error == QJsonParseError::NoError) {
            return QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
        }
        return variables;
    }
    static const QRegularExpression formShape(u"^[^=&\\s]+=[^\\s]*$"_s);
    if (!formShape.match(trimmed).hasMatch()) {
        return variables;
    }
    QStringList lines;
    for (const QString &pair : trimmed.split(u'&', Qt::SkipEmptyParts)) {
        const qsizetype eq = pair.indexOf(u'=');
        auto decode = [](QString part) {
            part.replace(u'+', u' ');
            return QUrl::fromPercentEncoding(part.toUtf8());
        };
        const QString key = decode(eq < 0 ? pair : pair.left(eq));
        const QString value = eq < 0 ? QString() : decode(pair.mid(eq + 1));
        lines.append(u"%1: %2"_s.arg(key, value));
    }
    return lines.join(u'\n');
}

QString html(const DebuggerEvent &event, const Names &names)
{
    QString h;
    const bool error = event.logLevel == u"error"_s;
    h += u"<p><b style=\"color:%1\">%2 %3</b> — %4<br>%5</p>"_s
             .arg(error ? u"#c62828"_s : u"#9a5b00"_s, event.logLevel.toUpper().toHtmlEscaped())
             .arg(event.code)
             .arg(Format::dateTime(event.dateCreated).toHtmlEscaped(), linkify(event.message, event, names));
    const std::pair<QString, const QString *> sids[] = {
        {Text::tr("Service"), &event.serviceSid},         {Text::tr("Session"), &event.sessionSid},
        {Text::tr("Participant"), &event.participantSid}, {Text::tr("Interaction"), &event.interactionSid},
        {Text::tr("Resource"), &event.resourceSid},       {Text::tr("Event"), &event.sid}};
    h += u"<table cellspacing=\"0\" cellpadding=\"1\">"_s;
    for (const auto &[title, sid] : sids) {
        if (sid->isEmpty()) {
            continue;
        }
        h += u"<tr><td style=\"padding-right:8px\">%1</td><td>%2</td></tr>"_s.arg(
            title.toHtmlEscaped(), anchor(linkFor(*sid, event, names), label(*sid, names)));
    }
    h += u"</table>"_s;

    h += section(Text::tr("Request"));
    if (event.requestMethod.isEmpty() && event.requestUrl.isEmpty() && event.requestVariables.isEmpty()) {
        h += u"<p>%1</p>"_s.arg(Text::tr("(none recorded)").toHtmlEscaped());
    } else {
        h += u"<p style=\"white-space:pre-wrap\">%1 %2</p>"_s.arg(
            event.requestMethod.toHtmlEscaped(),
            linkify(QUrl::fromPercentEncoding(event.requestUrl.toUtf8()), event, names));
        const QString decoded = decodeVariables(event.requestVariables);
        if (!decoded.isEmpty()) {
            h += u"<pre style=\"white-space:pre-wrap\">%1</pre>"_s.arg(linkify(decoded, event, names));
        }
    }
    h += section(Text::tr("Response"));
    h += event.responseBody.isEmpty() ? u"<p>%1</p>"_s.arg(Text::tr("(none recorded)").toHtmlEscaped())
                                      : u"<pre style=\"white-space:pre-wrap\">%1</pre>"_s.arg(
                                            linkify(decodeVariables(event.responseBody), event, names));
    return h;
}

} // namespace Maskline::DebuggerDetails
