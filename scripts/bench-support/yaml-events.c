/* Reads a YAML file with libyaml's event parser and does nothing with the events: the floor for any loader built
 * on libyaml. scripts/bench compares `mitto-policy validate` with it. Usage: yaml-events FILE [RUNS]; prints the
 * median wall time of RUNS parses (5) in milliseconds and the number of events. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <yaml.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: yaml-events FILE [RUNS]\n");
        return 64;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    if (runs < 1 || runs > 100) runs = 5;
    FILE *file = fopen(argv[1], "rb");
    if (!file) {
        perror(argv[1]);
        return 66;
    }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    unsigned char *bytes = malloc(size > 0 ? size : 1);
    if (fread(bytes, 1, size, file) != (size_t)size) {
        perror(argv[1]);
        return 66;
    }
    fclose(file);
    double times[100];
    long events = 0;
    for (int run = 0; run < runs; run++) {
        double start = now_ms();
        yaml_parser_t parser;
        yaml_parser_initialize(&parser);
        yaml_parser_set_input_string(&parser, bytes, size);
        events = 0;
        for (;;) {
            yaml_event_t event;
            if (!yaml_parser_parse(&parser, &event)) {
                fprintf(stderr, "yaml-events: %s at line %zu\n", parser.problem, parser.problem_mark.line + 1);
                return 65;
            }
            int done = event.type == YAML_STREAM_END_EVENT;
            yaml_event_delete(&event);
            events++;
            if (done) break;
        }
        yaml_parser_delete(&parser);
        times[run] = now_ms() - start;
    }
    qsort(times, runs, sizeof times[0], compare);
    printf("%.1f %ld\n", times[runs / 2], events);
    free(bytes);
    return 0;
}
