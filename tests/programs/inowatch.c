// SPDX-License-Identifier: GPL-2.0
/*
 * inowatch - watch a directory with inotify and print the "inotify" line
 * of the watch's /proc/self/fdinfo entry (its mask as the kernel reports
 * it).  Built static on the host for the test guests.
 */
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>

int main(int argc, char **argv)
{
	char path[64], line[512];
	FILE *f;
	int fd;

	fd = inotify_init1(0);
	if (fd < 0 || inotify_add_watch(fd, argc > 1 ? argv[1] : "/tmp",
					IN_CREATE | IN_DELETE) < 0) {
		perror("inotify");
		return 1;
	}
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f) {
		perror(path);
		return 1;
	}
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "inotify ", 8))
			fputs(line, stdout);
	fclose(f);
	return 0;
}
