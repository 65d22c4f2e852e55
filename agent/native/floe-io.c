/*
 * Floe's native file reader for the backup stream worker (agent/engine/native-io.ts loads it; the
 * worker falls back to Node's fs calls when it is not built). Why: on 20k small files Node's
 * lstatSync / openSync / readSync / fstatSync / closeSync cost a binding call each and a Stats
 * object (with four Dates, or eighteen BigInts for nanosecond times) per lstat and fstat; the
 * garbage of those objects and the calls cost more than the system calls themselves. Here one call
 * per path does the whole per-file sequence and writes plain numbers into a Float64Array the
 * caller reuses. Figures in docs/benchmarks.md.
 *
 * Two functions, both synchronous (the stream worker is its own thread) and thread-safe (no
 * static state: each worker thread loads its own instance):
 *
 *   lstatInto(path, out) -> 0 or -errno
 *     out[0..12] = mode, uid, gid, size, mtime sec, mtime nsec, ctime sec, ctime nsec, ino, dev,
 *                  nlink, 512-byte blocks, 1 when the path carries an extended attribute or ACL
 *                  GNU tar stores (any but security.selinux; also when the list cannot be read,
 *                  so that GNU tar decides), else 0: one llistxattr, where the stream worker
 *                  would otherwise run getfattr over the whole tree
 *
 *   readFileInto(path, target, offset, size, out) -> bytes read (0..size), or -errno if open failed
 *     Opens PATH (O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), reads at most SIZE bytes into
 *     TARGET at OFFSET (stopping early at end of file or on a read error), fstats and closes it.
 *     out[0..7] = CRC-32 of the bytes read, errno of a read error (0: none), then the fstat after the
 *                 read: size, mtime sec, mtime nsec, ctime sec, ctime nsec, ino (size -1 if the
 *                 fstat failed).
 *
 *   crc32(data, offset, length, crc) -> the CRC-32 of LENGTH bytes of DATA from OFFSET, continuing
 *     CRC (0 to start): zlib's crc32, folded with carry-less multiplication where the CPU can
 *     (crc32-fold.c; every CRC this module computes goes through it).
 *
 *   crc32Combine(crcA, crcB, lengthB) -> the CRC-32 of A followed by B (zlib's crc32_combine): the
 *     stream worker derives each batch's CRC from its files' without reading their bytes again.
 *
 *   packFiles(paths, meta, count, target, offset, capacity, crc, results) -> files packed (0..count)
 *     Writes plain small files into an outgoing batch exactly as pax-writer.ts and floe-stream.ts
 *     would: for each, a pax 'x' header holding the mtime when it has nanoseconds, the ustar header,
 *     the data read as readFileInto reads it (zeros where a file ended early) and zeros to the next
 *     512-byte block. PATHS are absolute; the member name is the path without its leading '/'.
 *     META holds META_FIELDS numbers per file from the scan's lstat: size, mode, uid, gid, mtime
 *     sec, mtime nsec, mtime and ctime in milliseconds (as scan.ts's millisecondsOf), ino. It stops before a file that is not plain (a name
 *     over 100 bytes or not printable ASCII, ids or times ustar cannot hold, or headers and data
 *     over SLACK: the JavaScript writer takes it) or when the batch is full (OFFSET reached
 *     CAPACITY, or headers and data would not fit in TARGET). A file that cannot be opened takes no
 *     bytes. results[0..2] = the offset after the last file, the CRC-32 of TARGET from OFFSET to
 *     there continued from CRC, and why it stopped (0: all packed, 1: not plain, 2: batch full);
 *     then RESULT_FIELDS per file packed: bytes read (or -errno when open failed), CRC-32 of the
 *     data as stored, errno of a read error (0: none), 1 when the fstat after the read differs
 *     from the scan in size, inode, mtime or ctime (stream-member.ts's changedSinceScan) or
 *     failed, else 0.
 *
 * Numbers go through doubles: exact up to 2^53 (sizes, inodes and device numbers as Node gives them).
 * Bad arguments throw a TypeError or RangeError; a path too long for PATH_MAX gives -ENAMETOOLONG.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <node_api.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "crc32-fold.h"

/* zlib's CRC-32 combination, exported by the Node binary that loads this module. */
extern unsigned long crc32_combine(unsigned long crc1, unsigned long crc2, long len2);

