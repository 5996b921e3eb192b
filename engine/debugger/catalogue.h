#pragma once

#include <QStringView>

namespace Maskline::Catalogue {

// One 80xxx code of Twilio's error catalogue: its debugger level and title.
struct Entry
{
    int code;
    bool isError; // false: warning
    QStringView title;
};

// nullptr for codes the catalogue does not list.
const Entry *find(int code);

} // namespace Maskline::Catalogue
