#include <endian.h>
#include <errno.h>

#include "wav.h"

struct wav_writer {
        FILE *f;
        unsigned rate;
        uint64_t n_samples;
        int error;
};

#define HEADER_SIZE 44

static void put16(uint8_t *p, uint16_t v) {
        v = htole16(v);
        memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v) {
        v = htole32(v);
        memcpy(p, &v, 4);
}

static void header(uint8_t h[HEADER_SIZE], unsigned rate, uint32_t data_bytes) {
        memcpy(h, "RIFF", 4);
        put32(h + 4, 36 + data_bytes);
        memcpy(h + 8, "WAVEfmt ", 8);
        put32(h + 16, 16); /* fmt chunk size */
        put16(h + 20, 1);  /* PCM */
        put16(h + 22, 1);  /* mono */
        put32(h + 24, rate);
        put32(h + 28, rate * 2); /* bytes per second */
        put16(h + 32, 2);        /* bytes per frame */
        put16(h + 34, 16);       /* bits per sample */
        memcpy(h + 36, "data", 4);
        put32(h + 40, data_bytes);
}

int wav_writer_open(const char *path, unsigned rate, struct wav_writer **ret) {
        uint8_t h[HEADER_SIZE];
        struct wav_writer *w = calloc(1, sizeof *w);
        if (!w)
                return -ENOMEM;
        w->rate = rate;
        w->f = fopen(path, "we");
        if (!w->f) {
                int r = -errno;
                free(w);
                return r;
        }
        header(h, rate, 0);
        if (fwrite(h, sizeof h, 1, w->f) != 1)
                w->error = -EIO;
        *ret = w;
        return 0;
}

int wav_writer_write(struct wav_writer *w, const int16_t *samples, size_t n) {
        int16_t le[4096];

        while (n > 0 && w->error == 0) {
                size_t k = MIN(n, ELEMENTSOF(le));
                for (size_t i = 0; i < k; i++)
                        le[i] = (int16_t) htole16((uint16_t) samples[i]);
                if (fwrite(le, sizeof *le, k, w->f) != k)
                        w->error = errno ? -errno : -EIO;
                w->n_samples += k;
                samples += k;
                n -= k;
        }
        return w->error;
}

int wav_writer_close(struct wav_writer *w) {
        uint8_t h[HEADER_SIZE];
        int r = w->error;

        if (r == 0 && w->n_samples * 2 > UINT32_MAX - 36)
                r = -EFBIG;
        if (r == 0) {
                header(h, w->rate, (uint32_t) (w->n_samples * 2));
                if (fseek(w->f, 0, SEEK_SET) < 0 || fwrite(h, sizeof h, 1, w->f) != 1)
                        r = -errno ?: -EIO;
        }
        if (fclose(w->f) != 0 && r == 0)
                r = -errno;
        free(w);
        return r;
}

static uint32_t get32(const uint8_t *p) {
        uint32_t v;
        memcpy(&v, p, 4);
        return le32toh(v);
}

static uint16_t get16(const uint8_t *p) {
        uint16_t v;
        memcpy(&v, p, 2);
        return le16toh(v);
}

int wav_read(const char *path, int16_t **ret_samples, size_t *ret_n, unsigned *ret_rate) {
        uint8_t chunk[8], riff[12], fmt[16];
        unsigned rate = 0;
        bool have_fmt = false;
        _cleanup_(fclosep) FILE *f = fopen(path, "re");

        if (!f)
                return -errno;
        if (fread(riff, sizeof riff, 1, f) != 1 || memcmp(riff, "RIFF", 4) || memcmp(riff + 8, "WAVE", 4))
                return -EBADMSG;
        while (fread(chunk, sizeof chunk, 1, f) == 1) {
                uint32_t size = get32(chunk + 4);
                if (!memcmp(chunk, "fmt ", 4) && size >= 16) {
                        if (fread(fmt, sizeof fmt, 1, f) != 1 || fseek(f, size - 16 + (size & 1), SEEK_CUR) < 0)
                                return -EBADMSG;
                        if (get16(fmt) != 1 || get16(fmt + 2) != 1 || get16(fmt + 14) != 16)
                                return -EPROTONOSUPPORT; /* not 16-bit mono PCM */
                        rate = get32(fmt + 4);
                        have_fmt = true;
                } else if (!memcmp(chunk, "data", 4) && have_fmt) {
                        /* A recorder still writing (parecord) leaves 0 or 0xffffffff here:
                         * then the data runs to the end of the file. */
                        if (size == 0 || size == UINT32_MAX) {
                                long here = ftell(f);
                                if (here < 0 || fseek(f, 0, SEEK_END) < 0)
                                        return -EBADMSG;
                                size = (uint32_t) MIN((uint64_t) ftell(f) - here, (uint64_t) UINT32_MAX - 1);
                                if (fseek(f, here, SEEK_SET) < 0)
                                        return -EBADMSG;
                        }
                        size_t n = size / 2;
                        int16_t *s = malloc(n ? n * 2 : 1);
                        if (!s)
                                return -ENOMEM;
                        n = fread(s, 2, n, f); /* a recording cut short still reads */
                        for (size_t i = 0; i < n; i++)
                                s[i] = (int16_t) le16toh((uint16_t) s[i]);
                        *ret_samples = s;
                        *ret_n = n;
                        *ret_rate = rate;
                        return 0;
                } else if (fseek(f, size + (size & 1), SEEK_CUR) < 0)
                        return -EBADMSG;
        }
        return -EBADMSG; /* no data chunk after a fmt chunk */
}
