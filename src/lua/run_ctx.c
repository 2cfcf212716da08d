#include "lua/run_ctx.h"

#include "base/alloc.h"
#include "base/vec.h"

#include <string.h>

void cov_warning_log_add(cov_warning_log *log, const cov_error *w)
{
    log->total++;
    if (log->n >= COV_WARNINGS_KEPT)
        return;
    (void)COV_GROW_ONE(log->items, log->n, log->cap); /* checked below */
    char *file = w->file[0] ? cov_strndup(w->file, strlen(w->file)) : NULL;
    char *message = cov_strndup(w->message, strlen(w->message));
    if (log->n < log->cap && message && (file || !w->file[0])) {
        log->items[log->n++] = (cov_warning_rec){file, message, w->line, w->column};
    } else {
        cov_free(file);
        cov_free(message);
    }
}

static void warning_log_free(cov_warning_log *log)
{
    for (size_t i = 0; i < log->n; i++) {
        cov_free(log->items[i].file);
        cov_free(log->items[i].message);
    }
    cov_free(log->items);
    memset(log, 0, sizeof *log);
}

void cov_run_ctx_free(cov_run_ctx *c)
{
    for (size_t i = 0; i < c->n_options; i++) {
        cov_free(c->options[i].name);
        cov_free(c->options[i].value);
    }
    cov_free(c->options);
    c->options = NULL;
    c->n_options = 0;
    cov_buf_free(&c->emitted);
    for (int d = 0; d < COV_DATASETS; d++) {
        warning_log_free(&c->data[d].warnings);
        cov_family_index_free(&c->data[d].family_index);
    }
}

const char *cov_run_option(const cov_run_ctx *c, const char *name)
{
    for (size_t i = 0; i < c->n_options; i++)
        if (strcmp(c->options[i].name, name) == 0)
            return c->options[i].value;
    return NULL;
}

int cov_run_set_option(cov_run_ctx *c, const char *name, const char *value)
{
    for (size_t i = 0; i < c->n_options; i++) {
        if (strcmp(c->options[i].name, name) != 0)
            continue;
        if (!value) {
            cov_free(c->options[i].name);
            cov_free(c->options[i].value);
            c->options[i] = c->options[--c->n_options];
            return COV_OK;
        }
        char *v = cov_strndup(value, strlen(value));
        if (!v)
            return COV_ENOMEM;
        cov_free(c->options[i].value);
        c->options[i].value = v;
        return COV_OK;
    }
    if (!value)
        return COV_OK;
    cov_option *grown = cov_realloc(c->options, (c->n_options + 1) * sizeof *grown);
    if (!grown)
        return COV_ENOMEM;
    c->options = grown;
    char *n = cov_strndup(name, strlen(name)), *v = cov_strndup(value, strlen(value));
    if (!n || !v) {
        cov_free(n);
        cov_free(v);
        return COV_ENOMEM;
    }
    c->options[c->n_options++] = (cov_option){n, v};
    return COV_OK;
}

const cov_family_index *cov_run_family_index(cov_run_ctx *c, cov_dataset d)
{
    cov_dataset_handle *h = &c->data[d];
    return cov_family_index_get(&h->family_index, h->model, h->generation);
}