#define LSTAT_FIELDS 13
#define READ_FIELDS 8

/* The modification and change times of `st` as whole seconds and nanoseconds, into out[0..3]. */
static void put_times(double *out, const struct stat *st) {
  out[0] = (double)st->st_mtim.tv_sec;
  out[1] = (double)st->st_mtim.tv_nsec;
  out[2] = (double)st->st_ctim.tv_sec;
  out[3] = (double)st->st_ctim.tv_nsec;
}

/* Throws and returns NULL: the caller returns NULL to JavaScript (the exception is pending). */
static napi_value fail(napi_env env, const char *code, const char *message, int range) {
  if (range) napi_throw_range_error(env, code, message);
  else napi_throw_type_error(env, code, message);
  return NULL;
}

/* The path argument as a NUL-terminated string in `path` (PATH_MAX bytes); 0 ok, -ENAMETOOLONG, or
 * -1: not a string, or one holding a NUL byte (it would name another path in C; Node refuses it too). */
static int path_arg(napi_env env, napi_value value, char *path) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) return -1;
  if (length >= PATH_MAX) return -ENAMETOOLONG;
  if (napi_get_value_string_utf8(env, value, path, PATH_MAX, &length) != napi_ok) return -1;
  if (strlen(path) != length) return -1;
  return 0;
}

/* The Float64Array argument with at least `fields` elements, or NULL. */
static double *out_arg(napi_env env, napi_value value, size_t fields) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return NULL;
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  if (napi_get_typedarray_info(env, value, &type, &length, &data, NULL, NULL) != napi_ok) return NULL;
  if (type != napi_float64_array || length < fields) return NULL;
  return data;
}

/* Fills argv with the call's first `count` arguments; 0 when it was given fewer. */
static int get_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv) {
  size_t argc = count;
  return napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc >= count;
}

/* The Uint8Array (Buffer) argument's bytes, their count in *length; NULL when it is not one. */
static unsigned char *bytes_arg(napi_env env, napi_value value, size_t *length) {
  bool is_typed = false;
  napi_typedarray_type type;
  void *data = NULL;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed || napi_get_typedarray_info(env, value, &type, length, &data, NULL, NULL) != napi_ok || type != napi_uint8_array) return NULL;
  return data;
}

/* A double argument that is a whole number in [0, max] (NaN and infinities are not: tested before any cast). */
static int whole_in(double value, double max) {
  return value >= 0 && value <= max && value == (double)(unsigned long long)value;
}

/* Whether [offset, offset + length) are whole numbers within `limit` bytes. */
static int span_within(double offset, double length, size_t limit) {
  return whole_in(offset, (double)limit) && whole_in(length, (double)limit) && (size_t)length <= limit - (size_t)offset;
}

static napi_value number(napi_env env, double value) {
  napi_value result;
  napi_create_double(env, value, &result);
  return result;
}

/* 1 when `path` (not followed) carries an attribute GNU tar stores, 0 when not (see lstatInto). */
static int carries_attributes(const char *path) {
  char names[4096];
  ssize_t size = llistxattr(path, names, sizeof names);
  if (size == 0) return 0;
  if (size < 0) return errno == ENOTSUP ? 0 : 1; /* ERANGE: a list over 4 KiB holds more than security.selinux */
  for (ssize_t at = 0; at < size; at += (ssize_t)strnlen(names + at, (size_t)(size - at)) + 1)
    if (strcmp(names + at, "security.selinux") != 0) return 1;
  return 0;
}

static napi_value lstat_into(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv)) return fail(env, "ERR_INVALID_ARG_TYPE", "lstatInto(path, out) takes two arguments", 0);
  char path[PATH_MAX];
  int status = path_arg(env, argv[0], path);
  if (status == -1) return fail(env, "ERR_INVALID_ARG_TYPE", "lstatInto: path must be a string without NUL bytes", 0);
  double *out = out_arg(env, argv[1], LSTAT_FIELDS);
  if (out == NULL) return fail(env, "ERR_INVALID_ARG_TYPE", "lstatInto: out must be a Float64Array of 13 or more", 0);
  if (status != 0) return number(env, status);
  struct stat st;
  if (lstat(path, &st) != 0) return number(env, -errno);
  out[0] = st.st_mode;
  out[1] = st.st_uid;
  out[2] = st.st_gid;
  out[3] = (double)st.st_size;
  put_times(out + 4, &st);
  out[8] = (double)st.st_ino;
  out[9] = (double)st.st_dev;
  out[10] = (double)st.st_nlink;
  out[11] = (double)st.st_blocks;
  out[12] = carries_attributes(path);
  return number(env, 0);
}

