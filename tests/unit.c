#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int failures, case_failed, case_skipped;

int unit_check(int ok, const char *what, const char *file, int line)
{
    if (!ok) {
        fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
        failures++;
        case_failed = 1;
    }
    return ok;
}

int unit_check_int(long long got, long long want, const char *what, const char *file,
                   int line)
{
    if (got != want) {
        fprintf(stderr, "%s:%d: %s is %lld, want %lld\n", file, line, what, got, want);
        failures++;
        case_failed = 1;
        return 0;
    }
    return 1;
}

int unit_check_str(const char *got, const char *want, const char *what, const char *file,
                   int line)
{
    if (!got || !want ? got != want : strcmp(got, want) != 0) {
        fprintf(stderr, "%s:%d: %s is \"%s\", want \"%s\"\n", file, line, what,
                got ? got : "(null)", want ? want : "(null)");
        failures++;
        case_failed = 1;
        return 0;
    }
    return 1;
}

void unit_skip(const char *why)
{
    fprintf(stderr, "  skipped: %s\n", why);
    case_skipped = 1;
}

int unit_run(const unit_case *cases)
{
    int ran = 0, skipped = 0;
    for (const unit_case *c = cases; c->name; c++) {
        case_failed = case_skipped = 0;
        c->fn();
        ran++;
        skipped += case_skipped && !case_failed;
        printf("%s %s\n", case_failed ? "FAIL" : case_skipped ? "SKIP" : "ok  ", c->name);
    }
    if (failures)
        return 1;
    return ran && skipped == ran ? 77 : 0;
}

char *unit_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (n + 1 >= cap)
            buf = realloc(buf, cap *= 2);
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        if (!got)
            break;
        n += got;
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

const char *unit_shared_data(void)
{
    const char *dir = getenv("COV_SHARED_DATA");
    struct stat st;
    if (!dir || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return NULL;
    return dir;
}

const char *unit_shared_path(const char *dir, const char *name)
{
    static char path[1024];
    const char *data = unit_shared_data();
    if (!data) {
        unit_skip("no shared data (COV_SHARED_DATA)");
        return NULL;
    }
    snprintf(path, sizeof path, "%s/%s/%s", data, dir, name);
    return path;
}

unit_warnings unit_warns;
cov_error unit_err;

void unit_on_warn(void *ud, const cov_error *w)
{
    unit_warnings *ws = ud;
    if (ws->n < UNIT_WARNS)
        ws->w[ws->n] = *w;
    ws->n++;
}

cov_diag unit_diag(void)
{
    cov_diag d = {&unit_err, unit_on_warn, &unit_warns, 0};
    memset(&unit_warns, 0, sizeof unit_warns);
    memset(&unit_err, 0, sizeof unit_err);
    return d;
}

const cov_error *unit_warning(const char *text)
{
    for (int i = 0; i < unit_warns.n && i < UNIT_WARNS; i++)
        if (strstr(unit_warns.w[i].message, text))
            return &unit_warns.w[i];
    return NULL;
}

const cov_limits *unit_limits(void)
{
    static cov_limits lim;
    static int made;
    if (!made) {
        cov_limits_default(&lim);
        made = 1;
    }
    return &lim;
}
