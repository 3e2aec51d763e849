// SPDX-License-Identifier: MIT
/*
 * kmodstress: stress and model checks run inside the QEMU guest by the
 * kernel suite (built static, copied into the initramfs). Every mode prints
 * its seed and figures, one "FAIL ..." line per problem, and a last line
 * "RESULT PASS|FAIL ..."; the exit status is 0 only on PASS.
 *
 *   chardev-model DEV SIZE MAGIC SEED OPS
 *	OPS random open/close/read/write/pread/pwrite/llseek/ioctl calls on
 *	one device from one process, every result and every byte checked
 *	against a model of the documented semantics (a small file of at most
 *	SIZE bytes; see the generated README).
 *   chardev-shared DEV SIZE MAGIC SEED OPS PROCS
 *	PROCS processes at once on the same device, OPS calls in all; where
 *	interleaving makes results unknowable, invariants are checked: bytes
 *	read are zero or written by one of the processes, lengths and
 *	positions stay within the buffer, errors are the documented ones.
 *   unload-busy DEV NAME MS
 *	Two processes do I/O on DEV for MS milliseconds while this one keeps
 *	trying to remove module NAME: every attempt must fail while a file is
 *	open, and the removal must succeed once they are done.
 *   modcycle KO NAME COUNT [PARAMS]
 *	COUNT times load KO (finit_module) and remove NAME (delete_module).
 *   bindcycle DRIVER_DIR DEVICE COUNT ATTR
 *	COUNT unbind/bind cycles of DEVICE through DRIVER_DIR while a second
 *	process keeps reading the sysfs attribute ATTR of the device.
 *   ethtool IFNAME
 *	The interface's ethtool driver information and link state
 *	(ETHTOOL_GDRVINFO, ETHTOOL_GLINK), as "driver=... version=... link=N".
 *   pingflood ADDR MS
 *	ICMP echo requests to the IPv4 address ADDR as fast as they go for MS
 *	milliseconds (a raw socket), counting the replies; send errors (the
 *	interface going away) are counted, not fatal. PASS when replies came.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/ioctl.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static unsigned long long rng_state;
static int failures;

/* The last operations of chardev-model, printed with a failure. */
#define TRACE_LEN 12
static char trace[TRACE_LEN][96];
static long trace_n;

static void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(trace[trace_n++ % TRACE_LEN], sizeof(trace[0]), fmt, ap);
	va_end(ap);
}

static void print_trace(void)
{
	long i = trace_n > TRACE_LEN ? trace_n - TRACE_LEN : 0;

	for (; i < trace_n; i++)
		printf("TRACE %s\n", trace[i % TRACE_LEN]);
}

