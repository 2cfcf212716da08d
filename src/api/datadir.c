/* Where covengine's installed files are (share/covengine: rules/, lua/),
 * found at run time next to the binary or library holding this code, so an
 * installed tree works wherever it was installed or moved to (cmake
 * --install --prefix, DESTDIR) without environment variables. Code in the
 * build tree uses the source tree's rules instead. */
#define _GNU_SOURCE /* dladdr */
#include "covengine.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
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

/* Any address in this object: read-only data, which is file-backed (a .bss
 * address may lie in an anonymous mapping with no file name). */
static const char marker[] = "covengine";

/* The absolute path of the mapped file holding addr, from /proc/self/maps:
 * what the loader opened, whatever the current directory is now. */
static int mapped_path(const void *addr, char *out)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return 0;
    char line[PATH_MAX + 128];
    int found = 0;
    uintptr_t at = (uintptr_t)addr;
    while (!found && fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        int name = 0;
        if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %n", &lo, &hi, &name) < 2 || !name)
            continue;
        if (at < lo || at >= hi || line[name] != '/')
            continue;
        line[strcspn(line, "\n")] = '\0';
        found = realpath(line + name, out) != NULL;
    }
    fclose(f);
    return found;
}

/* The resolved path of the object this code is in: the covengine executable
 * (/proc/self/exe: dladdr names it by argv[0], a bare name when run from
 * PATH), libcovengine.so or the Lua module (dladdr's name, which is
 * relative when it was loaded by a relative path: then the mapping's). */
static int object_path(char *out)
{
    Dl_info self, prog;
    if (!dladdr(marker, &self))
        return mapped_path(marker, out);
    unsigned long phdr = getauxval(AT_PHDR); /* the main program's headers */
    if (phdr && dladdr((const void *)phdr, &prog) && prog.dli_fbase == self.dli_fbase)
        return realpath("/proc/self/exe", out) != NULL;
    if (self.dli_fname && self.dli_fname[0] == '/' && realpath(self.dli_fname, out))
        return 1;
    return mapped_path(marker, out) ||
           (self.dli_fname && self.dli_fname[0] && realpath(self.dli_fname, out));
}

/* Whether path lies under dir (both resolved). */
static int under(const char *path, const char *dir)
{
    char real[PATH_MAX];
    if (!dir || !realpath(dir, real))
        return 0;
    size_t n = strlen(real);
    return strncmp(path, real, n) == 0 && path[n] == '/';
}

static int use(const char *dir)
{
    char real[PATH_MAX];
    if (!has_rules(dir) || !realpath(dir, real))
        return 0;
    snprintf(datadir, sizeof datadir, "%s", real);
    return 1;
}

static void find_datadir(void)
{
    char self[PATH_MAX];
    int known = object_path(self);
#if defined(COV_SOURCE_DIR) && defined(COV_BUILD_DIR)
    /* An object of the build tree runs its source tree's rules; an installed
     * one never does, even while the build tree exists. */
    if (known && under(self, COV_BUILD_DIR) && use(COV_SOURCE_DIR))
        return;
#endif
    if (known) {
        /* prefix/bin/covengine, prefix/lib/libcovengine.so and
         * prefix/lib/lua/5.4/covengine.so: share/covengine is up from there. */
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            static const char *const up[] = {"/../share/covengine",
                                             "/../../../share/covengine"};
            for (size_t i = 0; i < sizeof up / sizeof *up; i++) {
                char cand[PATH_MAX];
                int n = snprintf(cand, sizeof cand, "%s%s", self, up[i]);
                if (n > 0 && (size_t)n < sizeof cand && use(cand))
                    return;
            }
        }
    }
    if (use(COV_DATADIR))
        return;
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
