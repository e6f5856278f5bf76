/* Runs a command and writes its peak resident memory in KiB to a file: maxrss OUT COMMAND [ARG...].
 *
 * scripts/bench cannot take the figure from its own wait4: Linux carries the forking process's resident size over
 * exec into the child's ru_maxrss, so every command started from the (large) Python process would report at least
 * the Python process's size. Started from this small process, the floor is this process's size, about 1 MB.
 * The command gets SIGKILL if this process dies, and its exit status is passed on (128 + n for a signal). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: maxrss OUT COMMAND [ARG...]\n");
        return 64;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 71;
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        execvp(argv[2], argv + 2);
        perror(argv[2]);
        _exit(127);
    }
    int status = 0;
    struct rusage usage;
    if (wait4(pid, &status, 0, &usage) < 0) {
        perror("wait4");
        return 71;
    }
    FILE *out = fopen(argv[1], "w");
    if (out) {
        fprintf(out, "%ld\n", usage.ru_maxrss);
        fclose(out);
    }
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
