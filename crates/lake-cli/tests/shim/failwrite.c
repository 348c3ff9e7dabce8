/* LD_PRELOAD shim for the disk-full test: every write to a file under FAILWRITE_PREFIX,
 * from the FAILWRITE_AT-th one on, fails with ENOSPC (fsync with EIO), as on a full disk.
 * FAILWRITE_COUNT names a file that receives the number of such writes at exit. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static long fail_at = -1;
static const char *prefix;
static size_t prefix_len;
static long counter;

__attribute__((constructor)) static void init(void) {
    const char *p = getenv("FAILWRITE_PREFIX");
    const char *a = getenv("FAILWRITE_AT");
    if (p && *p) {
        prefix = p;
        prefix_len = strlen(p);
    }
    fail_at = a ? atol(a) : -1;
}

__attribute__((destructor)) static void done(void) {
    const char *c = getenv("FAILWRITE_COUNT");
    if (c && *c) {
        FILE *f = fopen(c, "w");
        if (f) {
            fprintf(f, "%ld\n", __atomic_load_n(&counter, __ATOMIC_SEQ_CST));
            fclose(f);
        }
    }
}

static int under_prefix(int fd) {
    if (!prefix) return 0;
    char link[64], target[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n < 0) return 0;
    target[n] = 0;
    return strncmp(target, prefix, prefix_len) == 0;
}

/* 1 when this write must fail. */
static int fails(int fd) {
    if (!under_prefix(fd)) return 0;
    long c = __atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
    return fail_at > 0 && c >= fail_at;
}

#define REAL(name) \
    static __typeof__(&name) real_##name; \
    if (!real_##name) real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void *buf, size_t n) {
    REAL(write);
    if (fails(fd)) { errno = ENOSPC; return -1; }
    return real_write(fd, buf, n);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off) {
    REAL(pwrite64);
    if (fails(fd)) { errno = ENOSPC; return -1; }
    return real_pwrite64(fd, buf, n, off);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) {
    REAL(pwrite);
    if (fails(fd)) { errno = ENOSPC; return -1; }
    return real_pwrite(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt) {
    REAL(writev);
    if (fails(fd)) { errno = ENOSPC; return -1; }
    return real_writev(fd, iov, cnt);
}

ssize_t copy_file_range(int in, off_t *oi, int out, off_t *oo, size_t n, unsigned int fl) {
    REAL(copy_file_range);
    if (fails(out)) { errno = ENOSPC; return -1; }
    return real_copy_file_range(in, oi, out, oo, n, fl);
}

int fsync(int fd) {
    REAL(fsync);
    if (fails(fd)) { errno = EIO; return -1; }
    return real_fsync(fd);
}

int fdatasync(int fd) {
    REAL(fdatasync);
    if (fails(fd)) { errno = EIO; return -1; }
    return real_fdatasync(fd);
}
