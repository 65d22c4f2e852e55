/* CRC-32 as zlib computes it (crc32 of zlib.h), faster where the CPU multiplies without carry. */
#ifndef FLOE_CRC32_FOLD_H
#define FLOE_CRC32_FOLD_H
#include <stddef.h>

/* The CRC-32 of `length` bytes at `data`, continuing `crc` (0 to start): zlib's crc32(crc, data, length). */
unsigned long floe_crc32(unsigned long crc, const unsigned char *data, size_t length);

#endif
