#ifndef CMALLOC_SHIM_H
#define CMALLOC_SHIM_H

// Exposes glibc's allocator tuning (mallopt) to Swift; empty elsewhere.
#if defined(__linux__)
#include <malloc.h>
#endif

#endif