static unsigned long long rnd(void)
{
	/* xorshift64*: small, seedable, good enough to pick operations. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static long range(long lo, long hi)
{
	return lo + (long)(rnd() % (unsigned long long)(hi - lo + 1));
}

static void fail(const char *fmt, ...)
{
	va_list ap;

	failures++;
	if (failures > 20)
		return;
	printf("FAIL ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static int result(const char *what)
{
	printf("RESULT %s %s\n", failures ? "FAIL" : "PASS", what);
	fflush(stdout);
	return failures ? 1 : 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The driver's ioctls, from its UAPI header: built from the magic at run time. */
struct ioctls {
	unsigned long get_len, get_size, clear, unknown, foreign;
};

static struct ioctls ioctls_for(unsigned int magic)
{
	struct ioctls io = {
		.get_len = _IOR(magic, 1, uint64_t),
		.get_size = _IOR(magic, 2, uint64_t),
		.clear = _IO(magic, 3),
		.unknown = _IO(magic, 99),
		.foreign = _IOR(magic ^ 0x5a, 1, uint64_t),
	};
	return io;
}

#define MAX_FDS 3

struct model_fd {
	int fd;
	int mode;	/* O_RDONLY, O_WRONLY or O_RDWR */
	long pos;
};

struct model {
	unsigned char *data;	/* what the device holds; zero past len */
	long len;
	long size;
	struct model_fd fds[MAX_FDS];
	int nfds;
};

static const char *mode_name(int mode)
{
	return mode == O_RDONLY ? "r" : mode == O_WRONLY ? "w" : "rw";
}

static int readable(int mode)
{
	return mode != O_WRONLY;
}

static int writable(int mode)
{
	return mode != O_RDONLY;
}

/* Checks one call's outcome: ret/err against the expected value or errno. */
static int expect(long op, const char *what, long ret, int err, long want, int want_err)
{
	if (want_err) {
		if (ret != -1 || err != want_err) {
			fail("op %ld %s: got %ld (%s), want error %s", op, what, ret,
			     ret == -1 ? strerror(err) : "ok", strerror(want_err));
			return 0;
		}
		return 1;
	}
	if (ret != want) {
		fail("op %ld %s: got %ld (%s), want %ld", op, what, ret, ret == -1 ? strerror(err) : "ok", want);
		return 0;
	}
	return 1;
}

static long min_l(long a, long b)
{
	return a < b ? a : b;
}

static long max_l(long a, long b)
{
	return a > b ? a : b;
}

/* Model of a read of count bytes at pos: the bytes and the count. */
static long model_read(struct model *m, long pos, long count)
{
	if (pos >= m->len)
		return 0;
	return min_l(count, m->len - pos);
}

static long model_write(struct model *m, long pos, const unsigned char *buf, long count, int *err)
{
	long n;

	*err = 0;
	if (count == 0)
		return 0;
	if (pos >= m->size) {
		*err = ENOSPC;
		return -1;
	}
	n = min_l(count, m->size - pos);
	memcpy(m->data + pos, buf, n);
	m->len = max_l(m->len, pos + n);
	return n;
}

static void model_clear(struct model *m)
{
	memset(m->data, 0, m->size);
	m->len = 0;
}

static int chardev_model(const char *dev, long size, unsigned int magic, unsigned long long seed, long ops)
{
	struct ioctls io = ioctls_for(magic);
	struct model m = { .size = size };
	unsigned char *buf = malloc(size + 64), *got = malloc(size + 64);
	long op, counts[10] = { 0 };
	int fd;

	rng_state = seed ? seed : 1;
	printf("SEED %llu chardev-model %s size=%ld ops=%ld\n", seed, dev, size, ops);
	m.data = calloc(size, 1);
	/* Start from a known state: empty. */
	fd = open(dev, O_WRONLY | O_TRUNC);
	if (fd < 0) {
		fail("open %s: %s", dev, strerror(errno));
		return result("chardev-model");
	}
	close(fd);

	for (op = 0; op < ops && failures == 0; op++) {
		int kind = (int)range(0, 9);
		struct model_fd *f;
		long ret, want, count, off;
		int err, want_err, slot;
		uint64_t value;

		if (m.nfds == 0 || (kind == 0 && m.nfds < MAX_FDS)) {
			int modes[] = { O_RDONLY, O_WRONLY, O_RDWR };
			int mode = modes[range(0, 2)];
			int trunc = range(0, 3) == 0;

			fd = open(dev, mode | (trunc ? O_TRUNC : 0));
			if (fd < 0) {
				fail("op %ld open %s%s: %s", op, mode_name(mode), trunc ? "+trunc" : "", strerror(errno));
				break;
			}
			/* As for a file: O_TRUNC empties it when the open may write. */
			if (mode != O_RDONLY && trunc)
				model_clear(&m);
			note("op %ld open %s%s -> fd %d", op, mode_name(mode), trunc ? "+trunc" : "", fd);
			m.fds[m.nfds++] = (struct model_fd){ .fd = fd, .mode = mode, .pos = 0 };
			counts[0]++;
			continue;
		}
		slot = (int)range(0, m.nfds - 1);
		f = &m.fds[slot];
		counts[kind]++;
		note("op %ld kind %d on fd %d (%s, pos %ld), model len %ld", op, kind, f->fd, mode_name(f->mode), f->pos,
		     m.len);
		switch (kind) {
		case 0:
		case 1: /* close */
			close(f->fd);
			m.fds[slot] = m.fds[--m.nfds];
			break;
		case 2: /* read */
			count = range(0, 3) ? range(0, 64) : range(0, size + 16);
			errno = 0;
			ret = read(f->fd, got, count);
			err = errno;
			want = readable(f->mode) ? model_read(&m, f->pos, count) : -1;
			if (!expect(op, "read", ret, err, want, readable(f->mode) ? 0 : EBADF))
				break;
			if (ret > 0 && memcmp(got, m.data + f->pos, ret)) {
				fail("op %ld read %ld at %ld: bytes differ from the model", op, ret, f->pos);
				break;
			}
			if (ret > 0)
				f->pos += ret;
			break;
		case 3: /* write */
			count = range(0, 3) ? range(0, 64) : range(0, size + 16);
			for (long i = 0; i < count; i++)
				buf[i] = (unsigned char)rnd();
			errno = 0;
			ret = write(f->fd, buf, count);
			err = errno;
			if (!writable(f->mode)) {
				expect(op, "write", ret, err, -1, EBADF);
				break;
			}
			want = model_write(&m, f->pos, buf, count, &want_err);
			if (expect(op, "write", ret, err, want, want_err) && ret > 0)
				f->pos += ret;
			break;
		case 4: /* pread */
			count = range(0, 64);
			off = range(-2, size + 8);
			errno = 0;
			ret = pread(f->fd, got, count, off);
			err = errno;
			/* The kernel checks the offset before the file mode. */
			want_err = off < 0 ? EINVAL : !readable(f->mode) ? EBADF : 0;
			want = want_err ? -1 : model_read(&m, off, count);
			if (expect(op, "pread", ret, err, want, want_err) && ret > 0 && memcmp(got, m.data + off, ret))
				fail("op %ld pread %ld at %ld: bytes differ from the model", op, ret, off);
			break;
		case 5: /* pwrite */
			count = range(0, 64);
			off = range(-2, size + 8);
			for (long i = 0; i < count; i++)
				buf[i] = (unsigned char)rnd();
			errno = 0;
			ret = pwrite(f->fd, buf, count, off);
			err = errno;
			if (!writable(f->mode) || off < 0) {
				expect(op, "pwrite", ret, err, -1, off < 0 ? EINVAL : EBADF);
				break;
			}
			want = model_write(&m, off, buf, count, &want_err);
			expect(op, "pwrite", ret, err, want, want_err);
			break;
		case 6: /* llseek */ {
			int whence = (int)range(0, 2);
			long base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? f->pos : m.len;
			long target;

			off = range(-size - 4, size + 4);
			if (range(0, 2) == 0)
				off = range(-8, 8);
			target = base + off;
			errno = 0;
			ret = lseek(f->fd, off, whence);
			err = errno;
			/* SEEK_CUR by 0 only reports the position. */
			if (whence == SEEK_CUR && off == 0)
				want_err = 0, target = f->pos;
			else
				want_err = target < 0 || target > size ? EINVAL : 0;
			if (expect(op, whence == SEEK_SET ? "lseek SET" : whence == SEEK_CUR ? "lseek CUR" : "lseek END",
				   ret, err, want_err ? -1 : target, want_err) && !want_err)
				f->pos = target;
			break;
		}
		case 7: /* GET_LEN, GET_SIZE */
			value = ~0ULL;
			if (range(0, 1)) {
				ret = ioctl(f->fd, io.get_len, &value);
				if (ret != 0 || value != (uint64_t)m.len)
					fail("op %ld GET_LEN: ret %ld value %llu, want %ld", op, ret,
					     (unsigned long long)value, m.len);
			} else {
				ret = ioctl(f->fd, io.get_size, &value);
				if (ret != 0 || value != (uint64_t)size)
					fail("op %ld GET_SIZE: ret %ld value %llu, want %ld", op, ret,
					     (unsigned long long)value, size);
			}
			break;
		case 8: /* CLEAR */
			errno = 0;
			ret = ioctl(f->fd, io.clear);
			err = errno;
			if (expect(op, "CLEAR", ret, err, 0, writable(f->mode) ? 0 : EBADF) && writable(f->mode))
				model_clear(&m);
			break;
		case 9: /* unknown and foreign ioctls */
			errno = 0;
			ret = ioctl(f->fd, range(0, 1) ? io.unknown : io.foreign, &value);
			err = errno;
			expect(op, "unknown ioctl", ret, err, -1, ENOTTY);
			break;
		}
	}
	if (failures)
		print_trace();
	while (m.nfds)
		close(m.fds[--m.nfds].fd);
	/* The device must hold exactly what the model says. */
	fd = open(dev, O_RDONLY);
	if (fd >= 0 && failures == 0) {
		long n = read(fd, got, size + 1);

		if (n != m.len || memcmp(got, m.data, m.len))
			fail("final contents: %ld bytes, model %ld (or bytes differ)", n, m.len);
		close(fd);
	}
	printf("ops open=%ld close=%ld read=%ld write=%ld pread=%ld pwrite=%ld llseek=%ld get=%ld clear=%ld bad_ioctl=%ld\n",
	       counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6], counts[7], counts[8],
	       counts[9]);
	printf("done %ld ops\n", op);
	return result("chardev-model");
}

