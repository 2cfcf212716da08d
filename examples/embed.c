/* A C host embedding covengine: loads the built-in snapshot, runs the
 * installed default rules for a JSON report, and prints the phase-1
 * families (EasyDeL implements them and the JAX config tests them on
 * another implementation; the snapshot has no loaders, so none is known to
 * be on EasyDeL already).
 *
 *   cc embed.c $(pkg-config --cflags --libs covengine) -o embed && ./embed
 */
#include <covengine.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads the JSON report given as the script's argument and writes the
 * phase-1 family names, one a line. */
static const char pick[] =
    "local cov = require 'covengine'\n"
    "local report = cov.json.decode((...))\n"
    "for _, p in ipairs(report.phases) do\n"
    "  if p.number == 1 then\n"
    "    for _, name in ipairs(p.families) do cov.write(name, '\\n') end\n"
    "  end\n"
    "end\n";

static int fail(const cov_error *err)
{
    char line[2200];
    fprintf(stderr, "embed: %s\n", cov_error_format(err, line, sizeof line));
    return 1;
}

int main(void)
{
    cov_error err;
    char rules[4096];
    cov_engine *e = cov_engine_new(); /* rules run sandboxed, default limits */
    if (!e) {
        fputs("embed: out of memory\n", stderr);
        return 1;
    }
    if (cov_load_snapshot(e, COV_HEAD, &err) != COV_OK)
        return fail(&err);
    if (cov_default_rules(rules, sizeof rules) != COV_OK) {
        fprintf(stderr, "embed: no installed rules at %s\n", rules);
        return 1;
    }
    if (cov_engine_set_option(e, "format", "json") != COV_OK ||
        cov_run_rules(e, rules, 0, NULL, &err) != COV_OK)
        return fail(&err);

    /* The report belongs to the engine until its next run: copy it before
     * passing it to the next script. */
    size_t len;
    const char *report = cov_report(e, &len);
    char *json = malloc(len + 1);
    if (!json)
        return 1;
    memcpy(json, report, len + 1);
    const char *args[] = {json};
    int rc = cov_run_rules_buffer(e, "pick.lua", pick, sizeof pick - 1, 1, args, &err);
    free(json);
    if (rc != COV_OK)
        return fail(&err);
    fputs(cov_report(e, NULL), stdout);
    cov_engine_free(e);
    return 0;
}
