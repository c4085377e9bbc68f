/*
 * netq: a userland packet queue on NFQUEUE, the stand-in for tc netem on kernels
 * without sch_netem. It is bound to one queue of the network namespace it runs in
 * (started with `nsenter -t <pid> -n netq ...`), fed by an iptables NFQUEUE rule,
 * and gives each packet its verdict late: after a fixed delay plus jitter, with an
 * extra hold for a fraction of packets (reordering), and sends a fraction twice
 * (the copy through a raw socket, marked so the rule lets it pass).
 *
 * What it does can differ per sender: `--config FILE` holds one line per sender address,
 *   <ipv4> <delay_us> <jitter_us> uniform|normal <reorder_p> <reorder_gap_us> <dup_p> <dup_gap_us>
 * reread on SIGHUP (it answers "reloaded <n>", or {"reloadError":...} and keeps the old
 * table), so faults of several kinds on one node share one queue and compose. Without
 * --config the command line's spec applies to every packet.
 *
 * It never drops a packet itself: the queue is opened fail-open (a full queue or a
 * full socket buffer lets packets through), more than --max-held packets are passed
 * at once, and on SIGTERM/SIGINT, or when its parent dies (PR_SET_PDEATHSIG), every
 * held packet is released before it exits. If it is killed outright the kernel drops
 * what it held at that instant (nfnetlink_queue flushes an unbound queue with
 * NF_DROP) and the rule's --queue-bypass lets traffic through from then on.
 *
 * stdout: "ready" once bound, then one JSON line of counters on SIGUSR1 and when it exits.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/netfilter.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <libnfnetlink/libnfnetlink.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <libnetfilter_queue/linux_nfnetlink_queue.h>

enum kind { VERDICT = 0, COPY = 1 };

struct held {
  uint64_t at;  /* release time, CLOCK_MONOTONIC ns */
  uint64_t seq; /* arrival order: ties release first-come first */
  uint32_t id;  /* packet id (VERDICT) */
  uint32_t len; /* copy length (COPY) */
  unsigned char *pkt;
  int kind;
};

/* what happens to the packets of one sender (or to all, without --config) */
struct spec {
  uint32_t saddr; /* network order */
  uint64_t delay_ns, jitter_ns, reorder_gap_ns, dup_gap_ns;
  int normal;
  double reorder_p, dup_p;
};

#define MAX_SPECS 256
static struct spec specs[MAX_SPECS];
static size_t nspecs;
static const char *config_path;

static struct {
  unsigned queue;
  struct spec all; /* from the command line */
  uint64_t seed;
  uint32_t mark;
  size_t max_held;
  pid_t parent;
  int rt_priority;
} cfg = { .mark = 0x4e5451, .max_held = 100000, .all = { .reorder_gap_ns = 20000000 } };

static struct {
  uint64_t received, released, duplicated, reordered, passed_full, verdict_errors, copy_errors;
  size_t max_held;
  /* how late held packets were released (the queue's own error): count, sum, max, over 1 ms, over 10 ms */
  uint64_t late_n, late_sum_ns, late_max_ns, late_over_1ms, late_over_10ms;
} st;

static struct held *heap;
static size_t heap_n, heap_cap;
static uint64_t seq_next;
static struct nfq_q_handle *qh;
static int raw_fd = -1;
static volatile sig_atomic_t stopping, report, reload;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* splitmix64: seeded, so a run's choices can be replayed */
static uint64_t rng_next(void) {
  uint64_t z = (cfg.seed += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
static double rng_unit(void) { return (double)(rng_next() >> 11) * 0x1.0p-53; }

static int earlier(const struct held *a, const struct held *b) { return a->at < b->at || (a->at == b->at && a->seq < b->seq); }

static int heap_push(struct held h) {
  if (heap_n == heap_cap) {
    size_t cap = heap_cap ? heap_cap * 2 : 1024;
    struct held *p = realloc(heap, cap * sizeof *heap);
    if (!p) return -1;
    heap = p;
    heap_cap = cap;
  }
  h.seq = seq_next++;
  size_t i = heap_n++;
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!earlier(&h, &heap[parent])) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = h;
  if (heap_n > st.max_held) st.max_held = heap_n;
  return 0;
}

static struct held heap_pop(void) {
  struct held top = heap[0], last = heap[--heap_n];
  size_t i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= heap_n) break;
    if (c + 1 < heap_n && earlier(&heap[c + 1], &heap[c])) c++;
    if (!earlier(&heap[c], &last)) break;
    heap[i] = heap[c];
    i = c;
  }
  if (heap_n > 0) heap[i] = last;
  return top;
}

