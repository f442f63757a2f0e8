/* advcompress — sem_close/sem_unlink for x265 in a wasm build without pthreads.
 * Emscripten's non-pthread libc has no named semaphores. x265's NamedSemaphore::release() refers to these two
 * but never calls them there (no named semaphore is ever opened: see patches/x265/0001-*.patch), so they only
 * have to link; should they ever be called they fail cleanly with ENOSYS. (Also compiled as C++, for x265's
 * TestBench, whose CMake project puts -std=gnu++98 on every file: patches/x265/0002.)
 * SPDX-License-Identifier: MIT */
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#include <errno.h>
#include <semaphore.h>
#ifdef __cplusplus
extern "C" {
#endif

int sem_close(sem_t* sem) {
  (void)sem;
  errno = ENOSYS;
  return -1;
}

int sem_unlink(const char* name) {
  (void)name;
  errno = ENOSYS;
  return -1;
}
#ifdef __cplusplus
}
#endif
#endif
