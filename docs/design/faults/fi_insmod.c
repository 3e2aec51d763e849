/* fi_insmod FILE [PARAMS...]: finit_module() once, no fallback to
 * init_module() (busybox insmod retries with init_module() after any
 * failure, which hides an injected failure). Exit 0 on success, else 1
 * with the error. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char params[4096] = "";
	int fd, i;

	if (argc < 2) {
		fprintf(stderr, "usage: fi_insmod FILE [PARAM=VALUE...]\n");
		return 2;
	}
	for (i = 2; i < argc; i++) {
		if (i > 2)
			strncat(params, " ", sizeof(params) - strlen(params) - 1);
		strncat(params, argv[i], sizeof(params) - strlen(params) - 1);
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0 || syscall(SYS_finit_module, fd, params, 0) != 0) {
		fprintf(stderr, "fi_insmod: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	return 0;
}
