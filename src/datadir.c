/* Where covengine's installed files are (share/covengine: rules/, lua/),
 * found at run time next to the binary or library holding this code, so an
 * installed tree works wherever it was installed or moved to (cmake
 * --install --prefix, DESTDIR) without environment variables. */
#define _GNU_SOURCE /* dladdr */
#include "covengine.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef COV_DATADIR
#define COV_DATADIR "/usr/local/share/covengine"
#endif

static char datadir[PATH_MAX];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int has_rules(const char *dir)
{
    char probe[PATH_MAX];
    int n = snprintf(probe, sizeof probe, "%s/rules/phases.lua", dir);
    return n > 0 && (size_t)n < sizeof probe && access(probe, R_OK) == 0;
}

static void find_datadir(void)
{
    /* The object this code is in: the covengine executable, libcovengine.so
     * (prefix/lib) or the Lua module (prefix/lib/lua/5.4). */
    Dl_info info;
    char self[PATH_MAX];
    /* dladdr takes any address in the object: our own static buffer's. */
    if (dladdr(datadir, &info) && info.dli_fname &&
        realpath(info.dli_fname, self)) {
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            static const char *const up[] = {"/../share/covengine", "/../../../share/covengine"};
            for (size_t i = 0; i < sizeof up / sizeof *up; i++) {
                char cand[PATH_MAX], real[PATH_MAX];
                int n = snprintf(cand, sizeof cand, "%s%s", self, up[i]);
                if (n > 0 && (size_t)n < sizeof cand && has_rules(cand) && realpath(cand, real)) {
                    snprintf(datadir, sizeof datadir, "%s", real);
                    return;
                }
            }
        }
    }
    if (has_rules(COV_DATADIR)) {
        snprintf(datadir, sizeof datadir, "%s", COV_DATADIR);
        return;
    }
#ifdef COV_SOURCE_DIR
    /* An uninstalled build runs the source tree's rules. */
    if (has_rules(COV_SOURCE_DIR)) {
        snprintf(datadir, sizeof datadir, "%s", COV_SOURCE_DIR);
        return;
    }
#endif
    snprintf(datadir, sizeof datadir, "%s", COV_DATADIR);
}

const char *cov_data_dir(void)
{
    pthread_once(&once, find_datadir);
    return datadir;
}

int cov_default_rules(char *buf, size_t size)
{
    const char *env = getenv("COVENGINE_PATH");
    while (env && *env) {
        const char *colon = strchr(env, ':');
        int len = (int)(colon ? (size_t)(colon - env) : strlen(env));
        if (len) {
            snprintf(buf, size, "%.*s/phases.lua", len, env);
            if (access(buf, R_OK) == 0)
                return COV_OK;
        }
        env += len + (colon ? 1 : 0);
    }
    snprintf(buf, size, "%s/rules/phases.lua", cov_data_dir());
    return access(buf, R_OK) == 0 ? COV_OK : COV_EIO;
}
