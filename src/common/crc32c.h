// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of Kafka v2 record
// batches and of Caudal's own on-disk records. Long inputs use carry-less multiplication
// (VPCLMULQDQ) when the CPU has it, others the SSE4.2 crc32 instruction, and a table-driven
// (slicing-by-8) path is the fallback; all give identical results.
#pragma once

#include <cstdint>

#include "common/bytes.h"

namespace caudal::crc32c {

// CRC of `data`, continuing from a previous value (0 to start). extend(extend(0, a), b) equals
// value(a + b).
uint32_t extend(uint32_t crc, ByteView data);
inline uint32_t value(ByteView data) { return extend(0, data); }

// The two implementations, exposed so tests can check that they agree.
uint32_t extend_portable(uint32_t crc, ByteView data);
// Precondition: hardware_available().
uint32_t extend_hardware(uint32_t crc, ByteView data);
bool hardware_available();
// Carry-less multiplication folding (AVX-512 VPCLMULQDQ) for inputs of 512 bytes or more;
// shorter ones go to extend_hardware. Precondition: carryless_available().
uint32_t extend_carryless(uint32_t crc, ByteView data);
bool carryless_available();

}  // namespace caudal::crc32c
