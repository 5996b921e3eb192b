#include "translations.h"

#include <QCoreApplication>
#include <QLocale>
#include <QPointer>
#include <QTranslator>

using namespace Qt::Literals::StringLiterals;

namespace Maskline::Translations {

namespace {
QPointer<QTranslator> g_installed; // the GUI thread's, like the application's translators
} // namespace

QList<std::pair<QString, QString>> available()
{
    return {{u"en"_s, u"English"_s}, {u"de"_s, u"Deutsch"_s}};
}

QString install(const QString &language)
{
    auto *app = QCoreApplication::instance();
    if (!app) {
        return {};
    }
    if (g_installed) {
        QCoreApplication::removeTranslator(g_installed);
        delete g_installed;
    }
    QStringList wanted;
    if (language.isEmpty()) {
        wanted = QLocale::system().uiLanguages();
    } else {
        wanted = {language};
    }
    wanted.append(u"en"_s);
    for (const QString &tag : std::as_const(wanted)) {
        const QString code = QLocale(tag).name().section(u'_', 0, 0);
        auto *translator = new QTranslator(app);
        // qt_add_translations embeds the .qm files under :/i18n (ui/CMakeLists.txt).
        if (translator->load(u":/i18n/maskline_%1.qm"_s.arg(code))) {
            QCoreApplication::installTranslator(translator);
            g_installed = translator;
            return code;
        }
        delete translator;
    }
    return u"en"_s;
}

} // namespace Maskline::Translations
