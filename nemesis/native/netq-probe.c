/*
 * netq-probe: measures what a fault does, from inside a node's network namespace
 * (run with `nsenter -t <pid> -n netq-probe ...`; the node image needs nothing).
 * Plain TCP, so it needs no ICMP and no capabilities.
 *
 *   serve PORT               echo ('E') and sink ('S') server; "ready" once listening;
 *                            runs until SIGTERM or until its parent dies
 *   rtt IP PORT COUNT TMO_MS connect time, then COUNT one-byte round trips on one
 *                            connection: {"connectUs":..,"samplesUs":[..]}
 *   rr IP PORT MS TMO_MS     one-byte round trips back to back for MS ms: {"count":..,"elapsedUs":..}
 *   bw IP PORT MS TMO_MS [MAX_BYTES]
 *                            sends for MS ms (or until MAX_BYTES); the server counts what
 *                            arrived: {"bytes":..,"elapsedUs":..} (until that count came back)
 *   disk DIR COUNT PROCS     joins the cgroup whose cgroup.procs file is PROCS ("-": stays),
 *                            then COUNT 4 KB writes, each followed by fdatasync, to a file of
 *                            its own in DIR (removed after): {"samplesUs":[..]}
 * A network probe that cannot finish within TMO_MS prints {"error":"..."} and exits 1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 256

static uint64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000ull + (uint64_t)ts.tv_nsec / 1000;
}

static void fail(const char *what) {
  printf("{\"error\":\"%s: %s\"}\n", what, strerror(errno));
  exit(1);
}

static volatile sig_atomic_t stopping;
static void on_signal(int sig) { (void)sig; stopping = 1; }

struct conn { int fd; char mode; uint64_t bytes; };

static int serve(int port) {
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  struct sigaction sa = { .sa_handler = on_signal };
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_ANY) };
  if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0) fail("bind");
  if (listen(ls, 64) < 0) fail("listen");
  printf("ready\n");
  fflush(stdout);
  static struct conn conns[MAX_CONNS];
  static struct pollfd pfds[MAX_CONNS + 1];
  static char buf[1 << 16];
  int n = 0;
  while (!stopping) {
    pfds[0] = (struct pollfd){ .fd = ls, .events = POLLIN };
    for (int i = 0; i < n; i++) pfds[i + 1] = (struct pollfd){ .fd = conns[i].fd, .events = POLLIN };
    if (poll(pfds, (nfds_t)n + 1, 1000) < 0) continue;
    for (int i = n - 1; i >= 0; i--) {
      if (!pfds[i + 1].revents) continue;
      struct conn *c = &conns[i];
      ssize_t r = read(c->fd, buf, sizeof buf);
      int done = r <= 0;
      if (r > 0) {
        char *p = buf;
        if (!c->mode) {
          c->mode = *p++;
          r--;
          if (c->mode == 'E' && write(c->fd, "E", 1) != 1) done = 1; /* handshake: the echo is on */
        }
        if (c->mode == 'E' && r > 0) done = write(c->fd, p, (size_t)r) != r;
        else c->bytes += (uint64_t)r;
      } else if (r == 0 && c->mode == 'S') {
        dprintf(c->fd, "%llu\n", (unsigned long long)c->bytes);
      }
      if (done) {
        close(c->fd);
        conns[i] = conns[--n];
      }
    }
    if (pfds[0].revents && n < MAX_CONNS) {
      int fd = accept(ls, NULL, NULL);
      if (fd >= 0) {
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        conns[n++] = (struct conn){ .fd = fd };
      }
    }
  }
  return 0;
}

static int dial(const char *ip, int port, int timeout_ms, uint64_t *connect_us) {
  int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv); /* also bounds connect() */
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
  if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) { errno = EINVAL; fail("address"); }
  uint64_t t0 = now_us();
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) fail("connect");
  *connect_us = now_us() - t0;
  return fd;
}

static void start_echo(int fd) {
  char c;
  if (write(fd, "E", 1) != 1) fail("write");
  if (read(fd, &c, 1) != 1) fail("read");
}

