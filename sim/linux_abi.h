/* Force-included (-include) in every file of the sim build: the errno
 * names get Linux's numbers, so that the simulated shim returns the same
 * -errno values as the native one (Emscripten's libc uses WASI's). Safe
 * because the sim never hands an errno to libc: the simulated kernel is
 * the only source of them. */
#ifndef EVW_SIM_LINUX_ABI_H
#define EVW_SIM_LINUX_ABI_H

#include <errno.h>

#undef EPERM
#undef ENOENT
#undef ESRCH
#undef EINTR
#undef EIO
#undef EBADF
#undef EAGAIN
#undef EWOULDBLOCK
#undef ENOMEM
#undef EBUSY
#undef EEXIST
#undef EINVAL
#undef EMFILE
#undef EPIPE
#undef ENOSYS
#undef ENOTSUP
#undef EOPNOTSUPP
#undef ENOBUFS
#undef ESHUTDOWN

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define EBADF 9
#define EAGAIN 11
#define EWOULDBLOCK 11
#define ENOMEM 12
#define EBUSY 16
#define EEXIST 17
#define EINVAL 22
#define EMFILE 24
#define EPIPE 32
#define ENOSYS 38
#define ENOTSUP 95
#define EOPNOTSUPP 95
#define ENOBUFS 105
#define ESHUTDOWN 108

#endif
