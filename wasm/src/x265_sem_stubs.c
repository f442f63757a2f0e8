/* advcompress — sem_close/sem_unlink for x265 in a wasm build without pthreads.
 * Emscripten's non-pthread libc has no named semaphores. x265's NamedSemaphore::release() refers to these two
 * but never calls them there (no named semaphore is ever opened: see patches/x265/0001-*.patch), so they only
 * have to link; should they ever be called they fail cleanly with ENOSYS.
 * SPDX-License-Identifier: MIT */
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#include <errno.h>
#include <semaphore.h>

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
#endif
