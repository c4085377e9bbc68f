/*
 * faultline-lazyfs: a FUSE file system that loses what was not fsynced.
 *
 *   faultline-lazyfs BACKING MOUNTPOINT [--metadata lazy|durable] [--metadata-writeback-ms MS] [--max-dirty BYTES] [--sync-delay-ms MS] [--debug]
 *
 * Reads and metadata pass through to BACKING (which may be MOUNTPOINT itself:
 * the backing directory is opened before the mount covers it). Data written
 * but not yet fsynced is kept apart, in memory, per inode; fsync/fdatasync of
 * the file (or a write through an O_SYNC/O_DSYNC handle) writes it to BACKING
 * and fsyncs it there. close() makes nothing durable (POSIX).
 *
 * Namespace changes (create, mkdir, link, symlink, unlink, rmdir, rename):
 *   --metadata lazy (default): as POSIX says — a change is durable once the
 *     directory holding it is fsynced (both directories for a rename); until
 *     then a cut undoes it, unless it is older than --metadata-writeback-ms
 *     (default 5000; 0: never): a journaling file system commits its metadata
 *     every few seconds (ext4: 5 s), so a real disk keeps an old change without
 *     the fsync. An unlinked or replaced file is kept in a hidden trash
 *     directory inside BACKING until the change is durable.
 *   --metadata durable: changes are durable at once (LazyFS's behaviour).
 * chmod, chown, utimens, xattrs: pass through, durable at once (not modelled).
 *
 * Control: one command per line on stdin, one JSON line per command on stdout:
 *   cut [tear=F] [at-sync=MS]
 *                 a power cut: drop every unsynced write, undo every fsync still
 *                 in progress (it then fails with EIO) and every non-durable
 *                 namespace change, and switch off: from now on every operation
 *                 fails with EIO. With tear=F (0<F<1) the last unsynced write keeps
 *                 its first floor(F*len) bytes (at least 1, fewer than len), written
 *                 at its offset. With at-sync=MS the cut waits, up to MS ms, for the
 *                 next fsync of unsynced data to be about to return, and lands there
 *                 (then anyway): the moment a program that acknowledges before its
 *                 fsync completes has acknowledged the most that is not durable.
 *                 Reports what was lost, and atSync and waitedMs.
 *   on            power back on (before the writer restarts)
 *   stats         unsynced files and bytes, pending namespace changes
 *   sync          make everything durable (a checkpoint)
 *   exit          unmount and exit (so does end of stdin, SIGTERM, SIGINT, or
 *                 the death of the parent process)
 * A power cut comes before the writer is killed, as in a real outage: cut, then
 * kill -9 the writer, then `on`, then restart it. The cut holds the lock every
 * write, sync and namespace change takes, and is followed by EIO for everything:
 * an operation happened wholly before the power failed, or not at all. (Killing
 * first would let every fsync already in flight complete — the kernel does not let
 * a process die with a FUSE request outstanding — and hide a program that
 * acknowledges before its fsync completes.)
 *
 * At a clean exit everything unsynced is written back (an unmount is not a
 * power cut) and the trash is removed.
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE

#include <fuse.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define TRASH ".faultline-lazyfs-trash"

static int root_fd = -1;
static char root_real[PATH_MAX];
static const char *mount_path;
static int lazy_meta = 1;
static size_t max_dirty = (size_t)512 << 20;
static unsigned sync_delay_us; /* a slow disk: every fsync takes at least this long (a cut in between undoes it) */
/* a namespace change older than this is durable without a directory fsync, as a journaling file
   system commits its metadata every few seconds (ext4: 5 s); 0: only a directory fsync makes it durable */
static unsigned meta_writeback_ms = 5000;
static pthread_mutex_t lk = PTHREAD_MUTEX_INITIALIZER;
/* cut at-sync: armed by the control thread, fired by the next fsync of unsynced data about to return */
enum { AIM_IDLE, AIM_ARMED, AIM_FIRING, AIM_FIRED };
static struct {
  int state;
  struct sb *b;
  double tear;
} aim;
static pthread_cond_t aim_cv = PTHREAD_COND_INITIALIZER;
static struct fuse *g_fuse;
static unsigned long trash_seq;
static unsigned long writebacks;
static int powered = 1;          /* 0 from a cut until `on` */
static unsigned long cut_gen;    /* cuts so far: a sync that saw it change was cut short */

/* every operation fails while the power is off (after a cut, until `on`) */
#define OFF_CHECK()       \
  do {                    \
    if (!powered) return -EIO; \
  } while (0)
#define LOCK_ON()                     \
  do {                                \
    pthread_mutex_lock(&lk);          \
    if (!powered) {                   \
      pthread_mutex_unlock(&lk);      \
      return -EIO;                    \
    }                                 \
  } while (0)

/* ---------- small helpers ---------- */

static const char *rel(const char *p) { return p[1] ? p + 1 : "."; }

static int hidden(const char *p) {
  size_t n = strlen(TRASH);
  return p && p[0] == '/' && strncmp(p + 1, TRASH, n) == 0 && (p[1 + n] == 0 || p[1 + n] == '/');
}

/* the directory holding `path` (relative to the backing root), as "." for the root */
static void parent_of(const char *path, char *out, size_t cap) {
  const char *r = rel(path);
  const char *slash = strrchr(r, '/');
  if (!slash) snprintf(out, cap, ".");
  else snprintf(out, cap, "%.*s", (int)(slash - r), r);
}

static ino_t dir_ino(const char *path) {
  char dir[PATH_MAX];
  struct stat st;
  parent_of(path, dir, sizeof dir);
  return fstatat(root_fd, dir, &st, 0) == 0 ? st.st_ino : 0;
}

struct sb {
  char *p;
  size_t n, cap;
};

static void sb_grow(struct sb *b, size_t more) {
  if (b->n + more + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->n + more + 1) cap *= 2;
  b->p = realloc(b->p, cap);
  if (!b->p) abort();
  b->cap = cap;
}

static void sb_printf(struct sb *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int need = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  sb_grow(b, (size_t)need);
  va_start(ap, fmt);
  vsnprintf(b->p + b->n, (size_t)need + 1, fmt, ap);
  va_end(ap);
  b->n += (size_t)need;
}

static void sb_str(struct sb *b, const char *s) {
  sb_printf(b, "\"");
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') sb_printf(b, "\\%c", c);
    else if (c < 0x20) sb_printf(b, "\\u%04x", c);
    else sb_printf(b, "%c", c);
  }
  sb_printf(b, "\"");
}

/* a backing-relative path as the application sees it: "a/b" -> "/a/b", "." -> "/" */
static void sb_path(struct sb *b, const char *r) {
  char p[PATH_MAX];
  snprintf(p, sizeof p, "/%s", strcmp(r, ".") == 0 ? "" : r);
  sb_str(b, p);
}

static int pwrite_all(int fd, const char *buf, size_t len, off_t off) {
  while (len > 0) {
    ssize_t w = pwrite(fd, buf, len, off);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    buf += w;
    len -= (size_t)w;
    off += w;
  }
  return 0;
}