static napi_value read_file_into(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!get_args(env, info, 5, argv)) return fail(env, "ERR_INVALID_ARG_TYPE", "readFileInto(path, target, offset, size, out) takes five arguments", 0);
  char path[PATH_MAX];
  int status = path_arg(env, argv[0], path);
  if (status == -1) return fail(env, "ERR_INVALID_ARG_TYPE", "readFileInto: path must be a string without NUL bytes", 0);
  size_t target_length = 0;
  unsigned char *target = bytes_arg(env, argv[1], &target_length);
  if (target == NULL) return fail(env, "ERR_INVALID_ARG_TYPE", "readFileInto: target must be a Uint8Array (a Buffer)", 0);
  double offset = -1, size = -1;
  if (napi_get_value_double(env, argv[2], &offset) != napi_ok || napi_get_value_double(env, argv[3], &size) != napi_ok)
    return fail(env, "ERR_INVALID_ARG_TYPE", "readFileInto: offset and size must be numbers", 0);
  if (!span_within(offset, size, target_length)) return fail(env, "ERR_OUT_OF_RANGE", "readFileInto: offset and size must be whole numbers within the target", 1);
  double *out = out_arg(env, argv[4], READ_FIELDS);
  if (out == NULL) return fail(env, "ERR_INVALID_ARG_TYPE", "readFileInto: out must be a Float64Array of 8 or more", 0);
  if (status != 0) return number(env, status);

  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return number(env, -errno);
  unsigned char *into = target + (size_t)offset;
  size_t want = (size_t)size, done = 0;
  int read_errno = 0;
  while (done < want) {
    ssize_t got = pread(fd, into + done, want - done, (off_t)done);
    if (got < 0) {
      if (errno == EINTR) continue;
      read_errno = errno;
      break;
    }
    if (got == 0) break;
    done += (size_t)got;
  }
  out[0] = (double)floe_crc32(0, into, done);
  out[1] = read_errno;
  struct stat st;
  if (fstat(fd, &st) == 0) {
    out[2] = (double)st.st_size;
    put_times(out + 3, &st);
    out[7] = (double)st.st_ino;
  } else {
    out[2] = -1;
  }
  close(fd);
  return number(env, (double)done);
}

static napi_value crc32_js(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!get_args(env, info, 4, argv)) return fail(env, "ERR_INVALID_ARG_TYPE", "crc32(data, offset, length, crc) takes four arguments", 0);
  size_t data_length = 0;
  const unsigned char *data = bytes_arg(env, argv[0], &data_length);
  if (data == NULL) return fail(env, "ERR_INVALID_ARG_TYPE", "crc32: data must be a Uint8Array (a Buffer)", 0);
  double offset = -1, length = -1, crc = -1;
  if (napi_get_value_double(env, argv[1], &offset) != napi_ok || napi_get_value_double(env, argv[2], &length) != napi_ok || napi_get_value_double(env, argv[3], &crc) != napi_ok)
    return fail(env, "ERR_INVALID_ARG_TYPE", "crc32: offset, length and crc must be numbers", 0);
  if (!span_within(offset, length, data_length) || !whole_in(crc, 4294967295.0))
    return fail(env, "ERR_OUT_OF_RANGE", "crc32: offset and length must be whole numbers within the data, crc a 32-bit unsigned integer", 1);
  return number(env, (double)floe_crc32((unsigned long)crc, data + (size_t)offset, (size_t)length));
}

