#pragma once

#include <Qt>

namespace Maskline {

// Roles every console model answers. Display text (Qt::DisplayRole) is for people; UnderlyingDataRole carries the raw
// value (a number, a QDateTime, a status word) for sorting, filtering and delegates.
enum ItemRole
{
    SidRole = Qt::UserRole,   // the resource's SID (QString)
    IdRole,                   // the store row id (qint64), the keyset cursor
    UnderlyingDataRole,       // the column's raw value
    StatusRole,               // a status word ("open", "in-progress", "closed", "error", "warning", …)
    ParentSidRole,            // the SID of the parent resource (service for sessions, session for participants)
    SortableRole,             // headerData: whether clicking the column's header sorts by it (bool)
    FIRST_MODEL_SPECIFIC_ROLE // a model's own roles start here
};

} // namespace Maskline