/* the path of an open backing file relative to the backing root, for reports */
static void path_of_fd(int fd, char *out, size_t cap) {
  char link[64], target[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, target, sizeof target - 1);
  if (n < 0) {
    snprintf(out, cap, "?");
    return;
  }
  target[n] = 0;
  size_t r = strlen(root_real);
  if (strncmp(target, root_real, r) == 0 && (target[r] == '/' || target[r] == 0)) snprintf(out, cap, "/%s", target[r] == '/' ? target + r + 1 : "");
  else snprintf(out, cap, "%s", target);
}

/* ---------- unsynced data, per inode ---------- */

struct extent {
  off_t off;
  size_t len, cap;
  char *data;
};

struct dfile {
  dev_t dev;
  ino_t ino;
  int fd;        /* our own read-write descriptor of the backing inode */
  off_t durable; /* backing size when the file became dirty (the backing file is untouched until a sync) */
  off_t floor;   /* backing bytes at or past this were truncated away (read as zeros) */
  off_t size;    /* the size the application sees */
  struct extent *ext;
  size_t n, cap;
  size_t bytes; /* unsynced bytes held */
  struct dfile *next;
};

#define NBUCKET 1024
static struct dfile *table[NBUCKET];
static size_t dirty_files, dirty_bytes;

/* the last write not yet made durable, for a torn cut */
static struct {
  int valid;
  dev_t dev;
  ino_t ino;
  off_t off;
  size_t len;
} lastw;

static size_t bucket(dev_t dev, ino_t ino) { return (size_t)((ino * 0x9E3779B97F4A7C15ull) ^ dev) % NBUCKET; }

static struct dfile *dfind(dev_t dev, ino_t ino) {
  for (struct dfile *d = table[bucket(dev, ino)]; d; d = d->next)
    if (d->dev == dev && d->ino == ino) return d;
  return NULL;
}

/* the dirty record of the inode behind `fd`, created on first use */
static struct dfile *dget(int fd, dev_t dev, ino_t ino) {
  struct dfile *d = dfind(dev, ino);
  if (d) return d;
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  int own = open(link, O_RDWR | O_CLOEXEC); /* works for unlinked files too */
  if (own < 0) return NULL;
  struct stat st;
  if (fstat(own, &st) < 0) {
    close(own);
    return NULL;
  }
  d = calloc(1, sizeof *d);
  if (!d) {
    close(own);
    errno = ENOMEM;
    return NULL;
  }
  d->dev = dev;
  d->ino = ino;
  d->fd = own;
  d->durable = d->floor = d->size = st.st_size;
  size_t b = bucket(dev, ino);
  d->next = table[b];
  table[b] = d;
  dirty_files++;
  return d;
}

static void dfree(struct dfile *d) {
  size_t b = bucket(d->dev, d->ino);
  for (struct dfile **p = &table[b]; *p; p = &(*p)->next)
    if (*p == d) {
      *p = d->next;
      break;
    }
  for (size_t i = 0; i < d->n; i++) free(d->ext[i].data);
  free(d->ext);
  dirty_bytes -= d->bytes;
  dirty_files--;
  if (lastw.valid && lastw.dev == d->dev && lastw.ino == d->ino) lastw.valid = 0;
  close(d->fd);
  free(d);
}

static int ext_reserve(struct dfile *d, size_t n) {
  if (n <= d->cap) return 0;
  size_t cap = d->cap ? d->cap * 2 : 4;
  while (cap < n) cap *= 2;
  struct extent *e = realloc(d->ext, cap * sizeof *e);
  if (!e) return -ENOMEM;
  d->ext = e;
  d->cap = cap;
  return 0;
}

/* Records a write of [off, off+len). Extents stay sorted, disjoint and non-adjacent; an append grows the last one in place. */
static int ext_insert(struct dfile *d, off_t off, const char *buf, size_t len) {
  if (len == 0) return 0;
  off_t end = off + (off_t)len;
  if (d->n > 0) {
    struct extent *l = &d->ext[d->n - 1];
    if (l->off + (off_t)l->len == off) { /* the common case: an append */
      if (l->len + len > l->cap) {
        size_t cap = l->cap * 2;
        while (cap < l->len + len) cap *= 2;
        char *p = realloc(l->data, cap);
        if (!p) return -ENOMEM;
        l->data = p;
        l->cap = cap;
      }
      memcpy(l->data + l->len, buf, len);
      l->len += len;
      d->bytes += len;
      dirty_bytes += len;
      return 0;
    }
  }
  size_t i = 0;
  while (i < d->n && d->ext[i].off + (off_t)d->ext[i].len < off) i++;
  size_t j = i;
  while (j < d->n && d->ext[j].off <= end) j++;
  off_t start = off, stop = end;
  if (j > i) {
    if (d->ext[i].off < start) start = d->ext[i].off;
    off_t last = d->ext[j - 1].off + (off_t)d->ext[j - 1].len;
    if (last > stop) stop = last;
  }
  size_t n = (size_t)(stop - start);
  size_t cap = n < 4096 ? 4096 : n;
  char *data = malloc(cap);
  if (!data) return -ENOMEM;
  for (size_t k = i; k < j; k++) {
    memcpy(data + (d->ext[k].off - start), d->ext[k].data, d->ext[k].len);
    d->bytes -= d->ext[k].len;
    dirty_bytes -= d->ext[k].len;
    free(d->ext[k].data);
  }
  memcpy(data + (off - start), buf, len);
  struct extent merged = {start, n, cap, data};
  if (j == i) {
    if (ext_reserve(d, d->n + 1) < 0) {
      free(data);
      return -ENOMEM;
    }
    memmove(&d->ext[i + 1], &d->ext[i], (d->n - i) * sizeof *d->ext);
    d->n++;
  } else {
    memmove(&d->ext[i + 1], &d->ext[j], (d->n - j) * sizeof *d->ext);
    d->n -= j - i - 1;
  }
  d->ext[i] = merged;
  d->bytes += n;
  dirty_bytes += n;
  return 0;
}

static void ext_truncate(struct dfile *d, off_t size) {
  d->size = size;
  if (size < d->floor) d->floor = size;
  while (d->n > 0) {
    struct extent *l = &d->ext[d->n - 1];
    if (l->off >= size) {
      d->bytes -= l->len;
      dirty_bytes -= l->len;
      free(l->data);
      d->n--;
    } else {
      if (l->off + (off_t)l->len > size) {
        size_t keep = (size_t)(size - l->off);
        d->bytes -= l->len - keep;
        dirty_bytes -= l->len - keep;
        l->len = keep;
      }
      break;
    }
  }
}

