/* The floor a whole covengine run on a real tree is held to (issue 15,
 * target 2), in one program: libyaml's event parse of every YAML file given,
 * doing nothing with the events; cJSON's parse of the EasyDeL manifest; and
 * the walk of a tt-forge-models tree reading every file whose name ends in
 * SUFFIX whole into memory (the same walk as bench/read_floor.c: hidden
 * directories and __pycache__ skipped, symbolic links not followed).
 * usage: real_floor [--json MANIFEST] [--py DIR [--suffix SUFFIX]] YAML...
 * SUFFIX defaults to "loader.py", the files covengine's scan reads; ".py"
 * reads every Python file of the tree. */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

static unsigned long events, files, bytes;

/* The whole file in a NUL-terminated buffer the caller frees, or NULL. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct stat st;
    char *buf = NULL;
    if (fstat(fileno(f), &st) == 0 && (buf = malloc((size_t)st.st_size + 1))) {
        *len = fread(buf, 1, (size_t)st.st_size, f);
        buf[*len] = '\0';
    }
    fclose(f);
    return buf;
}

static int parse_yaml(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 2;
    }
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    int rc = 0;
    for (int done = 0; !done;) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            fprintf(stderr, "%s: %s\n", path, parser.problem);
            rc = 2;
            break;
        }
        done = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
        events++;
    }
    yaml_parser_delete(&parser);
    fclose(f);
    return rc;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int walk(const char *dir, const char *suffix)
{
    DIR *dh = opendir(dir);
    if (!dh) {
        perror(dir);
        return 2;
    }
    int rc = 0;
    for (struct dirent *de; rc == 0 && (de = readdir(dh));) {
        if (de->d_name[0] == '.' || strcmp(de->d_name, "__pycache__") == 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (lstat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            rc = walk(path, suffix);
        } else if (S_ISREG(st.st_mode) && ends_with(de->d_name, suffix)) {
            size_t len = 0;
            char *buf = slurp(path, &len);
            if (!buf) {
                fprintf(stderr, "%s: cannot read\n", path);
                rc = 2;
            }
            files++;
            bytes += len;
            free(buf);
        }
    }
    closedir(dh);
    return rc;
}

int main(int argc, char **argv)
{
    const char *json = NULL, *py = NULL, *suffix = "loader.py";
    int first = 1;
    for (; first + 1 < argc && strncmp(argv[first], "--", 2) == 0; first += 2) {
        if (strcmp(argv[first], "--json") == 0)
            json = argv[first + 1];
        else if (strcmp(argv[first], "--py") == 0)
            py = argv[first + 1];
        else if (strcmp(argv[first], "--suffix") == 0)
            suffix = argv[first + 1];
        else
            break;
    }
    if (first >= argc || strncmp(argv[first], "--", 2) == 0) {
        fputs("usage: real_floor [--json MANIFEST] [--py DIR [--suffix SUFFIX]] YAML...\n",
              stderr);
        return 2;
    }
    for (int i = first; i < argc; i++)
        if (parse_yaml(argv[i]))
            return 2;
    unsigned long items = 0;
    if (json) {
        size_t len = 0;
        char *text = slurp(json, &len);
        cJSON *doc = text ? cJSON_ParseWithLength(text, len) : NULL;
        if (!doc) {
            fprintf(stderr, "%s: cannot read or parse\n", json);
            free(text);
            return 2;
        }
        items = (unsigned long)cJSON_GetArraySize(doc);
        cJSON_Delete(doc);
        free(text);
    }
    if (py && walk(py, suffix))
        return 2;
    printf("%lu events, %lu manifest items, %lu files, %lu bytes\n", events, items, files,
           bytes);
    return 0;
}