static void accept_now(uint32_t id) {
  if (nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL) < 0) st.verdict_errors++;
  else st.released++;
}

/* the duplicate goes out through a raw socket, marked so our rule does not queue it again */
static void send_copy(const unsigned char *pkt, uint32_t len) {
  struct sockaddr_in dst = { .sin_family = AF_INET };
  memcpy(&dst.sin_addr, pkt + 16, 4);
  if (sendto(raw_fd, pkt, len, 0, (struct sockaddr *)&dst, sizeof dst) < 0) st.copy_errors++;
  else st.duplicated++;
}

static void release(struct held *h, int send_copies) {
  if (h->kind == VERDICT) accept_now(h->id);
  else {
    if (send_copies) send_copy(h->pkt, h->len);
    free(h->pkt);
  }
}

static uint64_t hold_ns(const struct spec *sp) {
  double d = (double)sp->delay_ns;
  if (sp->jitter_ns) {
    if (sp->normal) {
      /* Box-Muller; the jitter is the standard deviation */
      double u1 = rng_unit(), u2 = rng_unit();
      if (u1 < 1e-12) u1 = 1e-12;
      d += (double)sp->jitter_ns * sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
    } else {
      d += (double)sp->jitter_ns * (2.0 * rng_unit() - 1.0);
    }
  }
  if (d < 0) d = 0;
  uint64_t hold = (uint64_t)d;
  if (sp->reorder_p > 0 && rng_unit() < sp->reorder_p) {
    hold += sp->reorder_gap_ns;
    st.reordered++;
  }
  return hold;
}

static int on_packet(struct nfq_q_handle *q, struct nfgenmsg *msg, struct nfq_data *nfa, void *data) {
  (void)q; (void)msg; (void)data;
  struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
  if (!ph) return 0;
  uint32_t id = ntohl(ph->packet_id);
  st.received++;
  if (heap_n >= cfg.max_held) { /* never drop: past the bound, packets pass unharmed */
    st.passed_full++;
    accept_now(id);
    return 0;
  }
  unsigned char *payload;
  int len = nfq_get_payload(nfa, &payload);
  const struct spec *sp = &cfg.all;
  if (config_path) {
    sp = NULL;
    if (len >= 20 && (payload[0] >> 4) == 4) {
      uint32_t saddr;
      memcpy(&saddr, payload + 12, 4);
      for (size_t i = 0; i < nspecs && !sp; i++) if (specs[i].saddr == saddr) sp = &specs[i];
    }
    if (!sp) { /* a sender no longer (or not yet) in the table: unharmed */
      accept_now(id);
      return 0;
    }
  }
  uint64_t now = now_ns(), hold = hold_ns(sp);
  if (sp->dup_p > 0 && rng_unit() < sp->dup_p) {
    if (len >= 20 && (payload[0] >> 4) == 4 && raw_fd >= 0) {
      unsigned char *copy = malloc((size_t)len);
      if (copy) {
        memcpy(copy, payload, (size_t)len);
        uint64_t gap = sp->dup_gap_ns ? (uint64_t)(rng_unit() * (double)sp->dup_gap_ns) : 0;
        struct held c = { .at = now + hold + gap, .len = (uint32_t)len, .pkt = copy, .kind = COPY };
        if (heap_push(c) < 0) free(copy);
      }
    }
  }
  if (hold == 0) {
    accept_now(id);
    return 0;
  }
  struct held h = { .at = now + hold, .id = id, .kind = VERDICT };
  if (heap_push(h) < 0) accept_now(id);
  return 0;
}

