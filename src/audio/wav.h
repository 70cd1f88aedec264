/* WAV files: 16-bit mono PCM, written as a stream, read back whole (tests, tools). */
#pragma once

#include <stdio.h>

#include "util.h"

struct wav_writer;

int wav_writer_open(const char *path, unsigned rate, struct wav_writer **ret);
int wav_writer_write(struct wav_writer *w, const int16_t *samples, size_t n);
/* Finishes the header; the file is complete only when this returns 0. */
int wav_writer_close(struct wav_writer *w);

/* Reads a 16-bit mono PCM WAV file. */
int wav_read(const char *path, int16_t **ret_samples, size_t *ret_n, unsigned *ret_rate);
