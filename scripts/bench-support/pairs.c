/* Send+verify pairs against mitto-emulator: CONNECTIONS keep-alive connections shared by THREADS threads (one epoll
 * loop each), every connection sending a code to a number of its own and then verifying it, until SECONDS pass or
 * MAX_PAIRS (0: no bound) pairs are done. Prints the BENCH-RESULT line scripts/bench reads from wrk's script.
 *
 *   pairs HOST PORT CONNECTIONS THREADS SECONDS MAX_PAIRS PREFIX AUTHORIZATION
 *
 * wrk keeps its Lua state per thread, so a send and its verify need a thread per connection; on two cores, 32 wrk
 * threads spend as much time switching as sending. Here a connection's state is its own, and two threads carry 32
 * connections. Loopback only: HOST must be 127.0.0.1. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUCKETS 200000 /* 10 us each: pair latencies up to 2 s, longer ones in the last bucket */
#define BUFFER 16384

struct connection {
    int fd, id, verifying, thread;
    long counter;
    double began, sent;
    char in[BUFFER];
    size_t in_length;
    char out[1024];
    size_t out_length, out_sent;
    char request_id[64];
};

struct worker {
    pthread_t thread;
    int epoll, count;
    struct connection *connections;
    uint32_t *histogram, *requests_histogram;
    long pairs, requests, errors_status, errors_socket, errors_parse;
};

static const char *host, *prefix, *authorization;
static int port;
static long max_pairs;
static _Atomic double deadline;
static atomic_long pairs_done;

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void prepare(struct connection *c) {
    char body[256];
    int length;
    if (!c->verifying) {
        c->counter++;
        c->began = now_us();
        length = snprintf(body, sizeof body,
                          "{\"channel\":\"sms\",\"service\":\"bench\",\"to\":\"+41%s%03d%07ld\",\"from\":\"ACME\","
                          "\"body\":\"Code {code}\",\"code\":\"135790\"}",
                          prefix, c->id, c->counter);
    } else {
        length = snprintf(body, sizeof body, "{\"requestID\":\"%s\",\"code\":\"135790\"}", c->request_id);
    }
    c->out_length = (size_t)snprintf(c->out, sizeof c->out,
                                     "POST /2fa/%s HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: %s\r\n"
                                     "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
                                     c->verifying ? "verify" : "send", host, port, authorization, length, body);
    /* main() bounds PREFIX and AUTHORIZATION so that both always fit. */
    if (length < 0 || length >= (int)sizeof body || c->out_length >= sizeof c->out) abort();
    c->out_sent = 0;
    c->sent = now_us();
}

static int connect_one(struct worker *w, struct connection *c) {
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, host, &address.sin_addr);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (struct sockaddr *)&address, sizeof address) != 0) return -1;
    struct epoll_event event = {.events = EPOLLIN, .data.ptr = c};
    epoll_ctl(w->epoll, EPOLL_CTL_ADD, c->fd, &event);
    return 0;
}

static int send_pending(struct connection *c) {
    while (c->out_sent < c->out_length) {
        ssize_t n = write(c->fd, c->out + c->out_sent, c->out_length - c->out_sent);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        c->out_sent += (size_t)n;
    }
    return 0;
}

/* The length of the first whole response in the buffer, 0 when more must be read, -1 when it cannot be read. */
static long response_length(struct connection *c, int *status, const char **body, size_t *body_length) {
    c->in[c->in_length] = 0;
    char *end = strstr(c->in, "\r\n\r\n");
    if (!end) return c->in_length >= BUFFER - 1 ? -1 : 0;
    if (sscanf(c->in, "HTTP/1.1 %d", status) != 1) return -1;
    long content = 0;
    for (char *line = strstr(c->in, "\r\n"); line && line < end; line = strstr(line + 2, "\r\n")) {
        if (strncasecmp(line + 2, "content-length:", 15) == 0) content = atol(line + 17);
    }
    if (content < 0 || content >= BUFFER) return -1;
    long total = (end + 4 - c->in) + content;
    if (total >= BUFFER) return -1;
    if ((long)c->in_length < total) return 0;
    *body = end + 4;
    *body_length = (size_t)content;
    return total;
}