static void on_signal(int sig) {
  if (sig == SIGUSR1) report = 1;
  else if (sig == SIGHUP) reload = 1;
  else stopping = 1;
}

static void print_stats(void) {
  printf("{\"received\":%llu,\"released\":%llu,\"duplicated\":%llu,\"reordered\":%llu,\"passedFull\":%llu,\"held\":%zu,\"maxHeld\":%zu,\"verdictErrors\":%llu,\"copyErrors\":%llu,"
         "\"late\":{\"n\":%llu,\"meanUs\":%.1f,\"maxUs\":%.1f,\"over1ms\":%llu,\"over10ms\":%llu}}\n",
         (unsigned long long)st.received, (unsigned long long)st.released, (unsigned long long)st.duplicated,
         (unsigned long long)st.reordered, (unsigned long long)st.passed_full, heap_n, st.max_held,
         (unsigned long long)st.verdict_errors, (unsigned long long)st.copy_errors, (unsigned long long)st.late_n,
         st.late_n ? (double)st.late_sum_ns / (double)st.late_n / 1000.0 : 0.0, (double)st.late_max_ns / 1000.0,
         (unsigned long long)st.late_over_1ms, (unsigned long long)st.late_over_10ms);
  fflush(stdout);
}

static int any_dup(void) {
  if (!config_path) return cfg.all.dup_p > 0;
  for (size_t i = 0; i < nspecs; i++) if (specs[i].dup_p > 0) return 1;
  return 0;
}

/* reads the table into `out`; 0, or -1 with a message in `err` */
static int read_config(struct spec *out, size_t *n, char *err, size_t errlen) {
  FILE *f = fopen(config_path, "r");
  if (!f) { snprintf(err, errlen, "%s: %s", config_path, strerror(errno)); return -1; }
  char line[512], ip[64], dist[16];
  int lineno = 0;
  *n = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    if (line[0] == '\n' || line[0] == '#') continue;
    unsigned long long d, j, rg, dg;
    double rp, dp;
    struct spec x = { 0 };
    if (sscanf(line, "%63s %llu %llu %15s %lf %llu %lf %llu", ip, &d, &j, dist, &rp, &rg, &dp, &dg) != 8 || inet_pton(AF_INET, ip, &x.saddr) != 1 ||
        (strcmp(dist, "uniform") && strcmp(dist, "normal")) || rp < 0 || rp > 1 || dp < 0 || dp > 1 || *n >= MAX_SPECS) {
      snprintf(err, errlen, "%s:%d: expected <ipv4> <delay_us> <jitter_us> uniform|normal <reorder_p> <reorder_gap_us> <dup_p> <dup_gap_us>", config_path, lineno);
      fclose(f);
      return -1;
    }
    x.delay_ns = d * 1000;
    x.jitter_ns = j * 1000;
    x.normal = !strcmp(dist, "normal");
    x.reorder_p = rp;
    x.reorder_gap_ns = rg * 1000;
    x.dup_p = dp;
    x.dup_gap_ns = dg * 1000;
    out[(*n)++] = x;
  }
  fclose(f);
  return 0;
}

/* copy mode and flags for what the table asks: a whole packet (and no GSO bursts, whose
 * copies could not be sent) only when something may be duplicated; else the IP header
 * (the sender's address) and a TCP burst as one packet */
