/*
 * tmpdir.h — a scratch directory per test executable (cmocka group setup and
 * teardown) and paths inside it. Include once, from the test's .c file.
 */
#ifndef CONCORD_TEST_TMPDIR_H
#define CONCORD_TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char tmpdir[256];

/* Make /tmp/concord-test-TAG-XXXXXX; 0 or -1 (a cmocka setup result). */
static inline int tmpdir_make(const char *tag)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/concord-test-%s-XXXXXX", tag);
    return mkdtemp(tmpdir) ? 0 : -1;
}

static inline int teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* tmpdir/name, in one of 8 rotating buffers (valid for 7 more calls). */
static inline const char *path_of(const char *name)
{
    static char buf[8][1024];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof(buf[k]), "%s/%s", tmpdir, name);
    return buf[k];
}

#endif
