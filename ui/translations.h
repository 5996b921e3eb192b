#pragma once

#include <utility>

#include <QList>
#include <QString>

class QCoreApplication;

namespace Maskline::Translations {

// The console's languages besides the source English: {code, name in that language}.
QList<std::pair<QString, QString>> available();

// Installs the console's translation for `language` ("de", "en"; empty: the system's UI language) on the
// application, replacing one installed before. English installs its plural forms only ("1 service", "2 services").
// Returns the language installed ("en" when nothing matched).
QString install(const QString &language);

} // namespace Maskline::Translations
