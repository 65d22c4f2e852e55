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
 *     out[0..11] = mode, uid, gid, size, mtime sec, mtime nsec, ctime sec, ctime nsec, ino, dev,
 *                  nlink, 512-byte blocks
 *
 *   readFileInto(path, target, offset, size, out) -> bytes read (0..size), or -errno if open failed
 *     Opens PATH (O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), reads at most SIZE bytes into
 *     TARGET at OFFSET (stopping early at end of file or on a read error), fstats and closes it.
 *     out[0..7] = CRC-32 of the bytes read, errno of a read error (0: none), then the fstat after the
 *                 read: size, mtime sec, mtime nsec, ctime sec, ctime nsec, ino (size -1 if the
 *                 fstat failed).
 *
 *   crc32Combine(crcA, crcB, lengthB) -> the CRC-32 of A followed by B (zlib's crc32_combine): the
 *     stream worker derives each batch's CRC from its files' without reading their bytes again.
 *
 * Numbers go through doubles: exact up to 2^53 (sizes, inodes and device numbers as Node gives them).
 * Bad arguments throw a TypeError or RangeError; a path too long for PATH_MAX gives -ENAMETOOLONG.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <node_api.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* zlib's CRC-32, exported by the Node binary that loads this module (the same one node:zlib uses). */
extern unsigned long crc32(unsigned long crc, const unsigned char *buf, unsigned int len);
extern unsigned long crc32_combine(unsigned long crc1, unsigned long crc2, long len2);

#define LSTAT_FIELDS 12
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

static napi_value number(napi_env env, double value) {
  napi_value result;
  napi_create_double(env, value, &result);
  return result;
}

static napi_value lstat_into(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) return fail(env, "ERR_INVALID_ARG_TYPE", "lstatInto(path, out) takes two arguments", 0);
  char path[PATH_MAX];
  int status = path_arg(env, argv[0], path);
  if (status == -1) return fail(env, "ERR_INVALID_ARG_TYPE", "lstatInto: path must be a string without NUL bytes", 0);
  double *out = out_arg(env, argv[1], LSTAT_FIELDS);
  if (out == NULL) return fail(env, "ERR_INVALID_ARG_TYPE", "lstatInto: out must be a Float64Array of 12 or more", 0);
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
  return number(env, 0);
}

static napi_value read_file_into(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5) return fail(env, "ERR_INVALID_ARG_TYPE", "readFileInto(path, target, offset, size, out) takes five arguments", 0);
  char path[PATH_MAX];
  int status = path_arg(env, argv[0], path);
  if (status == -1) return fail(env, "ERR_INVALID_ARG_TYPE", "readFileInto: path must be a string without NUL bytes", 0);
  bool is_typed = false;
  napi_typedarray_type type;
  size_t target_length = 0;
  void *target = NULL;
  if (napi_is_typedarray(env, argv[1], &is_typed) != napi_ok || !is_typed || napi_get_typedarray_info(env, argv[1], &type, &target_length, &target, NULL, NULL) != napi_ok || type != napi_uint8_array)
    return fail(env, "ERR_INVALID_ARG_TYPE", "readFileInto: target must be a Uint8Array (a Buffer)", 0);
  double offset = -1, size = -1;
  if (napi_get_value_double(env, argv[2], &offset) != napi_ok || napi_get_value_double(env, argv[3], &size) != napi_ok)
    return fail(env, "ERR_INVALID_ARG_TYPE", "readFileInto: offset and size must be numbers", 0);
  /* The range first (NaN and infinities fail it), so that the casts below only see values in range. */
  if (!(offset >= 0 && size >= 0 && offset <= (double)target_length && size <= (double)target_length && offset == (double)(size_t)offset && size == (double)(size_t)size &&
        (size_t)size <= target_length - (size_t)offset))
    return fail(env, "ERR_OUT_OF_RANGE", "readFileInto: offset and size must be whole numbers within the target", 1);
  double *out = out_arg(env, argv[4], READ_FIELDS);
  if (out == NULL) return fail(env, "ERR_INVALID_ARG_TYPE", "readFileInto: out must be a Float64Array of 8 or more", 0);
  if (status != 0) return number(env, status);

  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return number(env, -errno);
  unsigned char *into = (unsigned char *)target + (size_t)offset;
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
  unsigned long crc = 0;
  for (size_t at = 0; at < done;) {
    size_t piece = done - at > (1u << 30) ? (1u << 30) : done - at;
    crc = crc32(crc, into + at, (unsigned int)piece);
    at += piece;
  }
  out[0] = (double)crc;
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

static napi_value crc32_combine_js(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  double a = -1, b = -1, length = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 || napi_get_value_double(env, argv[0], &a) != napi_ok || napi_get_value_double(env, argv[1], &b) != napi_ok ||
      napi_get_value_double(env, argv[2], &length) != napi_ok)
    return fail(env, "ERR_INVALID_ARG_TYPE", "crc32Combine(crcA, crcB, lengthB) takes three numbers", 0);
  if (!(a >= 0 && a <= 4294967295.0 && b >= 0 && b <= 4294967295.0 && length >= 0 && length <= 9007199254740991.0 && a == (double)(unsigned long)a && b == (double)(unsigned long)b && length == (double)(long)length))
    return fail(env, "ERR_OUT_OF_RANGE", "crc32Combine: CRCs must be 32-bit unsigned integers and the length a whole number >= 0", 1);
  return number(env, (double)crc32_combine((unsigned long)a, (unsigned long)b, (long)length));
}

NAPI_MODULE_INIT() {
  napi_property_descriptor functions[] = {
      {"lstatInto", NULL, lstat_into, NULL, NULL, NULL, napi_enumerable, NULL},
      {"readFileInto", NULL, read_file_into, NULL, NULL, NULL, napi_enumerable, NULL},
      {"crc32Combine", NULL, crc32_combine_js, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}
