#include "logging.h"

#include <cstdio>
#include <sys/stat.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMutex>

#include "core/redact.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline::Logging {

namespace {

Format g_format = Format::Text;
bool g_journal = false;

QString levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return u"debug"_s;
    case QtInfoMsg:
        return u"info"_s;
    case QtWarningMsg:
        return u"warning"_s;
    case QtCriticalMsg:
        return u"error"_s;
    case QtFatalMsg:
        return u"fatal"_s;
    }
    return u"info"_s;
}

// syslog(3) priorities, which journald reads from a "<N>" line prefix.
int syslogPriority(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return 7;
    case QtInfoMsg:
        return 6;
    case QtWarningMsg:
        return 4;
    case QtCriticalMsg:
        return 3;
    case QtFatalMsg:
        return 2;
    }
    return 6;
}

// systemd sets JOURNAL_STREAM to "device:inode" of the stream it connected; it counts only if stderr is that stream
// (not when a child of the service redirected it).
bool stderrIsJournal()
{
    const QByteArray stream = qgetenv("JOURNAL_STREAM");
    if (stream.isEmpty()) {
        return false;
    }
    struct stat st = {};
    if (::fstat(fileno(stderr), &st) != 0) {
        return false;
    }
    return stream == QByteArray::number(quint64(st.st_dev)) + ':' + QByteArray::number(quint64(st.st_ino));
}

QByteArray formatText(QtMsgType type, const char *category, const QString &message)
{
    QString head;
    if (g_journal) {
        head = u"<%1>"_s.arg(syslogPriority(type));
    } else {
        head = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs) + u' ' + levelName(type) + u' ';
    }
    if (category && qstrcmp(category, "default") != 0) {
        head += QString::fromUtf8(category) + u": "_s;
    }
    // A message of several lines stays one entry to a reader: continuation lines are indented (journald, which
    // splits on newlines, gets the priority on each).
    QString text = message;
    text.replace(u'\n', g_journal ? u"\n<%1>  "_s.arg(syslogPriority(type)) : u"\n  "_s);
    return (head + text + u'\n').toUtf8();
}

QByteArray formatJson(QtMsgType type, const char *category, const QString &message)
{
    QJsonArray sids;
    for (const QString &sid : sidsIn(message)) {
        sids.append(sid);
    }
    const QJsonObject line{
        {u"time"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
        {u"level"_s, levelName(type)},
        {u"category"_s, QString::fromUtf8(category ? category : "default")},
        {u"message"_s, message},
        {u"sids"_s, sids},
    };
    return QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
}

void handleMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QByteArray line = g_format == Format::Json ? formatJson(type, context.category, message)
                                                     : formatText(type, context.category, message);
    // Engine, HTTP and GUI threads log concurrently; one write per line, never interleaved.
    static QMutex mutex;
    const QMutexLocker lock(&mutex);
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
}

} // namespace

std::optional<Level> parseLevel(const QString &text)
{
    const QString word = text.toLower();
    if (word == u"debug"_s) {
        return Level::Debug;
    }
    if (word == u"info"_s) {
        return Level::Info;
    }
    if (word == u"warning"_s) {
        return Level::Warning;
    }
    if (word == u"error"_s) {
        return Level::Error;
    }
    return std::nullopt;
}

std::optional<Format> parseFormat(const QString &text)
{
    const QString word = text.toLower();
    if (word == u"text"_s) {
        return Format::Text;
    }
    if (word == u"json"_s) {
        return Format::Json;
    }
    return std::nullopt;
}

void install(const Config &config)
{
    // Filter rules set here rank below QT_LOGGING_RULES and qtlogging.ini, so those still decide single categories.
    // Info is the categories' own default (Q_LOGGING_CATEGORY(…, QtInfoMsg)); Qt's own qt.* debug stays off.
    switch (config.level) {
    case Level::Debug:
        QLoggingCategory::setFilterRules(u"maskline.*.debug=true\ndefault.debug=true"_s);
        break;
    case Level::Info:
        QLoggingCategory::setFilterRules(u"*.debug=false"_s);
        break;
    case Level::Warning:
        QLoggingCategory::setFilterRules(u"*.debug=false\n*.info=false"_s);
        break;
    case Level::Error:
        QLoggingCategory::setFilterRules(u"*.debug=false\n*.info=false\n*.warning=false"_s);
        break;
    }
    g_format = config.format;
    g_journal = config.format == Format::Text && stderrIsJournal();
    qInstallMessageHandler(handleMessage);
}

} // namespace Maskline::Logging
