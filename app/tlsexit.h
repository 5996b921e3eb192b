#pragma once

namespace Maskline {

// Call first thing in main(), before anything can load OpenSSL (Qt's TLS backend, the carrier's HTTPS client).
//
// OpenSSL 3 registers an atexit handler that frees every thread's OpenSSL state from the main thread. Qt's threads
// are detached: QThread::wait() returns once a thread's run has ended, before its thread-local destructors have run,
// so the engine thread's own destructor could free the same block while exit() runs the handler (a double free, or
// a heap corrupted at exit). Without that handler each thread frees its own state as it ends, and what the process
// still holds at exit goes back with its address space.
void keepOpenSslStateUntilExit();

} // namespace Maskline