/* One of the shared-device processes: proc writes bytes proc + 1 only. */
static int shared_worker(const char *dev, long size, unsigned int magic, unsigned long long seed, long ops, int proc,
			 int procs)
{
	struct ioctls io = ioctls_for(magic);
	unsigned char *buf = malloc(size + 64);
	int modes[] = { O_RDONLY, O_WRONLY, O_RDWR };
	int mode = modes[proc % 3];
	int fd = open(dev, mode);
	long op, pos = 0;

	rng_state = seed * 1000003ULL + (unsigned long long)proc + 1;
	if (fd < 0) {
		fail("proc %d open: %s", proc, strerror(errno));
		return 1;
	}
	for (op = 0; op < ops && failures == 0; op++) {
		long ret, count = range(0, 48);
		uint64_t value;
		int err;

		switch (range(0, 5)) {
		case 0: /* read: only zeros and bytes the processes write */
			errno = 0;
			ret = read(fd, buf, count);
			err = errno;
			if (!readable(mode)) {
				expect(op, "shared read", ret, err, -1, EBADF);
				break;
			}
			if (ret < 0 || ret > count || pos + ret > size) {
				fail("proc %d op %ld read %ld at %ld: got %ld (%s)", proc, op, count, pos, ret, strerror(err));
				break;
			}
			for (long i = 0; i < ret; i++) {
				if (buf[i] > procs) {
					fail("proc %d op %ld read byte %u that nobody wrote", proc, op, buf[i]);
					break;
				}
			}
			pos += ret;
			break;
		case 1: /* write */
			memset(buf, proc + 1, count);
			errno = 0;
			ret = write(fd, buf, count);
			err = errno;
			if (!writable(mode)) {
				expect(op, "shared write", ret, err, -1, EBADF);
				break;
			}
			if (ret == -1 && err == ENOSPC && pos >= size && count > 0)
				break;
			if (ret < 0 || ret > count || pos + ret > size) {
				fail("proc %d op %ld write %ld at %ld: got %ld (%s)", proc, op, count, pos, ret, strerror(err));
				break;
			}
			pos += ret;
			break;
		case 2: /* seek: within the buffer always works */ {
			long target = range(0, size);

			ret = lseek(fd, target, SEEK_SET);
			if (ret != target)
				fail("proc %d op %ld lseek %ld: got %ld (%s)", proc, op, target, ret, strerror(errno));
			pos = target;
			break;
		}
		case 3:
			ret = ioctl(fd, io.get_len, &value);
			if (ret != 0 || value > (uint64_t)size)
				fail("proc %d op %ld GET_LEN: %ld, %llu", proc, op, ret, (unsigned long long)value);
			break;
		case 4:
			if (range(0, 7) == 0 && writable(mode)) {
				ret = ioctl(fd, io.clear);
				if (ret != 0)
					fail("proc %d op %ld CLEAR: %s", proc, op, strerror(errno));
			} else {
				ret = lseek(fd, 0, SEEK_END);
				if (ret < 0 || ret > size)
					fail("proc %d op %ld lseek END: %ld", proc, op, ret);
				pos = ret;
			}
			break;
		case 5: /* reopen */
			close(fd);
			fd = open(dev, mode);
			if (fd < 0)
				fail("proc %d op %ld reopen: %s", proc, op, strerror(errno));
			pos = 0;
			break;
		}
	}
	close(fd);
	return failures ? 1 : 0;
}