static int set_mode(void) {
  int dup = any_dup();
  if (dup && raw_fd < 0) {
    raw_fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    if (raw_fd < 0 || setsockopt(raw_fd, SOL_SOCKET, SO_MARK, &cfg.mark, sizeof cfg.mark) < 0) return -1;
  }
  if (nfq_set_mode(qh, dup || config_path ? NFQNL_COPY_PACKET : NFQNL_COPY_META, dup ? 0xffff : 20) < 0) return -1;
  uint32_t flags = NFQA_CFG_F_FAIL_OPEN | (dup ? 0 : NFQA_CFG_F_GSO);
  return nfq_set_queue_flags(qh, NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_GSO, flags);
}

static void do_reload(void) {
  static struct spec next[MAX_SPECS];
  size_t n;
  char err[512];
  if (read_config(next, &n, err, sizeof err) < 0) {
    printf("{\"reloadError\":\"%s\"}\n", err);
  } else {
    memcpy(specs, next, n * sizeof *next);
    nspecs = n;
    if (set_mode() < 0) printf("{\"reloadError\":\"set mode: %s\"}\n", strerror(errno));
    else printf("reloaded %zu\n", n);
  }
  fflush(stdout);
}

static void usage(void) {
  fprintf(stderr,
          "usage: netq --queue N [--delay-us D] [--jitter-us J] [--distribution uniform|normal]\n"
          "            [--reorder P] [--reorder-gap-us G] [--duplicate P] [--duplicate-gap-us G]\n"
          "            [--seed S] [--mark M] [--max-held N] [--parent PID] [--rt-priority P] [--config FILE]\n");
  exit(2);
}

static double parse_p(const char *s) {
  char *end;
  double p = strtod(s, &end);
  if (*end || p < 0 || p > 1) usage();
  return p;
}
static uint64_t parse_u(const char *s) {
  char *end;
  unsigned long long v = strtoull(s, &end, 0);
  if (*end || *s == '-') usage();
  return v;
}

/* reads up to `max` queued packets (0: until none is left). Bounded in the main loop, so
 * a steady stream of arrivals cannot hold back the packets whose release time has come. */
static void drain(struct nfq_handle *h, int fd, char *buf, size_t size, int max) {
  for (int n = 0; max == 0 || n < max;) {
    ssize_t r = recv(fd, buf, size, MSG_DONTWAIT);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return; /* EAGAIN; ENOBUFS cannot happen: NETLINK_NO_ENOBUFS */
    nfq_handle_packet(h, buf, (int)r);
    n++;
  }
}