/* What the application reads at [off, off+size): the durable bytes below the floor, zeros, then the unsynced writes over them. */
static ssize_t dread(struct dfile *d, char *buf, size_t size, off_t off) {
  if (off >= d->size) return 0;
  size_t n = size;
  if ((off_t)n > d->size - off) n = (size_t)(d->size - off);
  memset(buf, 0, n);
  if (off < d->floor) {
    size_t m = n;
    if ((off_t)m > d->floor - off) m = (size_t)(d->floor - off);
    size_t got = 0;
    while (got < m) {
      ssize_t r = pread(d->fd, buf + got, m - got, off + (off_t)got);
      if (r < 0) {
        if (errno == EINTR) continue;
        return -errno;
      }
      if (r == 0) break; /* past the backing file's end: zeros */
      got += (size_t)r;
    }
  }
  off_t end = off + (off_t)n;
  for (size_t i = 0; i < d->n; i++) {
    struct extent *e = &d->ext[i];
    off_t eend = e->off + (off_t)e->len;
    if (eend <= off) continue;
    if (e->off >= end) break;
    off_t a = e->off > off ? e->off : off;
    off_t b = eend < end ? eend : end;
    memcpy(buf + (a - off), e->data + (a - e->off), (size_t)(b - a));
  }
  return (ssize_t)n;
}

/* Writes the unsynced state to the backing file (no fsync: the caller does it outside the lock) and forgets it. */
static int dflush(struct dfile *d) {
  off_t backing = d->durable;
  if (d->floor < backing) {
    if (ftruncate(d->fd, d->floor) < 0) return -errno;
    backing = d->floor;
  }
  for (size_t i = 0; i < d->n; i++) {
    int r = pwrite_all(d->fd, d->ext[i].data, d->ext[i].len, d->ext[i].off);
    if (r < 0) return r;
    off_t eend = d->ext[i].off + (off_t)d->ext[i].len;
    if (eend > backing) backing = eend;
  }
  if (backing != d->size && ftruncate(d->fd, d->size) < 0) return -errno;
  dfree(d);
  return 0;
}

/*
 * An fsync in progress: its data is in the backing file, but until the backing
 * fsync returns, a cut puts back what the file held before (the old bytes of every
 * range it overwrote, and its old size): only a completed fsync makes data durable.
 */
struct undo {
  off_t off;
  size_t len;
  char *old;
};

struct syncing {
  int fd;
  size_t bytes; /* the unsynced bytes this fsync writes */
  off_t old_size;
  struct undo *u;
  size_t nu;
  int cut; /* a cut undid it: the fsync fails */
  struct syncing *next;
};

static struct syncing *syncs; /* newest first */

