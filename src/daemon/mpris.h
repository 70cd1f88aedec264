/* MPRIS 2.2 (org.mpris.MediaPlayer2.tiptoed at /org/mpris/MediaPlayer2), so media keys,
 * playerctl and desktop media widgets control the workout with no setup. An exercise is
 * a track; the routine is the album. */
#pragma once

#include "daemon.h"

#define MPRIS_NAME "org.mpris.MediaPlayer2.tiptoed"
#define MPRIS_PATH "/org/mpris/MediaPlayer2"
#define MPRIS_ROOT "org.mpris.MediaPlayer2"
#define MPRIS_PLAYER "org.mpris.MediaPlayer2.Player"

int mpris_register(struct daemon *d);
void mpris_publish(struct daemon *d);
