/*
 * The first byte of every OpenVPN packet: opcode in the high 5 bits, key-id in
 * the low 3 (PROTOCOL.md 1.2).
 *
 *    7 6 5 4 3   2 1 0
 *   +---------+-------+
 *   | opcode  |key-id |
 *   +---------+-------+
 */
#ifndef DCOVPN_PROTO_OPCODE_H
#define DCOVPN_PROTO_OPCODE_H

#include <stdbool.h>
#include <stdint.h>

enum opcode {
	P_CONTROL_HARD_RESET_CLIENT_V1 = 1,
	P_CONTROL_HARD_RESET_SERVER_V1 = 2,
	P_CONTROL_SOFT_RESET_V1 = 3,
	P_CONTROL_V1 = 4,
	P_ACK_V1 = 5,
	P_DATA_V1 = 6,
	P_CONTROL_HARD_RESET_CLIENT_V2 = 7,
	P_CONTROL_HARD_RESET_SERVER_V2 = 8,
	P_DATA_V2 = 9,
	P_CONTROL_HARD_RESET_CLIENT_V3 = 10,
	P_CONTROL_WKC_V1 = 11,
};

#define P_OPCODE_SHIFT 3
#define P_KEY_ID_MASK 0x07u
#define P_FIRST_CONTROL_OPCODE P_CONTROL_SOFT_RESET_V1
#define P_LAST_OPCODE P_CONTROL_WKC_V1

static inline uint8_t opcode_byte(enum opcode op, uint8_t key_id)
{
	return (uint8_t)(((unsigned)op << P_OPCODE_SHIFT) | (key_id & P_KEY_ID_MASK));
}

static inline enum opcode opcode_of(uint8_t byte0)
{
	return (enum opcode)(byte0 >> P_OPCODE_SHIFT);
}

static inline uint8_t opcode_key_id(uint8_t byte0)
{
	return byte0 & P_KEY_ID_MASK;
}

static inline bool opcode_is_data(uint8_t byte0)
{
	enum opcode op = opcode_of(byte0);

	return op == P_DATA_V1 || op == P_DATA_V2;
}

#endif
