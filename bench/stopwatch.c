// SPDX-License-Identifier: GPL-2.0
/*
 * stopwatch CMD [ARG...] - run CMD, its output thrown away, and print
 * "<ns> <status>": the time it took (CLOCK_MONOTONIC) and its exit status
 * (bench/apply runs it in the guest).  Built static on the host.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long long start;
	int status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: stopwatch CMD [ARG...]\n");
		return 2;
	}
	start = now_ns();
	pid = fork();
	if (pid < 0) {
		perror("stopwatch: fork");
		return 2;
	}
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[1], argv + 1);
		perror("stopwatch: exec");
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("stopwatch: waitpid");
		return 2;
	}
	printf("%lld %d\n", now_ns() - start,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128);
	return 0;
}