static napi_value crc32_combine_js(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  double a = -1, b = -1, length = -1;
  if (!get_args(env, info, 3, argv) || napi_get_value_double(env, argv[0], &a) != napi_ok || napi_get_value_double(env, argv[1], &b) != napi_ok ||
      napi_get_value_double(env, argv[2], &length) != napi_ok)
    return fail(env, "ERR_INVALID_ARG_TYPE", "crc32Combine(crcA, crcB, lengthB) takes three numbers", 0);
  if (!whole_in(a, 4294967295.0) || !whole_in(b, 4294967295.0) || !whole_in(length, 9007199254740991.0))
    return fail(env, "ERR_OUT_OF_RANGE", "crc32Combine: CRCs must be 32-bit unsigned integers and the length a whole number >= 0", 1);
  return number(env, (double)crc32_combine((unsigned long)a, (unsigned long)b, (long)length));
}

/* ---- packFiles: see the comment at the top; the formats are pax-writer.ts's, byte for byte ---- */

#define META_FIELDS 9
#define RESULT_FIELDS 4
#define BLOCK 512
/* pax-writer.ts's MAX_HEADER_BYTES and floe-stream.ts's SLACK. */
#define MAX_HEADER_BYTES (16 * 1024)
#define SLACK (1024 * 1024)
#define MAX_OCTAL_7 2097151.0 /* 07777777: the largest seven octal digits hold */
#define MAX_OCTAL_11 8589934591.0 /* 077777777777 */
#define STOP_DONE 0
#define STOP_NOT_PLAIN 1
#define STOP_FULL 2

/* Writes `value` as width - 1 octal digits and a NUL; returns the bytes' sum (as pax-writer's octal). */
static unsigned octal_field(unsigned char *at, int width, unsigned long long value) {
  unsigned sum = 0;
  for (int index = width - 2; index >= 0; index -= 1) {
    at[index] = (unsigned char)('0' + (value & 7));
    sum += at[index];
    value >>= 3;
  }
  at[width - 1] = 0;
  return sum;
}

/* One ustar header block at `at` (512 bytes, zeroed here): numeric owners, no link name. */
static void ustar_header(unsigned char *at, const char *name, size_t name_length, unsigned mode, unsigned uid, unsigned gid, unsigned long long size, unsigned long long mtime, unsigned char typeflag) {
  memset(at, 0, BLOCK);
  memcpy(at, name, name_length);
  memcpy(at + 257, "ustar\0" "00", 8);
  unsigned sum = 8 * ' ';
  for (size_t index = 0; index < name_length; index += 1) sum += (unsigned char)name[index];
  for (int index = 257; index < 265; index += 1) sum += at[index];
  sum += octal_field(at + 100, 8, mode);
  sum += octal_field(at + 108, 8, uid);
  sum += octal_field(at + 116, 8, gid);
  sum += octal_field(at + 124, 12, size);
  sum += octal_field(at + 136, 12, mtime);
  at[156] = typeflag;
  sum += typeflag;
  octal_field(at + 148, 7, sum);
  at[155] = ' ';
}

/* "LEN mtime=SEC.FRACTION\n" (trailing zeros of the fraction dropped; nsec > 0) into `record`; returns its length. */
static size_t mtime_record(char *record, long long sec, long nsec) {
  char value[48];
  int length = snprintf(value, sizeof value, "%lld.%09ld", sec, nsec);
  while (value[length - 1] == '0') length -= 1;
  value[length] = 0;
  size_t body = (size_t)length + strlen("mtime") + 3; /* " ", "=", "\n" */
  char digits[24];
  size_t total = body + (size_t)snprintf(digits, sizeof digits, "%zu", body);
  if ((size_t)snprintf(digits, sizeof digits, "%zu", total) > (size_t)snprintf(NULL, 0, "%zu", body)) total += 1;
  return (size_t)snprintf(record, 96, "%zu mtime=%s\n", total, value);
}

/* A time in milliseconds exactly as scan.ts's millisecondsOf computes it (the same double operations). */
static double milliseconds_of(double sec, double nsec) {
  return sec < 0 && nsec > 0 ? (sec + 1) * 1e3 + (nsec - 1e9) / 1e6 : sec * 1e3 + nsec / 1e6;
}

/* Whether `name` (length bytes) can stand in a ustar name field as pax-writer writes it without a pax path record. */
static int plain_name(const char *name, size_t length) {
  if (length == 0 || length > 100) return 0;
  for (size_t index = 0; index < length; index += 1)
    if ((unsigned char)name[index] < 0x20 || (unsigned char)name[index] > 0x7e) return 0;
  return 1;
}