static void *run(void *argument) {
    struct worker *w = argument;
    struct epoll_event events[64];
    for (int i = 0; i < w->count; i++) {
        prepare(&w->connections[i]);
        if (send_pending(&w->connections[i]) != 0) w->errors_socket++;
    }
    int open = w->count;
    while (open > 0) {
        int ready = epoll_wait(w->epoll, events, 64, 100);
        if (now_us() > deadline) break;
        for (int e = 0; e < ready; e++) {
            struct connection *c = events[e].data.ptr;
            ssize_t n = read(c->fd, c->in + c->in_length, BUFFER - 1 - c->in_length);
            if (n <= 0) {
                if (n < 0 && errno == EINTR) continue;
                w->errors_socket++;
                epoll_ctl(w->epoll, EPOLL_CTL_DEL, c->fd, NULL);
                close(c->fd);
                open--;
                continue;
            }
            c->in_length += (size_t)n;
            int status = 0;
            const char *body = NULL;
            size_t body_length = 0;
            long length = response_length(c, &status, &body, &body_length);
            if (length == 0) continue;
            if (length < 0) {
                /* The rest of that answer may still be on its way: the connection cannot be read in step again. */
                w->errors_parse++;
                epoll_ctl(w->epoll, EPOLL_CTL_DEL, c->fd, NULL);
                close(c->fd);
                open--;
                continue;
            } else {
                w->requests++;
                long request_bucket = (long)((now_us() - c->sent) / 10);
                w->requests_histogram[request_bucket < BUCKETS ? request_bucket : BUCKETS - 1]++;
                if (status != 200) {
                    w->errors_status++;
                    c->verifying = 0;
                } else if (!c->verifying) {
                    char *found = memmem(body, body_length, "\"requestID\":\"", 13);
                    char *close_quote = found ? memchr(found + 13, '"', body_length - (size_t)(found + 13 - body)) : NULL;
                    if (close_quote && close_quote - (found + 13) < (long)sizeof c->request_id) {
                        memcpy(c->request_id, found + 13, (size_t)(close_quote - (found + 13)));
                        c->request_id[close_quote - (found + 13)] = 0;
                        c->verifying = 1;
                    } else {
                        w->errors_parse++;
                    }
                } else {
                    c->verifying = 0;
                    long bucket = (long)((now_us() - c->began) / 10);
                    w->histogram[bucket < BUCKETS ? bucket : BUCKETS - 1]++;
                    w->pairs++;
                    long done = atomic_fetch_add(&pairs_done, 1) + 1;
                    if (max_pairs > 0 && done >= max_pairs) deadline = 0;
                }
                memmove(c->in, c->in + length, c->in_length - (size_t)length);
                c->in_length -= (size_t)length;
            }
            if (now_us() > deadline) continue;
            prepare(c);
            if (send_pending(c) != 0) w->errors_socket++;
        }
    }
    return NULL;
}

static double percentile(uint32_t *histogram, long total, double share) {
    if (total == 0) return 0;
    long rank = (long)(share * total + 0.999999), seen = 0;
    if (rank < 1) rank = 1;
    for (long b = 0; b < BUCKETS; b++) {
        seen += histogram[b];
        if (seen >= rank) return b / 100.0;
    }
    return BUCKETS / 100.0;
}