static int save_old(struct syncing *s, int fd, off_t off, off_t end) {
  if (end <= off) return 0;
  struct undo *u = realloc(s->u, (s->nu + 1) * sizeof *u);
  if (!u) return -ENOMEM;
  s->u = u;
  size_t len = (size_t)(end - off);
  char *old = malloc(len);
  if (!old) return -ENOMEM;
  size_t got = 0;
  while (got < len) {
    ssize_t r = pread(fd, old + got, len - got, off + (off_t)got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  u[s->nu++] = (struct undo){off, got, old};
  return 0;
}

static void syncing_free(struct syncing *s) {
  for (size_t i = 0; i < s->nu; i++) free(s->u[i].old);
  free(s->u);
  close(s->fd);
  free(s);
}

/* dflush, keeping what it overwrites until the fsync completes */
static int dflush_begin(struct dfile *d, struct syncing **out) {
  struct syncing *s = calloc(1, sizeof *s);
  if (!s) return -ENOMEM;
  s->fd = dup(d->fd);
  s->bytes = d->bytes;
  s->old_size = d->durable;
  int r = s->fd < 0 ? -errno : 0;
  /* truncated bytes, then overwritten ones below the truncation point */
  if (r == 0 && d->floor < d->durable) r = save_old(s, d->fd, d->floor, d->durable);
  for (size_t i = 0; r == 0 && i < d->n; i++) {
    off_t end = d->ext[i].off + (off_t)d->ext[i].len;
    off_t lim = d->floor < d->durable ? d->floor : d->durable;
    r = save_old(s, d->fd, d->ext[i].off, end < lim ? end : lim);
  }
  if (r == 0) r = dflush(d);
  if (r < 0) {
    if (s->fd >= 0) syncing_free(s);
    else free(s);
    return r;
  }
  s->next = syncs;
  syncs = s;
  *out = s;
  return 0;
}

/* the fsync returned: its data is durable, unless a cut came first */
static int dflush_end(struct syncing *s) {
  for (struct syncing **p = &syncs; *p; p = &(*p)->next)
    if (*p == s) {
      *p = s->next;
      break;
    }
  int cut = s->cut;
  syncing_free(s);
  return cut ? -EIO : 0;
}

/* a cut: every fsync in progress is put back, newest first, and reported ([{path, bytes}]) */
static size_t undo_syncs(struct sb *b) {
  size_t n = 0;
  sb_printf(b, ",\"interrupted\":[");
  for (struct syncing *s = syncs; s; s = s->next) {
    if (s->cut) continue;
    for (size_t i = s->nu; i-- > 0;) pwrite_all(s->fd, s->u[i].old, s->u[i].len, s->u[i].off);
    int ignored = ftruncate(s->fd, s->old_size); /* a failure shows as the fsync's EIO anyway */
    (void)ignored;
    s->cut = 1;
    char path[PATH_MAX];
    path_of_fd(s->fd, path, sizeof path);
    sb_printf(b, "%s{\"path\":", n ? "," : "");
    sb_str(b, path);
    sb_printf(b, ",\"bytes\":%zu}", s->bytes);
    n++;
  }
  sb_printf(b, "]");
  return n;
}

/* ---------- namespace journal (metadata lazy) ---------- */

enum nskind { NS_CREATE, NS_UNLINK, NS_RMDIR, NS_RENAME };
static const char *NSNAMES[] = {"create", "unlink", "rmdir", "rename"};

struct nsop {
  enum nskind kind;
  char *path, *path2; /* rename: path -> path2 */
  char *trash;        /* unlink: the file; rename: the replaced file */
  mode_t mode;        /* rmdir: the directory's mode; rename: a replaced empty directory's (0: none) */
  unsigned flags;     /* rename flags */
  ino_t dir1, dir2;   /* the directories whose fsync makes it durable (0: none pending) */
  unsigned long id;   /* journal order */
  long long at_ms;    /* when it was made (CLOCK_MONOTONIC) */
};

static long long mono_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static unsigned long next_op_id = 1;

static struct nsop *ops;
static size_t nops, capops;

static char *trash_name(void) {
  char *s;
  if (asprintf(&s, "%s/%lu", TRASH, ++trash_seq) < 0) return NULL;
  return s;
}

static void nsop_free(struct nsop *o) {
  free(o->path);
  free(o->path2);
  free(o->trash);
}

static int journal(enum nskind kind, const char *path, const char *path2, char *trash, mode_t mode, unsigned flags) {
  if (nops == capops) {
    size_t cap = capops ? capops * 2 : 64;
    struct nsop *p = realloc(ops, cap * sizeof *p);
    if (!p) return -ENOMEM;
    ops = p;
    capops = cap;
  }
  struct nsop *o = &ops[nops++];
  memset(o, 0, sizeof *o);
  o->kind = kind;
  o->path = strdup(rel(path));
  o->path2 = path2 ? strdup(rel(path2)) : NULL;
  o->trash = trash;
  o->mode = mode;
  o->flags = flags;
  o->id = next_op_id++;
  o->at_ms = mono_ms();
  o->dir1 = dir_ino(path);
  o->dir2 = path2 ? dir_ino(path2) : 0;
  if (o->dir2 == o->dir1) o->dir2 = 0;
  return 0;
}

/* an fsync of directory `ino` completed: the changes made in it before the fsync began (id < before) are durable */
static void ns_durable(ino_t ino, unsigned long before) {
  size_t k = 0;
  for (size_t i = 0; i < nops; i++) {
    struct nsop *o = &ops[i];
    if (o->id < before && o->dir1 == ino) o->dir1 = 0;
    if (o->id < before && o->dir2 == ino) o->dir2 = 0;
    if (o->dir1 == 0 && o->dir2 == 0) {
      if (o->trash) unlinkat(root_fd, o->trash, 0);
      nsop_free(o);
    } else ops[k++] = *o;
  }
  nops = k;
}

/* the journal's periodic commit: every change older than meta_writeback_ms is durable (a prefix: ops are in journal order) */
static void ns_writeback(void) {
  if (meta_writeback_ms == 0) return;
  long long cutoff = mono_ms() - (long long)meta_writeback_ms;
  size_t n = 0;
  while (n < nops && ops[n].at_ms <= cutoff) {
    if (ops[n].trash) unlinkat(root_fd, ops[n].trash, 0);
    nsop_free(&ops[n]);
    n++;
  }
  if (n == 0) return;
  memmove(ops, ops + n, (nops - n) * sizeof *ops);
  nops -= n;
}

static void ns_all_durable(void) {
  for (size_t i = 0; i < nops; i++) {
    if (ops[i].trash) unlinkat(root_fd, ops[i].trash, 0);
    nsop_free(&ops[i]);
  }
  nops = 0;
}

static int rm_rf_at(int at, const char *name) {
  int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return unlinkat(at, name, 0);
  DIR *dp = fdopendir(fd);
  if (!dp) {
    close(fd);
    return -1;
  }
  struct dirent *de;
  while ((de = readdir(dp)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
    if (de->d_type == DT_DIR) rm_rf_at(dirfd(dp), de->d_name);
    else unlinkat(dirfd(dp), de->d_name, 0);
  }
  closedir(dp);
  return unlinkat(at, name, AT_REMOVEDIR);
}

static void trash_reset(void) {
  rm_rf_at(root_fd, TRASH);
  mkdirat(root_fd, TRASH, 0700);
}

/* ---------- file handles ---------- */

struct handle {
  int fd;
  dev_t dev;
  ino_t ino;
  int sync; /* opened O_SYNC/O_DSYNC: every write is durable when it returns */
  DIR *dp;  /* directories */
  int is_root;
};

#define H(fi) ((struct handle *)(uintptr_t)(fi)->fh)

static int backing_flags(int flags) {
  int keep = flags & (O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  return keep | O_CLOEXEC; /* access mode chosen by the caller; no O_APPEND (we write at offsets), O_TRUNC (lazy), O_DIRECT, O_SYNC (we sync) */
}

static int open_backing(const char *path, int flags, int create, mode_t mode, int *created) {
  int acc = flags & O_ACCMODE;
  int base = backing_flags(flags);
  int fd = -1;
  *created = 0;
  if (create) {
    fd = openat(root_fd, rel(path), base | O_RDWR | O_CREAT | O_EXCL, mode);
    if (fd >= 0) {
      *created = 1;
      return fd;
    }
    if (errno != EEXIST || (flags & O_EXCL)) return -1;
  }
  fd = openat(root_fd, rel(path), base | O_RDWR);
  if (fd < 0 && (errno == EACCES || errno == EISDIR || errno == ETXTBSY || errno == EROFS)) fd = openat(root_fd, rel(path), base | acc);
  return fd;
}

static int new_handle(int fd, int flags, struct fuse_file_info *fi) {
  struct stat st;
  if (fstat(fd, &st) < 0) return -errno;
  struct handle *h = calloc(1, sizeof *h);
  if (!h) return -ENOMEM;
  h->fd = fd;
  h->dev = st.st_dev;
  h->ino = st.st_ino;
  h->sync = (flags & (O_SYNC | O_DSYNC)) != 0;
  fi->fh = (uint64_t)(uintptr_t)h;
  return 0;
}

/* ---------- operations ---------- */

static void *lz_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
  conn->want &= ~FUSE_CAP_WRITEBACK_CACHE; /* writes must reach us as they happen */
  cfg->use_ino = 1;
  cfg->nullpath_ok = 1;
  cfg->hard_remove = 1; /* no .fuse_hidden files: we work on descriptors */
  cfg->entry_timeout = 0;
  cfg->attr_timeout = 0; /* sizes change under the kernel at a cut */
  cfg->negative_timeout = 0;
  cfg->kernel_cache = 0; /* the page cache is dropped at each open */
  cfg->direct_io = 0;
  return NULL;
}

static int lz_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
  OFF_CHECK();
  int r;
  if (fi) r = fstat(H(fi)->fd, st);
  else {
    if (hidden(path)) return -ENOENT;
    r = fstatat(root_fd, rel(path), st, AT_SYMLINK_NOFOLLOW);
  }
  if (r < 0) return -errno;
  if (S_ISREG(st->st_mode)) {
    pthread_mutex_lock(&lk);
    struct dfile *d = dfind(st->st_dev, st->st_ino);
    if (d) {
      st->st_size = d->size;
      blkcnt_t blocks = (d->size + 511) / 512;
      if (st->st_blocks < blocks) st->st_blocks = blocks;
    }
    pthread_mutex_unlock(&lk);
  }
  return 0;
}

static int lz_access(const char *path, int mask) {
  OFF_CHECK();
  if (hidden(path)) return -ENOENT;
  return faccessat(root_fd, rel(path), mask, 0) < 0 ? -errno : 0;
}

static int lz_readlink(const char *path, char *buf, size_t size) {
  OFF_CHECK();
  if (hidden(path)) return -ENOENT;
  ssize_t n = readlinkat(root_fd, rel(path), buf, size - 1);
  if (n < 0) return -errno;
  buf[n] = 0;
  return 0;
}

static int lz_opendir(const char *path, struct fuse_file_info *fi) {
  OFF_CHECK();
  if (hidden(path)) return -ENOENT;
  int fd = openat(root_fd, rel(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -errno;
  struct handle *h = calloc(1, sizeof *h);
  if (!h) {
    close(fd);
    return -ENOMEM;
  }
  int dupfd = dup(fd);
  h->dp = dupfd >= 0 ? fdopendir(dupfd) : NULL;
  if (!h->dp) {
    int e = errno;
    if (dupfd >= 0) close(dupfd);
    close(fd);
    free(h);
    return -e;
  }
  struct stat st;
  fstat(fd, &st);
  h->fd = fd;
  h->dev = st.st_dev;
  h->ino = st.st_ino;
  h->is_root = strcmp(path, "/") == 0;
  fi->fh = (uint64_t)(uintptr_t)h;
  return 0;
}

static int lz_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t off, struct fuse_file_info *fi, enum fuse_readdir_flags flags) {
  (void)path;
  (void)off;
  (void)flags;
  struct handle *h = H(fi);
  rewinddir(h->dp);
  struct dirent *de;
  while ((de = readdir(h->dp)) != NULL) {
    if (h->is_root && strcmp(de->d_name, TRASH) == 0) continue;
    struct stat st;
    memset(&st, 0, sizeof st);
    st.st_ino = de->d_ino;
    st.st_mode = (mode_t)(de->d_type << 12);
    if (filler(buf, de->d_name, &st, 0, 0)) break;
  }
  return 0;
}

static int lz_releasedir(const char *path, struct fuse_file_info *fi) {
  (void)path;
  struct handle *h = H(fi);
  closedir(h->dp);
  close(h->fd);
  free(h);
  return 0;
}

static int lz_fsyncdir(const char *path, int datasync, struct fuse_file_info *fi) {
  (void)path;
  struct handle *h = H(fi);
  pthread_mutex_lock(&lk);
  int on = powered;
  unsigned long gen = cut_gen, before = next_op_id;
  pthread_mutex_unlock(&lk);
  if (!on) return -EIO;
  int r = (datasync ? fdatasync(h->fd) : fsync(h->fd)) < 0 ? -errno : 0;
  pthread_mutex_lock(&lk);
  if (cut_gen != gen) r = -EIO; /* the power failed before it completed */
  else if (r == 0 && lazy_meta) ns_durable(h->ino, before);
  pthread_mutex_unlock(&lk);
  return r;
}

/* creation of a name: do it, and journal it while the lock is held */
static int created_name(const char *path) {
  if (!lazy_meta) return 0;
  return journal(NS_CREATE, path, NULL, NULL, 0, 0);
}

static int lz_mknod(const char *path, mode_t mode, dev_t rdev) {
  if (hidden(path)) return -EACCES;
  LOCK_ON();
  int r = mknodat(root_fd, rel(path), mode, rdev) < 0 ? -errno : created_name(path);
  pthread_mutex_unlock(&lk);
  return r;
}

static int lz_mkdir(const char *path, mode_t mode) {
  if (hidden(path)) return -EACCES;
  LOCK_ON();
  int r = mkdirat(root_fd, rel(path), mode) < 0 ? -errno : created_name(path);
  pthread_mutex_unlock(&lk);
  return r;
}

static int lz_symlink(const char *target, const char *path) {
  if (hidden(path)) return -EACCES;
  LOCK_ON();
  int r = symlinkat(target, root_fd, rel(path)) < 0 ? -errno : created_name(path);
  pthread_mutex_unlock(&lk);
  return r;
}

static int lz_link(const char *from, const char *to) {
  if (hidden(from) || hidden(to)) return -EACCES;
  LOCK_ON();
  int r = linkat(root_fd, rel(from), root_fd, rel(to), 0) < 0 ? -errno : created_name(to);
  pthread_mutex_unlock(&lk);
  return r;
}

static int lz_unlink(const char *path) {
  if (hidden(path)) return -ENOENT;
  LOCK_ON();
  int r;
  if (!lazy_meta) r = unlinkat(root_fd, rel(path), 0) < 0 ? -errno : 0;
  else {
    /* kept (same inode, open descriptors stay valid) until the unlink is durable */
    char *t = trash_name();
    if (!t) r = -ENOMEM;
    else if (renameat(root_fd, rel(path), root_fd, t) < 0) {
      r = -errno;
      free(t);
    } else r = journal(NS_UNLINK, path, NULL, t, 0, 0);
  }
  pthread_mutex_unlock(&lk);
  return r;
}

static int lz_rmdir(const char *path) {
  if (hidden(path)) return -ENOENT;
  LOCK_ON();
  struct stat st;
  int r;
  if (fstatat(root_fd, rel(path), &st, AT_SYMLINK_NOFOLLOW) < 0) r = -errno;
  else if (unlinkat(root_fd, rel(path), AT_REMOVEDIR) < 0) r = -errno;
  else r = lazy_meta ? journal(NS_RMDIR, path, NULL, NULL, st.st_mode & 07777, 0) : 0;
  pthread_mutex_unlock(&lk);
  return r;
}

static int lz_rename(const char *from, const char *to, unsigned int flags) {
  if (hidden(from) || hidden(to)) return -EACCES;
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) return -EINVAL;
  LOCK_ON();
  int r = 0;
  char *t = NULL;
  mode_t dirmode = 0;
  if (lazy_meta && !(flags & (RENAME_EXCHANGE | RENAME_NOREPLACE))) {
    struct stat st;
    if (fstatat(root_fd, rel(to), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      if (S_ISDIR(st.st_mode)) dirmode = (st.st_mode & 07777) | S_IFDIR;
      else {
        /* keep the file the rename replaces: a hard link, so the rename stays atomic */
        t = trash_name();
        if (!t) r = -ENOMEM;
        else if (linkat(root_fd, rel(to), root_fd, t, 0) < 0) r = -errno;
      }
    }
  }
  if (r == 0 && renameat2(root_fd, rel(from), root_fd, rel(to), flags) < 0) {
    r = -errno;
    if (t) unlinkat(root_fd, t, 0);
  }
  if (r == 0 && lazy_meta) {
    r = journal(NS_RENAME, from, to, t, dirmode, flags);
    t = NULL;
  }
  free(t);
  pthread_mutex_unlock(&lk);
  return r;
}

static int lz_chmod(const char *path, mode_t mode, struct fuse_file_info *fi) {
  OFF_CHECK();
  if (fi) return fchmod(H(fi)->fd, mode) < 0 ? -errno : 0;
  if (hidden(path)) return -ENOENT;
  return fchmodat(root_fd, rel(path), mode, 0) < 0 ? -errno : 0;
}

static int lz_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi) {
  OFF_CHECK();
  if (fi) return fchown(H(fi)->fd, uid, gid) < 0 ? -errno : 0;
  if (hidden(path)) return -ENOENT;
  return fchownat(root_fd, rel(path), uid, gid, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

static int lz_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi) {
  OFF_CHECK();
  if (fi) return futimens(H(fi)->fd, tv) < 0 ? -errno : 0;
  if (hidden(path)) return -ENOENT;
  return utimensat(root_fd, rel(path), tv, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

static int do_truncate(int fd, dev_t dev, ino_t ino, off_t size) {
  LOCK_ON();
  int r = 0;
  struct dfile *d = dget(fd, dev, ino);
  if (!d) r = -errno;
  else ext_truncate(d, size);
  pthread_mutex_unlock(&lk);
  return r;
}

static int lz_truncate(const char *path, off_t size, struct fuse_file_info *fi) {
  if (fi) return do_truncate(H(fi)->fd, H(fi)->dev, H(fi)->ino, size);
  if (hidden(path)) return -ENOENT;
  int fd = openat(root_fd, rel(path), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return -errno;
  struct stat st;
  int r = fstat(fd, &st) < 0 ? -errno : S_ISREG(st.st_mode) ? do_truncate(fd, st.st_dev, st.st_ino, size) : -EINVAL;
  close(fd);
  return r;
}

static int finish_open(int fd, int flags, int created, const char *path, struct fuse_file_info *fi) {
  int r = new_handle(fd, flags, fi);
  if (r < 0) {
    close(fd);
    return r;
  }
  struct handle *h = H(fi);
  if (created) r = created_name(path);
  if (r == 0 && (flags & O_TRUNC) && !created) {
    struct dfile *d = dget(fd, h->dev, h->ino);
    if (!d) r = -errno;
    else ext_truncate(d, 0);
  }
  return r;
}

static int lz_create(const char *path, mode_t mode, struct fuse_file_info *fi) {
  if (hidden(path)) return -EACCES;
  LOCK_ON();
  int created;
  int fd = open_backing(path, fi->flags, 1, mode, &created);
  int r = fd < 0 ? -errno : finish_open(fd, fi->flags, created, path, fi);
  pthread_mutex_unlock(&lk);
  return r;
}

static int lz_open(const char *path, struct fuse_file_info *fi) {
  if (hidden(path)) return -ENOENT;
  LOCK_ON();
  int created;
  int fd = open_backing(path, fi->flags, 0, 0, &created);
  int r = fd < 0 ? -errno : finish_open(fd, fi->flags, 0, path, fi);
  pthread_mutex_unlock(&lk);
  return r;
}

static int lz_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
  OFF_CHECK();
  (void)path;
  struct handle *h = H(fi);
  pthread_mutex_lock(&lk);
  struct dfile *d = dfind(h->dev, h->ino);
  if (d) {
    ssize_t n = dread(d, buf, size, off);
    pthread_mutex_unlock(&lk);
    return (int)n;
  }
  pthread_mutex_unlock(&lk);
  size_t got = 0;
  while (got < size) {
    ssize_t n = pread(h->fd, buf + got, size - got, off + (off_t)got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return got > 0 ? (int)got : -errno;
    }
    if (n == 0) break;
    got += (size_t)n;
  }
  return (int)got;
}

/* makes the unsynced data of the inode durable: written to the backing file and fsynced there; a cut before the fsync returns undoes it (EIO) */
static void cut(struct sb *b, double tear);

static int sync_inode(struct handle *h, int datasync) {
  LOCK_ON();
  unsigned long gen = cut_gen;
  struct dfile *d = dfind(h->dev, h->ino);
  struct syncing *s = NULL;
  int r = d ? dflush_begin(d, &s) : 0;
  pthread_mutex_unlock(&lk);
  if (r < 0) return r;
  /* outside the lock: other files (and this one's next writes) go on meanwhile */
  if ((datasync ? fdatasync(h->fd) : fsync(h->fd)) < 0) r = -errno;
  if (sync_delay_us) usleep(sync_delay_us);
  pthread_mutex_lock(&lk);
  if (s && s->bytes > 0 && aim.state == AIM_ARMED && cut_gen == gen) {
    /* an armed cut lands here, as this fsync is about to return: it is undone and fails */
    aim.state = AIM_FIRING;
    pthread_mutex_unlock(&lk);
    cut(aim.b, aim.tear);
    pthread_mutex_lock(&lk);
    aim.state = AIM_FIRED;
    pthread_cond_broadcast(&aim_cv);
  }
  if (s && dflush_end(s) < 0) r = -EIO;
  if (cut_gen != gen) r = -EIO; /* the power failed before it completed */
  pthread_mutex_unlock(&lk);
  return r;
}

static int lz_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
  (void)path;
  struct handle *h = H(fi);
  LOCK_ON();
  struct dfile *d = dget(h->fd, h->dev, h->ino);
  int r = d ? ext_insert(d, off, buf, size) : -errno;
  if (r == 0) {
    if (off + (off_t)size > d->size) d->size = off + (off_t)size;
    lastw.valid = 1;
    lastw.dev = h->dev;
    lastw.ino = h->ino;
    lastw.off = off;
    lastw.len = size;
    if (!h->sync && dirty_bytes > max_dirty) {
      /* written back, as the kernel does under memory pressure: from now on a cut keeps it */
      r = dflush(d);
      writebacks++;
    }
  }
  pthread_mutex_unlock(&lk);
  if (r == 0 && h->sync) r = sync_inode(h, 1); /* O_SYNC, O_DSYNC: durable when write(2) returns */
  return r < 0 ? r : (int)size;
}

static int lz_fsync(const char *path, int datasync, struct fuse_file_info *fi) {
  (void)path;
  return sync_inode(H(fi), datasync);
}

static int lz_flush(const char *path, struct fuse_file_info *fi) {
  (void)path;
  (void)fi;
  return 0; /* close(2) makes nothing durable */
}

static int lz_release(const char *path, struct fuse_file_info *fi) {
  (void)path;
  struct handle *h = H(fi);
  close(h->fd);
  free(h);
  return 0;
}

static int lz_fallocate(const char *path, int mode, off_t off, off_t len, struct fuse_file_info *fi) {
  (void)path;
  struct handle *h = H(fi);
  if (mode == FALLOC_FL_KEEP_SIZE) return fallocate(h->fd, mode, off, len) < 0 ? -errno : 0;
  if (mode != 0) return -EOPNOTSUPP;
  LOCK_ON();
  struct dfile *d = dget(h->fd, h->dev, h->ino);
  int r = d ? 0 : -errno;
  if (d && off + len > d->size) d->size = off + len; /* zeros past the old end */
  pthread_mutex_unlock(&lk);
  return r;
}

static int lz_statfs(const char *path, struct statvfs *st) {
  OFF_CHECK();
  (void)path;
  return fstatvfs(root_fd, st) < 0 ? -errno : 0;
}

static const struct fuse_operations lz_ops = {
    .init = lz_init,
    .getattr = lz_getattr,
    .access = lz_access,
    .readlink = lz_readlink,
    .opendir = lz_opendir,
    .readdir = lz_readdir,
    .releasedir = lz_releasedir,
    .fsyncdir = lz_fsyncdir,
    .mknod = lz_mknod,
    .mkdir = lz_mkdir,
    .symlink = lz_symlink,
    .link = lz_link,
    .unlink = lz_unlink,
    .rmdir = lz_rmdir,
    .rename = lz_rename,
    .chmod = lz_chmod,
    .chown = lz_chown,
    .utimens = lz_utimens,
    .truncate = lz_truncate,
    .create = lz_create,
    .open = lz_open,
    .read = lz_read,
    .write = lz_write,
    .fsync = lz_fsync,
    .flush = lz_flush,
    .release = lz_release,
    .fallocate = lz_fallocate,
    .statfs = lz_statfs,
};

/* ---------- control ---------- */

static void all_dfiles(void (*fn)(struct dfile *, void *), void *arg) {
  for (size_t b = 0; b < NBUCKET; b++) {
    struct dfile *d = table[b];
    while (d) {
      struct dfile *next = d->next; /* fn may free d */
      fn(d, arg);
      d = next;
    }
  }
}

static void report_and_drop(struct dfile *d, void *arg) {
  struct sb *b = arg;
  char path[PATH_MAX];
  path_of_fd(d->fd, path, sizeof path);
  if (b->p[b->n - 1] != '[') sb_printf(b, ",");
  sb_printf(b, "{\"path\":");
  sb_str(b, path);
  sb_printf(b, ",\"unsyncedBytes\":%zu,\"size\":%lld,\"durableSize\":%lld}", d->bytes, (long long)d->size, (long long)d->durable);
  dfree(d);
}

static void undo_ops(struct sb *b) {
  sb_printf(b, ",\"namespace\":[");
  for (size_t k = nops; k-- > 0;) {
    struct nsop *o = &ops[k];
    int r = 0;
    switch (o->kind) {
    case NS_CREATE: {
      char *t = trash_name(); /* the name goes; what it named is thrown away with the trash */
      r = t && renameat(root_fd, o->path, root_fd, t) == 0 ? 0 : -1;
      free(t);
      break;
    }
    case NS_UNLINK:
      r = renameat(root_fd, o->trash, root_fd, o->path);
      break;
    case NS_RMDIR:
      r = mkdirat(root_fd, o->path, o->mode);
      break;
    case NS_RENAME:
      if (o->flags & RENAME_EXCHANGE) r = renameat2(root_fd, o->path2, root_fd, o->path, RENAME_EXCHANGE);
      else {
        r = renameat(root_fd, o->path2, root_fd, o->path);
        if (r == 0 && o->trash) r = renameat(root_fd, o->trash, root_fd, o->path2);
        else if (r == 0 && o->mode) r = mkdirat(root_fd, o->path2, o->mode & 07777);
      }
      break;
    }
    int err = r < 0 ? errno : 0;
    if (k != nops - 1) sb_printf(b, ",");
    sb_printf(b, "{\"op\":\"%s\",\"path\":", NSNAMES[o->kind]);
    sb_path(b, o->path);
    if (o->path2) {
      sb_printf(b, ",\"to\":");
      sb_path(b, o->path2);
    }
    if (err) {
      sb_printf(b, ",\"error\":");
      sb_str(b, strerror(err));
    }
    sb_printf(b, "}");
    nsop_free(o);
  }
  nops = 0;
  sb_printf(b, "]");
  trash_reset();
}

static void cut(struct sb *b, double tear) {
  pthread_mutex_lock(&lk);
  size_t bytes = dirty_bytes, files = dirty_files;
  /* the torn prefix is copied out before the unsynced state is dropped, and written after */
  char *prefix = NULL;
  size_t keep = 0, len = 0;
  off_t toff = 0;
  int tfd = -1;
  char tpath[PATH_MAX] = "";
  if (tear > 0 && lastw.valid) {
    struct dfile *d = dfind(lastw.dev, lastw.ino);
    if (d && lastw.off < d->size) {
      len = lastw.len;
      if ((off_t)len > d->size - lastw.off) len = (size_t)(d->size - lastw.off);
      keep = (size_t)(tear * (double)len);
      if (keep < 1) keep = 1;
      if (keep >= len) keep = len - 1;
      toff = lastw.off;
      prefix = malloc(keep ? keep : 1);
      if (prefix && keep > 0 && dread(d, prefix, keep, toff) == (ssize_t)keep) {
        tfd = dup(d->fd);
        path_of_fd(d->fd, tpath, sizeof tpath);
      }
    }
  }
  sb_printf(b, "{\"cut\":true,\"files\":[");
  all_dfiles(report_and_drop, b);
  sb_printf(b, "],\"unsyncedBytes\":%zu,\"unsyncedFiles\":%zu", bytes, files);
  lastw.valid = 0;
  powered = 0;
  cut_gen++;
  size_t interrupted = undo_syncs(b);
  sb_printf(b, ",\"syncsInterrupted\":%zu", interrupted);
  if (tfd >= 0) {
    int r = pwrite_all(tfd, prefix, keep, toff);
    close(tfd);
    sb_printf(b, ",\"torn\":{\"path\":");
    sb_str(b, tpath);
    sb_printf(b, ",\"offset\":%lld,\"length\":%zu,\"kept\":%zu", (long long)toff, len, r == 0 ? keep : 0);
    if (r < 0) {
      sb_printf(b, ",\"error\":");
      sb_str(b, strerror(-r));
    }
    sb_printf(b, "}");
  } else sb_printf(b, ",\"torn\":null");
  free(prefix);
  if (lazy_meta) {
    ns_writeback(); /* what the journal had committed by now is not undone */
    undo_ops(b);
  } else sb_printf(b, ",\"namespace\":[]");
  sb_printf(b, "}");
  pthread_mutex_unlock(&lk);
}

static void flush_one(struct dfile *d, void *arg) {
  size_t *counts = arg;
  counts[0]++;
  counts[1] += d->bytes;
  int fd = dup(d->fd);
  if (dflush(d) < 0) counts[2]++;
  else if (fd >= 0 && fsync(fd) < 0) counts[2]++;
  if (fd >= 0) close(fd);
}

/* everything becomes durable: the unmount of a file system, or the `sync` command */
static void checkpoint(size_t counts[3]) {
  pthread_mutex_lock(&lk);
  all_dfiles(flush_one, counts);
  ns_all_durable();
  pthread_mutex_unlock(&lk);
}

static void reply(struct sb *b) {
  sb_printf(b, "\n");
  size_t off = 0;
  while (off < b->n) {
    ssize_t w = write(1, b->p + off, b->n - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      break;
    }
    off += (size_t)w;
  }
  b->n = 0;
  b->p[0] = 0;
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* cut at-sync=MS: arm, wait for an fsync to fire it (or cut anyway after ms), and say which */
static void cut_at_sync(struct sb *b, double tear, long ms) {
  double t0 = now_ms();
  struct timespec dl;
  clock_gettime(CLOCK_REALTIME, &dl);
  dl.tv_sec += ms / 1000;
  dl.tv_nsec += (ms % 1000) * 1000000L;
  if (dl.tv_nsec >= 1000000000L) {
    dl.tv_sec++;
    dl.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&lk);
  aim.state = powered ? AIM_ARMED : AIM_IDLE; /* with the power off there is no fsync to wait for */
  aim.b = b;
  aim.tear = tear;
  while (aim.state == AIM_ARMED || aim.state == AIM_FIRING) {
    /* once an fsync has begun the cut, wait for it whatever the deadline */
    int rc = aim.state == AIM_FIRING ? pthread_cond_wait(&aim_cv, &lk) : pthread_cond_timedwait(&aim_cv, &lk, &dl);
    if (rc == ETIMEDOUT && aim.state == AIM_ARMED) break;
  }
  int fired = aim.state == AIM_FIRED;
  aim.state = AIM_IDLE;
  pthread_mutex_unlock(&lk);
  if (!fired) cut(b, tear);
  /* the report is one JSON object: add to it before its closing brace */
  if (b->n > 0 && b->p[b->n - 1] == '}') b->p[--b->n] = 0;
  sb_printf(b, ",\"atSync\":%s,\"waitedMs\":%.1f}", fired ? "true" : "false", now_ms() - t0);
}

static void *control(void *arg) {
  (void)arg;
  char *line = NULL;
  size_t cap = 0;
  struct sb b = {0};
  sb_grow(&b, 256);
  ssize_t n;
  while ((n = getline(&line, &cap, stdin)) > 0) {
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
    if (strncmp(line, "cut", 3) == 0 && (line[3] == 0 || line[3] == ' ')) {
      double tear = 0;
      const char *t = strstr(line, "tear=");
      if (t) {
        char *end;
        tear = strtod(t + 5, &end);
        if (end == t + 5 || !(tear > 0 && tear < 1)) {
          sb_printf(&b, "{\"error\":\"tear must be a fraction in (0, 1)\"}");
          reply(&b);
          continue;
        }
      }
      const char *a = strstr(line, "at-sync=");
      if (!a) {
        cut(&b, tear);
        reply(&b);
        continue;
      }
      char *end;
      long ms = strtol(a + 8, &end, 10);
      if (end == a + 8 || ms < 0 || ms > 600000) {
        sb_printf(&b, "{\"error\":\"at-sync must be a whole number of ms from 0 to 600000\"}");
        reply(&b);
        continue;
      }
      cut_at_sync(&b, tear, ms);
    } else if (strcmp(line, "on") == 0) {
      pthread_mutex_lock(&lk);
      powered = 1;
      pthread_mutex_unlock(&lk);
      sb_printf(&b, "{\"on\":true}");
    } else if (strcmp(line, "stats") == 0) {
      pthread_mutex_lock(&lk);
      if (lazy_meta) ns_writeback();
      sb_printf(&b, "{\"unsyncedFiles\":%zu,\"unsyncedBytes\":%zu,\"pendingNamespace\":%zu,\"writebacks\":%lu,\"powered\":%s}", dirty_files, dirty_bytes, nops, writebacks, powered ? "true" : "false");
      pthread_mutex_unlock(&lk);
    } else if (strcmp(line, "sync") == 0) {
      size_t counts[3] = {0, 0, 0};
      checkpoint(counts);
      sb_printf(&b, "{\"synced\":true,\"files\":%zu,\"bytes\":%zu,\"errors\":%zu}", counts[0], counts[1], counts[2]);
    } else if (strcmp(line, "exit") == 0) {
      sb_printf(&b, "{\"exiting\":true}");
      reply(&b);
      break;
    } else {
      sb_printf(&b, "{\"error\":\"unknown command\"}");
    }
    reply(&b);
  }
  free(line);
  free(b.p);
  /* end of stdin (the controller is gone) or exit: leave the loop, which unmounts */
  kill(getpid(), SIGTERM);
  return NULL;
}

static void usage(void) {
  fprintf(stderr, "usage: faultline-lazyfs BACKING MOUNTPOINT [--metadata lazy|durable] [--metadata-writeback-ms MS] [--max-dirty BYTES] [--sync-delay-ms MS] [--debug]\n");
  exit(2);
}

int main(int argc, char *argv[]) {
  pid_t parent = getppid();
  prctl(PR_SET_PDEATHSIG, SIGTERM); /* dies with the controller */
  if (getppid() != parent) return 1;
  const char *backing = NULL;
  int debug = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--metadata") == 0 && i + 1 < argc) {
      const char *m = argv[++i];
      if (strcmp(m, "lazy") == 0) lazy_meta = 1;
      else if (strcmp(m, "durable") == 0) lazy_meta = 0;
      else usage();
    } else if (strcmp(argv[i], "--max-dirty") == 0 && i + 1 < argc) {
      char *end;
      unsigned long long v = strtoull(argv[++i], &end, 10);
      if (*end || v == 0) usage();
      max_dirty = (size_t)v;
    } else if (strcmp(argv[i], "--sync-delay-ms") == 0 && i + 1 < argc) {
      char *end;
      double v = strtod(argv[++i], &end);
      if (*end || !(v >= 0 && v <= 10000)) usage();
      sync_delay_us = (unsigned)(v * 1000);
    } else if (strcmp(argv[i], "--metadata-writeback-ms") == 0 && i + 1 < argc) {
      char *end;
      unsigned long v = strtoul(argv[++i], &end, 10);
      if (*end || v > 3600000) usage();
      meta_writeback_ms = (unsigned)v;
    } else if (strcmp(argv[i], "--debug") == 0) debug = 1;
    else if (!backing) backing = argv[i];
    else if (!mount_path) mount_path = argv[i];
    else usage();
  }
  if (!backing || !mount_path) usage();
  /* opened before the mount: BACKING may be MOUNTPOINT itself */
  root_fd = open(backing, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0 || !realpath(backing, root_real)) {
    fprintf(stderr, "faultline-lazyfs: cannot open %s: %s\n", backing, strerror(errno));
    return 1;
  }
  trash_reset();
  char *fargv[] = {argv[0], "-o", "allow_other,default_permissions,fsname=faultline-lazyfs,subtype=faultline-lazyfs", debug ? "-d" : NULL, NULL};
  struct fuse_args args = FUSE_ARGS_INIT(debug ? 4 : 3, fargv);
  umask(0);
  g_fuse = fuse_new(&args, &lz_ops, sizeof lz_ops, NULL);
  if (!g_fuse) return 1;
  if (fuse_mount(g_fuse, mount_path) != 0) {
    fprintf(stderr, "faultline-lazyfs: cannot mount on %s\n", mount_path);
    fuse_destroy(g_fuse);
    return 1;
  }
  if (fuse_set_signal_handlers(fuse_get_session(g_fuse)) != 0) {
    fuse_unmount(g_fuse);
    fuse_destroy(g_fuse);
    return 1;
  }
  /* the control thread takes no signals: SIGTERM reaches the loop's thread */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  pthread_t ctl;
  pthread_create(&ctl, NULL, control, NULL);
  pthread_detach(ctl);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  printf("{\"mounted\":true,\"pid\":%d,\"metadata\":\"%s\"}\n", (int)getpid(), lazy_meta ? "lazy" : "durable");
  fflush(stdout);
  int ret = fuse_loop_mt(g_fuse, 0);
  /* a second signal (the parent's death after end of stdin, say) must not kill us before the unmount */
  signal(SIGTERM, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  size_t counts[3] = {0, 0, 0};
  checkpoint(counts);
  fuse_remove_signal_handlers(fuse_get_session(g_fuse));
  fuse_unmount(g_fuse);
  fuse_destroy(g_fuse);
  rm_rf_at(root_fd, TRASH);
  return ret < 0 ? 1 : 0;
}