static int chardev_shared(const char *dev, long size, unsigned int magic, unsigned long long seed, long ops,
			  int procs)
{
	pid_t pids[16];
	int i, status;

	printf("SEED %llu chardev-shared %s size=%ld ops=%ld procs=%d\n", seed, dev, size, ops, procs);
	fflush(stdout);
	/* Start empty: then every byte read was written by one of the processes. */
	i = open(dev, O_WRONLY | O_TRUNC);
	if (i < 0) {
		fail("open %s: %s", dev, strerror(errno));
		return result("chardev-shared");
	}
	close(i);
	for (i = 0; i < procs; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			exit(shared_worker(dev, size, magic, seed, ops / procs, i, procs));
	}
	for (i = 0; i < procs; i++) {
		if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			fail("process %d failed (status %d)", i, status);
	}
	printf("done %ld ops in %d processes\n", ops / procs * procs, procs);
	return result("chardev-shared");
}

static int delete_module(const char *name)
{
	return (int)syscall(SYS_delete_module, name, O_NONBLOCK);
}

static int load_module(const char *ko, const char *params)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -1;
	ret = (int)syscall(SYS_finit_module, fd, params, 0);
	close(fd);
	return ret;
}

static int unload_busy(const char *dev, const char *name, long ms)
{
	long start = now_ms(), attempts = 0;
	int ready[2], i, status;
	pid_t pids[2];
	char c;

	printf("unload-busy %s %s %ld ms\n", dev, name, ms);
	fflush(stdout);
	if (pipe(ready))
		return 1;
	for (i = 0; i < 2; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			char buf[64] = "in flight";
			int fd = open(dev, O_RDWR);

			if (fd < 0)
				exit(2);
			/* Open: tell the parent, then keep I/O going until the end. */
			if (write(ready[1], "r", 1) != 1)
				exit(5);
			while (now_ms() - start < ms) {
				if (write(fd, buf, sizeof(buf)) < 0 && errno != ENOSPC)
					exit(3);
				if (lseek(fd, 0, SEEK_SET) < 0 || read(fd, buf, sizeof(buf)) < 0)
					exit(4);
			}
			close(fd);
			exit(0);
		}
	}
	close(ready[1]);
	for (i = 0; i < 2; i++) {
		if (read(ready[0], &c, 1) != 1)
			fail("I/O process %d did not open %s", i, dev);
	}
	/* Both files are open until start + ms: try to remove the module until shortly before. */
	while (failures == 0 && now_ms() - start < ms - 300) {
		attempts++;
		if (delete_module(name) == 0) {
			fail("module %s removed while its device was open (attempt %ld)", name, attempts);
			break;
		}
		if (errno != EWOULDBLOCK && errno != EBUSY)
			fail("delete_module %s: unexpected %s", name, strerror(errno));
		usleep(2000);
	}
	for (i = 0; i < 2; i++) {
		if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			fail("I/O process %d failed (status %d)", i, status);
	}
	if (failures == 0 && delete_module(name) != 0)
		fail("delete_module %s after the I/O ended: %s", name, strerror(errno));
	printf("refused %ld removal attempts during I/O\n", attempts);
	if (attempts < 5)
		fail("only %ld removal attempts overlapped the I/O", attempts);
	return result("unload-busy");
}