static void roundtrip(int fd) {
  char c = 'x';
  if (write(fd, &c, 1) != 1) fail("write");
  if (read(fd, &c, 1) != 1) fail("read");
}

static int disk(const char *dir, int count, const char *procs) {
  if (strcmp(procs, "-")) {
    FILE *f = fopen(procs, "w");
    if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f) != 0) fail("join cgroup");
  }
  char file[4096];
  snprintf(file, sizeof file, "%s/.faultline-disk-probe-%d", dir, getpid());
  int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) fail("open");
  static char block[4096];
  memset(block, 'd', sizeof block);
  printf("{\"samplesUs\":[");
  for (int i = 0; i < count; i++) {
    uint64_t t = now_us();
    if (pwrite(fd, block, sizeof block, (off_t)i * (off_t)sizeof block) != (ssize_t)sizeof block || fdatasync(fd) != 0) {
      unlink(file);
      fail("write");
    }
    printf("%s%llu", i ? "," : "", (unsigned long long)(now_us() - t));
  }
  printf("]}\n");
  close(fd);
  unlink(file);
  return 0;
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  if (argc == 3 && !strcmp(argv[1], "serve")) return serve(atoi(argv[2]));
  if (argc == 5 && !strcmp(argv[1], "disk")) return disk(argv[2], atoi(argv[3]), argv[4]);
  if (argc != 6 && !(argc == 7 && !strcmp(argv[1], "bw"))) {
    fprintf(stderr, "usage: netq-probe serve PORT | rtt IP PORT COUNT TMO_MS | rr IP PORT MS TMO_MS | bw IP PORT MS TMO_MS [MAX_BYTES] | disk DIR COUNT PROCS\n");
    return 2;
  }
  const char *mode = argv[1], *ip = argv[2];
  int port = atoi(argv[3]), arg = atoi(argv[4]), tmo = atoi(argv[5]);
  uint64_t connect_us;
  int fd = dial(ip, port, tmo, &connect_us);
  uint64_t deadline = now_us() + (uint64_t)tmo * 1000;
  if (!strcmp(mode, "rtt")) {
    start_echo(fd);
    printf("{\"connectUs\":%llu,\"samplesUs\":[", (unsigned long long)connect_us);
    for (int i = 0; i < arg && now_us() < deadline; i++) {
      uint64_t t = now_us();
      roundtrip(fd);
      printf("%s%llu", i ? "," : "", (unsigned long long)(now_us() - t));
    }
    printf("]}\n");
  } else if (!strcmp(mode, "rr")) {
    start_echo(fd);
    uint64_t t0 = now_us(), end = t0 + (uint64_t)arg * 1000, count = 0;
    while (now_us() < end) { roundtrip(fd); count++; }
    printf("{\"count\":%llu,\"elapsedUs\":%llu}\n", (unsigned long long)count, (unsigned long long)(now_us() - t0));
  } else if (!strcmp(mode, "bw")) {
    static char buf[1 << 16];
    memset(buf, 'z', sizeof buf);
    buf[0] = 'S';
    uint64_t t0 = now_us(), end = t0 + (uint64_t)arg * 1000, sent = 0;
    uint64_t max = argc == 7 ? strtoull(argv[6], NULL, 10) : UINT64_MAX;
    while (now_us() < end && sent < max) {
      size_t len = max - sent < sizeof buf ? (size_t)(max - sent) : sizeof buf;
      ssize_t w = write(fd, buf, len);
      if (w < 0) fail("write");
      sent += (uint64_t)w;
      buf[0] = 'z';
    }
    shutdown(fd, SHUT_WR);
    char line[64];
    ssize_t n = read(fd, line, sizeof line - 1);
    if (n <= 0) fail("read count");
    line[n] = 0;
    printf("{\"bytes\":%llu,\"elapsedUs\":%llu}\n", strtoull(line, NULL, 10), (unsigned long long)(now_us() - t0));
  } else {
    fprintf(stderr, "netq-probe: unknown mode %s\n", mode);
    return 2;
  }
  close(fd);
  return 0;
}
