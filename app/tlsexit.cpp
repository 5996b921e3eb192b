#include "tlsexit.h"

#include <openssl/crypto.h>

namespace Maskline {

void keepOpenSslStateUntilExit()
{
    // The first initialisation decides whether OpenSSL registers its atexit cleanup; later ones cannot undo it.
    OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);
}

} // namespace Maskline