static int modcycle(const char *ko, const char *name, long count, const char *params)
{
	long i;

	printf("modcycle %s %ld\n", name, count);
	for (i = 0; i < count && failures == 0; i++) {
		if (load_module(ko, params) != 0)
			fail("cycle %ld: load %s: %s", i, ko, strerror(errno));
		else if (delete_module(name) != 0)
			fail("cycle %ld: remove %s: %s", i, name, strerror(errno));
	}
	printf("done %ld cycles\n", i);
	return result("modcycle");
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static volatile sig_atomic_t stop_reader;

static void on_term(int sig)
{
	(void)sig;
	stop_reader = 1;
}

static int bindcycle(const char *driver_dir, const char *device, long count, const char *attr)
{
	char unbind[512], bind[512];
	long i, reads = -1;
	int pipefd[2], status;
	pid_t reader;
	char c;

	snprintf(unbind, sizeof(unbind), "%s/unbind", driver_dir);
	snprintf(bind, sizeof(bind), "%s/bind", driver_dir);
	printf("bindcycle %s %ld, reading %s\n", device, count, attr);
	fflush(stdout);
	if (pipe(pipefd))
		return 1;
	reader = fork();
	if (reader == 0) {
		long ok = 0, gone = 0;
		char buf[64];

		close(pipefd[0]);
		signal(SIGTERM, on_term);
		while (!stop_reader) {
			int fd = open(attr, O_RDONLY);

			if (fd < 0) {
				if (errno != ENOENT && errno != ENODEV)
					exit(2);
				gone++;
			} else {
				ssize_t n = read(fd, buf, sizeof(buf));

				if (n > 0)
					ok++;
				else if (n < 0 && errno != ENODEV && errno != ENOENT)
					exit(3);
				close(fd);
			}
			/* The first read done: the parent starts cycling. */
			if (ok + gone == 1 && write(pipefd[1], "r", 1) != 1)
				exit(4);
		}
		if (write(pipefd[1], &ok, sizeof(ok)) != (ssize_t)sizeof(ok))
			exit(4);
		exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &c, 1) != 1)
		fail("the sysfs reader did not start");
	for (i = 0; i < count && failures == 0; i++) {
		if (write_str(unbind, device))
			fail("cycle %ld: unbind: %s", i, strerror(errno));
		else if (write_str(bind, device))
			fail("cycle %ld: bind: %s", i, strerror(errno));
	}
	kill(reader, SIGTERM);
	waitpid(reader, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail("the sysfs reader failed (status %d)", status);
	if (read(pipefd[0], &reads, sizeof(reads)) != (ssize_t)sizeof(reads))
		fail("the sysfs reader did not report");
	printf("done %ld cycles; the reader read the attribute %ld times\n", i, reads);
	return result("bindcycle");
}

static int ethtool_info(const char *ifname)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ethtool_value link = { .cmd = ETHTOOL_GLINK };
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0) {
		fail("socket: %s", strerror(errno));
		return result("ethtool");
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&info;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		fail("ETHTOOL_GDRVINFO: %s", strerror(errno));
	ifr.ifr_data = (void *)&link;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		fail("ETHTOOL_GLINK: %s", strerror(errno));
	printf("driver=%s version=%s link=%u\n", info.driver, info.version, link.data);
	close(fd);
	return result("ethtool");
}

