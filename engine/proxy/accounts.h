#pragma once

// Account operations are part of Proxy (proxy.h); accounts.cpp holds their implementation.
#include "proxy.h"
