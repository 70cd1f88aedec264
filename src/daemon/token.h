/* The pairing token tiptoed-web asks of a phone on the LAN: 128 random bits as 32 hex
 * digits, kept in the state directory (web-token, mode 0600) so that a phone once paired
 * stays paired across restarts. Only a client the bus policy lets control the daemon can
 * read it (GetWebToken), which is who may pair a phone. */
#pragma once

#include <stdbool.h>

#define TOKEN_HEX 32

/* Reads dir/web-token into ret, making a new one first when there is none, it is not a
 * token, or renew is set. 0, or a negative errno, unsaid. */
int token_get(const char *dir, bool renew, char ret[static TOKEN_HEX + 1]);