int main(int argc, char **argv) {
    if (argc != 9) {
        fprintf(stderr, "usage: pairs HOST PORT CONNECTIONS THREADS SECONDS MAX_PAIRS PREFIX AUTHORIZATION\n");
        return 64;
    }
    host = argv[1];
    port = atoi(argv[2]);
    int connections = atoi(argv[3]), threads = atoi(argv[4]);
    double seconds = atof(argv[5]);
    max_pairs = atol(argv[6]);
    prefix = argv[7];
    authorization = argv[8];
    if (strcmp(host, "127.0.0.1") != 0 || connections < 1 || connections > 4096 || threads < 1 ||
        !(seconds > 0 && seconds <= 3600) || strlen(prefix) > 16 || strlen(authorization) > 512) {
        fprintf(stderr, "pairs: HOST must be 127.0.0.1, CONNECTIONS 1 to 4096, THREADS at least 1, SECONDS above 0 and "
                        "up to 3600, PREFIX at most 16 bytes and AUTHORIZATION at most 512\n");
        return 64;
    }
    if (threads > connections) threads = connections;
    struct worker *workers = calloc((size_t)threads, sizeof *workers);
    struct connection *all = calloc((size_t)connections, sizeof *all);
    if (!workers || !all) {
        fprintf(stderr, "pairs: out of memory\n");
        return 1;
    }
    for (int i = 0; i < connections; i++) all[i].id = i + 1;
    int next = 0;
    for (int t = 0; t < threads; t++) {
        struct worker *w = &workers[t];
        w->count = connections / threads + (t < connections % threads);
        w->connections = all + next;
        next += w->count;
        w->epoll = epoll_create1(0);
        w->histogram = calloc(BUCKETS, sizeof(uint32_t));
        w->requests_histogram = calloc(BUCKETS, sizeof(uint32_t));
        if (w->epoll < 0 || !w->histogram || !w->requests_histogram) {
            fprintf(stderr, "pairs: cannot set up thread %d: %s\n", t, strerror(errno));
            return 1;
        }
        for (int i = 0; i < w->count; i++) {
            if (connect_one(w, &w->connections[i]) != 0) {
                fprintf(stderr, "pairs: cannot connect to %s:%d: %s\n", host, port, strerror(errno));
                return 1;
            }
        }
    }
    double started = now_us();
    deadline = started + seconds * 1e6;
    for (int t = 0; t < threads; t++) pthread_create(&workers[t].thread, NULL, run, &workers[t]);
    for (int t = 0; t < threads; t++) pthread_join(workers[t].thread, NULL);
    double duration = now_us() - started;
    long pairs = 0, requests = 0, status = 0, sockets = 0, parse = 0;
    uint32_t *histogram = calloc(BUCKETS, sizeof(uint32_t)), *requests_histogram = calloc(BUCKETS, sizeof(uint32_t));
    if (!histogram || !requests_histogram) {
        fprintf(stderr, "pairs: out of memory\n");
        return 1;
    }
    for (int t = 0; t < threads; t++) {
        pairs += workers[t].pairs;
        requests += workers[t].requests;
        status += workers[t].errors_status;
        sockets += workers[t].errors_socket;
        parse += workers[t].errors_parse;
        for (long b = 0; b < BUCKETS; b++) {
            histogram[b] += workers[t].histogram[b];
            requests_histogram[b] += workers[t].requests_histogram[b];
        }
    }
    printf("BENCH-RESULT {\"pairs\":%ld,\"durationUs\":%.0f,\"requests\":%ld,\"pairP50Ms\":%.2f,\"pairP99Ms\":%.2f,"
           "\"requestP50Ms\":%.2f,\"requestP99Ms\":%.2f,\"errorKinds\":{",
           pairs, duration, requests, percentile(histogram, pairs, 0.5), percentile(histogram, pairs, 0.99),
           percentile(requests_histogram, requests, 0.5), percentile(requests_histogram, requests, 0.99));
    const char *separator = "";
    if (status) printf("%s\"status\":%ld", separator, status), separator = ",";
    if (sockets) printf("%s\"socket\":%ld", separator, sockets), separator = ",";
    if (parse) printf("%s\"unreadable answer\":%ld", separator, parse);
    printf("}}\n");
    return 0;
}
