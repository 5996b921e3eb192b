#pragma once

#include <QString>

namespace Maskline {

class Database;

// The store's side of readiness (/readyz): cheap checks, no table scans.
namespace StoreProbe {

// Why the store cannot take work now, or an empty string: the connection must answer a trivial query and, on SQLite,
// the write lock must be available within a short wait (held elsewhere, every write would stall). Rolls back
// whatever it did, inside a write batch too. A failed statement is reported, not thrown (opening the connection may
// still throw StoreError).
QString unavailable(Database &store);

} // namespace StoreProbe
} // namespace Maskline
