#include "base/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void cov_error_clear(cov_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

static void fill(cov_error *e, int code, const char *file, int line, int col,
                 const char *fmt, va_list ap) COV_PRINTF(6, 0);

static void fill(cov_error *e, int code, const char *file, int line, int col,
                 const char *fmt, va_list ap)
{
    cov_error_clear(e);
    e->code = code;
    e->line = line;
    e->column = col;
    snprintf(e->file, sizeof e->file, "%s", file ? file : "");
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    /* One line per error: a message never spans lines. */
    for (char *p = e->message; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
}

int cov_fail(cov_diag *d, int code, const char *file, int line, int col, const char *fmt,
             ...)
{
    if (d && d->err) {
        va_list ap;
        va_start(ap, fmt);
        fill(d->err, code, file, line, col, fmt, ap);
        va_end(ap);
    }
    return code;
}

static void note(cov_diag *d, int code, const char *file, int line, int col,
                 const char *fmt, va_list ap) COV_PRINTF(6, 0);

static void note(cov_diag *d, int code, const char *file, int line, int col,
                 const char *fmt, va_list ap)
{
    if (!d)
        return;
    d->warnings++;
    if (!d->warn)
        return;
    cov_error w;
    fill(&w, code, file, line, col, fmt, ap);
    d->warn(d->warn_ud, &w);
}

void cov_warn(cov_diag *d, const char *file, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    note(d, COV_OK, file, line, col, fmt, ap);
    va_end(ap);
}

void cov_note(cov_diag *d, int code, const char *file, int line, int col, const char *fmt,
              ...)
{
    va_list ap;
    va_start(ap, fmt);
    note(d, code, file, line, col, fmt, ap);
    va_end(ap);
}

char *cov_escape_controls(char *out, size_t size, const char *in)
{
    size_t o = 0;
    for (; *in; in++) {
        unsigned char c = (unsigned char)*in;
        char esc[5] = {(char)c, 0};
        if (c == '\n' || c == '\r' || c == '\t')
            snprintf(esc, sizeof esc, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
        else if (c < 0x20 || c == 0x7f)
            snprintf(esc, sizeof esc, "\\x%02x", c);
        size_t n = strlen(esc);
        if (o + n >= size)
            break;
        memcpy(out + o, esc, n);
        o += n;
    }
    out[o] = '\0';
    return out;
}

const char *cov_error_format(const cov_error *err, char *buf, size_t size)
{
    if (!size)
        return buf;
    /* Both may hold any byte (a file name, a rule's message): escaped, the
     * result is one line. */
    char file[4 * sizeof err->file], message[4 * sizeof err->message];
    cov_escape_controls(file, sizeof file, err->file);
    cov_escape_controls(message, sizeof message, err->message);
    if (!file[0])
        snprintf(buf, size, "%s", message);
    else if (err->line > 0 && err->column > 0)
        snprintf(buf, size, "%s:%d:%d: %s", file, err->line, err->column, message);
    else if (err->line > 0) /* Lua knows lines, not columns */
        snprintf(buf, size, "%s:%d: %s", file, err->line, message);
    else
        snprintf(buf, size, "%s: %s", file, message);
    return buf;
}

void cov_progress_begin(cov_diag *d, const char *file, uint64_t size)
{
    cov_load_progress *lp = cov_diag_progress(d);
    if (!lp)
        return;
    lp->p.file = file;
    if (!lp->p.files_total) { /* not a tree: this file is the load */
        lp->p.files_total = 1;
        lp->p.bytes_total = size;
    }
    lp->fn(lp->ud, &lp->p);
}

void cov_progress_at(cov_diag *d, uint64_t pos)
{
    cov_load_progress *lp = cov_diag_progress(d);
    if (!lp)
        return;
    cov_progress now = lp->p;
    now.bytes_done += pos;
    if (now.bytes_total && now.bytes_done > now.bytes_total)
        now.bytes_done = now.bytes_total;
    lp->fn(lp->ud, &now);
}

void cov_progress_end(cov_diag *d, uint64_t size)
{
    cov_load_progress *lp = cov_diag_progress(d);
    if (!lp)
        return;
    lp->p.files_done++;
    lp->p.bytes_done += size;
    lp->fn(lp->ud, &lp->p);
}