static uint16_t icmp_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static int pingflood(const char *addr, long ms)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	long sent = 0, errors = 0, replies = 0;
	uint8_t packet[64], reply[1500];
	struct timespec start, now;
	struct icmphdr *icmp = (struct icmphdr *)packet;
	int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_ICMP);

	if (fd < 0 || inet_pton(AF_INET, addr, &to.sin_addr) != 1) {
		fail("raw socket or address %s: %s", addr, strerror(errno));
		return result("pingflood");
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		memset(packet, 0xa5, sizeof(packet));
		memset(icmp, 0, sizeof(*icmp));
		icmp->type = ICMP_ECHO;
		icmp->un.echo.id = htons((uint16_t)getpid());
		icmp->un.echo.sequence = htons((uint16_t)sent);
		icmp->checksum = icmp_checksum(packet, sizeof(packet));
		if (sendto(fd, packet, sizeof(packet), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			errors++;
		else
			sent++;
		for (;;) {
			ssize_t n = recv(fd, reply, sizeof(reply), 0);
			struct iphdr *ip = (struct iphdr *)reply;

			if (n < 0)
				break;
			if (n >= (ssize_t)sizeof(*ip) + 8 && ip->saddr == to.sin_addr.s_addr &&
			    reply[ip->ihl * 4] == ICMP_ECHOREPLY)
				replies++;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 < ms);
	close(fd);
	printf("pingflood %s: %ld sent, %ld replies, %ld send errors\n", addr, sent, replies, errors);
	if (!replies)
		fail("no reply");
	return result("pingflood");
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 7 && !strcmp(argv[1], "chardev-model"))
		return chardev_model(argv[2], atol(argv[3]), (unsigned int)strtoul(argv[4], NULL, 0),
				     strtoull(argv[5], NULL, 0), atol(argv[6]));
	if (argc == 8 && !strcmp(argv[1], "chardev-shared"))
		return chardev_shared(argv[2], atol(argv[3]), (unsigned int)strtoul(argv[4], NULL, 0),
				      strtoull(argv[5], NULL, 0), atol(argv[6]), atoi(argv[7]));
	if (argc == 5 && !strcmp(argv[1], "unload-busy"))
		return unload_busy(argv[2], argv[3], atol(argv[4]));
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "modcycle"))
		return modcycle(argv[2], argv[3], atol(argv[4]), argc == 6 ? argv[5] : "");
	if (argc == 6 && !strcmp(argv[1], "bindcycle"))
		return bindcycle(argv[2], argv[3], atol(argv[4]), argv[5]);
	if (argc == 3 && !strcmp(argv[1], "ethtool"))
		return ethtool_info(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "pingflood"))
		return pingflood(argv[2], atol(argv[3]));
	fprintf(stderr, "usage: see the comment at the top of kmodstress.c\n");
	return 2;
}
