// SPDX-License-Identifier: GPL-2.0
/*
 * sleepers N - start N threads that sleep until killed, print "ready N"
 * once all of them exist, and sleep too (bench/pause runs it in the
 * guest).  Built static on the host.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_attr_t attr;
	pthread_t t;
	long i, n;
	int err;

	if (argc != 2 || (n = strtol(argv[1], NULL, 10)) < 0) {
		fprintf(stderr, "usage: sleepers N\n");
		return 2;
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 16384);
	for (i = 0; i < n; i++) {
		err = pthread_create(&t, &attr, sleeper, NULL);
		if (err) {
			fprintf(stderr, "sleepers: thread %ld: %s\n", i,
				strerror(err));
			return 1;
		}
	}
	printf("ready %ld\n", n);
	fflush(stdout);
	for (;;)
		pause();
}
