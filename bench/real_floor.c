/* The floor a whole covengine run on a real tree is held to (issue 15,
 * target 2), in one program: libyaml's event parse of every YAML file given,
 * doing nothing with the events; cJSON's parse of the EasyDeL manifest; and
 * the walk of a tt-forge-models tree reading every file whose name ends in
 * SUFFIX whole into memory (bench/floor_walk.c, as bench/read_floor.c).
 * usage: real_floor [--json MANIFEST] [--py DIR [--suffix SUFFIX]] YAML...
 * SUFFIX defaults to "loader.py", the files covengine's scan reads; ".py"
 * reads every Python file of the tree. */
#include "floor_walk.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static unsigned long events;

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
        char *text = floor_slurp(json, &len);
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
    floor_count n = {0, 0};
    if (py && floor_walk(py, suffix, &n))
        return 2;
    printf("%lu events, %lu manifest items, %lu files, %lu bytes\n", events, items, n.files,
           n.bytes);
    return 0;
}