/* Reads up to `want` bytes of `fd` into `into`; returns the count, with *read_errno set on a read error. */
static size_t read_fully(int fd, unsigned char *into, size_t want, int *read_errno) {
  size_t done = 0;
  *read_errno = 0;
  while (done < want) {
    ssize_t got = pread(fd, into + done, want - done, (off_t)done);
    if (got < 0) {
      if (errno == EINTR) continue;
      *read_errno = errno;
      break;
    }
    if (got == 0) break;
    done += (size_t)got;
  }
  return done;
}

/* The directory of the files being packed: files of one directory come in a row (the walk's order). */
struct directory {
  int fd; /* O_PATH descriptor, or -1 */
  size_t length;
  char path[PATH_MAX];
};

/*
 * Opens the file at absolute `path` as readFileInto does, relative to its directory's descriptor
 * (opened once per directory): the kernel then resolves one name per file, not the whole path.
 * The same files are reached: open(path) follows symlinks in the directory part of the path too.
 * Where the directory cannot be opened, open(path) tells why the file cannot be.
 */
static int open_in(struct directory *directory, const char *path) {
  const int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
  const char *slash = strrchr(path, '/');
  size_t parent = slash == path ? 1 : (size_t)(slash - path);
  if (directory->fd < 0 || directory->length != parent || memcmp(directory->path, path, parent) != 0) {
    if (directory->fd >= 0) close(directory->fd);
    memcpy(directory->path, path, parent);
    directory->path[parent] = 0;
    directory->length = parent;
    directory->fd = open(directory->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  }
  return directory->fd >= 0 ? openat(directory->fd, slash + 1, flags) : open(path, flags);
}

static napi_value pack_files(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  if (!get_args(env, info, 8, argv))
    return fail(env, "ERR_INVALID_ARG_TYPE", "packFiles(paths, meta, count, target, offset, capacity, crc, results) takes eight arguments", 0);
  bool is_array = false;
  uint32_t paths_length = 0;
  if (napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array || napi_get_array_length(env, argv[0], &paths_length) != napi_ok)
    return fail(env, "ERR_INVALID_ARG_TYPE", "packFiles: paths must be an array of strings", 0);
  double count_arg = -1, offset_arg = -1, capacity_arg = -1, crc_arg = -1;
  if (napi_get_value_double(env, argv[2], &count_arg) != napi_ok || napi_get_value_double(env, argv[4], &offset_arg) != napi_ok || napi_get_value_double(env, argv[5], &capacity_arg) != napi_ok ||
      napi_get_value_double(env, argv[6], &crc_arg) != napi_ok)
    return fail(env, "ERR_INVALID_ARG_TYPE", "packFiles: count, offset, capacity and crc must be numbers", 0);
  size_t target_length = 0;
  unsigned char *target = bytes_arg(env, argv[3], &target_length);
  if (target == NULL) return fail(env, "ERR_INVALID_ARG_TYPE", "packFiles: target must be a Uint8Array (a Buffer)", 0);
  if (!whole_in(count_arg, paths_length) || !whole_in(offset_arg, (double)target_length) || !whole_in(capacity_arg, (double)target_length) || !whole_in(crc_arg, 4294967295.0))
    return fail(env, "ERR_OUT_OF_RANGE", "packFiles: count must be within paths, offset and capacity within the target, crc a 32-bit unsigned integer", 1);
  size_t count = (size_t)count_arg;
  double *meta = out_arg(env, argv[1], count * META_FIELDS);
  if (meta == NULL) return fail(env, "ERR_INVALID_ARG_TYPE", "packFiles: meta must be a Float64Array of 9 numbers per file", 0);
  double *results = out_arg(env, argv[7], 3 + count * RESULT_FIELDS);
  if (results == NULL) return fail(env, "ERR_INVALID_ARG_TYPE", "packFiles: results must be a Float64Array of 3 + 4 numbers per file", 0);

  size_t used = (size_t)offset_arg, capacity = (size_t)capacity_arg, packed = 0;
  unsigned long crc = (unsigned long)crc_arg;
  int stop = STOP_DONE;
  char path[PATH_MAX];
  struct directory directory = {-1, 0, {0}};
  for (; packed < count; packed += 1) {
    const double *m = meta + packed * META_FIELDS;
    double *r = results + 3 + packed * RESULT_FIELDS;
    napi_value element;
    size_t path_length = 0;
    if (napi_get_element(env, argv[0], (uint32_t)packed, &element) != napi_ok || napi_get_value_string_utf8(env, element, path, PATH_MAX, &path_length) != napi_ok) {
      if (packed == 0) return fail(env, "ERR_INVALID_ARG_TYPE", "packFiles: paths must be an array of strings", 0);
      stop = STOP_NOT_PLAIN; /* the JavaScript writer refuses it with its own message */
      break;
    }
    /* A name that fills the buffer may have been cut, one holding a NUL names another path: not plain. */
    if (path[0] != '/' || path_length + 1 >= PATH_MAX || strlen(path) != path_length || !plain_name(path + 1, path_length - 1) || !whole_in(m[0], 9007199254740991.0) || !whole_in(m[1], 07777) ||
        !whole_in(m[2], MAX_OCTAL_7) || !whole_in(m[3], MAX_OCTAL_7) || !whole_in(m[4], MAX_OCTAL_11) || !whole_in(m[5], 999999999)) {
      stop = STOP_NOT_PLAIN;
      break;
    }
    size_t size = (size_t)m[0];
    size_t blocks = (size + BLOCK - 1) / BLOCK * BLOCK;
    if (MAX_HEADER_BYTES + blocks > SLACK) {
      stop = STOP_NOT_PLAIN;
      break;
    }
    if (used >= capacity || MAX_HEADER_BYTES + blocks > target_length - used) {
      stop = STOP_FULL;
      break;
    }
    int fd = open_in(&directory, path);
    if (fd < 0) {
      r[0] = -errno;
      r[1] = 0;
      r[2] = 0;
      r[3] = 0;
      continue;
    }
    long long mtime_sec = (long long)m[4];
    long mtime_nsec = (long)m[5];
    unsigned char *start = target + used, *at = start;
    if (mtime_nsec != 0) {
      char record[96];
      size_t record_length = mtime_record(record, mtime_sec, mtime_nsec);
      ustar_header(at, "././@PaxHeader", strlen("././@PaxHeader"), 0644, 0, 0, record_length, (unsigned long long)mtime_sec, 'x');
      memset(at + BLOCK, 0, BLOCK);
      memcpy(at + BLOCK, record, record_length);
      at += 2 * BLOCK;
    }
    ustar_header(at, path + 1, path_length - 1, (unsigned)m[1], (unsigned)m[2], (unsigned)m[3], size, (unsigned long long)mtime_sec, '0');
    at += BLOCK;
    int read_errno = 0;
    size_t done = read_fully(fd, at, size, &read_errno);
    struct stat st;
    int changed = 1;
    if (fstat(fd, &st) == 0)
      changed = (double)st.st_size != m[0] || (double)st.st_ino != m[8] || milliseconds_of((double)st.st_mtim.tv_sec, (double)st.st_mtim.tv_nsec) != m[6] ||
                milliseconds_of((double)st.st_ctim.tv_sec, (double)st.st_ctim.tv_nsec) != m[7];
    close(fd);
    memset(at + done, 0, blocks - done); /* what the file lacked, then the padding */
    unsigned long data_crc = floe_crc32(0, at, size);
    crc = floe_crc32(crc, start, (size_t)(at - start));
    crc = crc32_combine(crc, data_crc, (long)size);
    crc = floe_crc32(crc, at + size, blocks - size);
    used = (size_t)(at - target) + blocks;
    r[0] = (double)done;
    r[1] = (double)data_crc;
    r[2] = read_errno;
    r[3] = changed;
  }
  if (directory.fd >= 0) close(directory.fd);
  results[0] = (double)used;
  results[1] = (double)crc;
  results[2] = stop;
  return number(env, (double)packed);
}

NAPI_MODULE_INIT() {
  napi_property_descriptor functions[] = {
      {"lstatInto", NULL, lstat_into, NULL, NULL, NULL, napi_enumerable, NULL},
      {"readFileInto", NULL, read_file_into, NULL, NULL, NULL, napi_enumerable, NULL},
      {"crc32", NULL, crc32_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"crc32Combine", NULL, crc32_combine_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"packFiles", NULL, pack_files, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}