int main(int argc, char **argv) {
  int have_queue = 0;
  static const struct option opts[] = {
    { "queue", 1, 0, 'q' }, { "delay-us", 1, 0, 'd' }, { "jitter-us", 1, 0, 'j' }, { "distribution", 1, 0, 'D' },
    { "reorder", 1, 0, 'r' }, { "reorder-gap-us", 1, 0, 'g' }, { "duplicate", 1, 0, 'u' }, { "duplicate-gap-us", 1, 0, 'G' },
    { "seed", 1, 0, 's' }, { "mark", 1, 0, 'm' }, { "max-held", 1, 0, 'M' }, { "parent", 1, 0, 'p' }, { "rt-priority", 1, 0, 'R' }, { "config", 1, 0, 'C' }, { 0, 0, 0, 0 },
  };
  cfg.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
  for (int c; (c = getopt_long(argc, argv, "", opts, NULL)) != -1;) {
    switch (c) {
      case 'q': cfg.queue = (unsigned)parse_u(optarg); have_queue = 1; break;
      case 'd': cfg.all.delay_ns = parse_u(optarg) * 1000; break;
      case 'j': cfg.all.jitter_ns = parse_u(optarg) * 1000; break;
      case 'D':
        if (!strcmp(optarg, "normal")) cfg.all.normal = 1;
        else if (strcmp(optarg, "uniform")) usage();
        break;
      case 'r': cfg.all.reorder_p = parse_p(optarg); break;
      case 'g': cfg.all.reorder_gap_ns = parse_u(optarg) * 1000; break;
      case 'u': cfg.all.dup_p = parse_p(optarg); break;
      case 'G': cfg.all.dup_gap_ns = parse_u(optarg) * 1000; break;
      case 'C': config_path = optarg; break;
      case 's': cfg.seed = parse_u(optarg); break;
      case 'm': cfg.mark = (uint32_t)parse_u(optarg); break;
      case 'M': cfg.max_held = parse_u(optarg); break;
      case 'p': cfg.parent = (pid_t)parse_u(optarg); break;
      case 'R': cfg.rt_priority = (int)parse_u(optarg); break;
      default: usage();
    }
  }
  if (!have_queue || optind != argc) usage();

  /* die with the controller: the kernel sends SIGTERM when our parent exits */
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (cfg.parent && getppid() != cfg.parent) return 3; /* it was gone before prctl */
  prctl(PR_SET_TIMERSLACK, 1UL); /* wake up on time, not up to 50 us late */
  if (cfg.rt_priority > 0) {
    /* a release due now runs before ordinary work on a busy machine (the kernel caps real-time tasks at 95% of a CPU) */
    struct sched_param sp = { .sched_priority = cfg.rt_priority };
    if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0) perror("netq: SCHED_FIFO (continuing without)");
  }

  sigset_t block, orig;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGHUP);
  sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, &orig);
  struct sigaction sa = { .sa_handler = on_signal };
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  if (config_path) {
    char err[512];
    if (read_config(specs, &nspecs, err, sizeof err) < 0) {
      fprintf(stderr, "netq: %s\n", err);
      return 2;
    }
  }
  struct nfq_handle *h = nfq_open();
  if (!h) { perror("netq: nfq_open"); return 1; }
  qh = nfq_create_queue(h, (uint16_t)cfg.queue, on_packet, NULL);
  if (!qh) { fprintf(stderr, "netq: cannot bind queue %u: %s\n", cfg.queue, strerror(errno)); return 1; }
  nfq_set_queue_maxlen(qh, (uint32_t)(cfg.max_held + 1024));
  /* fail-open: a full queue (or socket buffer) lets packets through */
  if (set_mode() < 0) { perror("netq: copy mode, queue flags or raw socket"); return 1; }
  nfnl_rcvbufsiz(nfq_nfnlh(h), 8 << 20);
  int fd = nfq_fd(h), one = 1;
  setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof one);

  printf("ready\n");
  fflush(stdout);

  static char buf[1 << 17];
  struct pollfd pfd = { .fd = fd, .events = POLLIN };
  while (!stopping) {
    struct timespec tmo, *tp = NULL;
    if (heap_n > 0) {
      uint64_t now = now_ns(), wait = heap[0].at > now ? heap[0].at - now : 0;
      tmo.tv_sec = (time_t)(wait / 1000000000ull);
      tmo.tv_nsec = (long)(wait % 1000000000ull);
      tp = &tmo;
    }
    int r = ppoll(&pfd, 1, tp, &orig);
    if (r < 0 && errno != EINTR) { perror("netq: ppoll"); break; }
    if (r > 0 && (pfd.revents & POLLIN)) drain(h, fd, buf, sizeof buf, 64);
    uint64_t now = now_ns();
    while (heap_n > 0 && heap[0].at <= now) {
      struct held x = heap_pop();
      uint64_t late = now - x.at;
      st.late_n++;
      st.late_sum_ns += late;
      if (late > st.late_max_ns) st.late_max_ns = late;
      st.late_over_1ms += late > 1000000;
      st.late_over_10ms += late > 10000000;
      release(&x, 1);
    }
    if (report) {
      report = 0;
      print_stats();
    }
    if (reload) {
      reload = 0;
      if (config_path) do_reload();
    }
  }
  /* let every held packet go, in order, before unbinding (an unbound queue drops) */
  drain(h, fd, buf, sizeof buf, 0);
  while (heap_n > 0) {
    struct held x = heap_pop();
    release(&x, 0);
  }
  nfq_destroy_queue(qh);
  nfq_close(h);
  print_stats();
  return 0;
}
