/* The WAV writer: what is written reads back sample for sample, header and all. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "wav.h"

static void test_written_samples_read_back(void **state) {
        char *path = write_temp("", ".wav");
        struct wav_writer *w;
        int16_t in[10000], *out = NULL;
        size_t n = 0;
        unsigned rate = 0;
        struct stat st;

        for (size_t i = 0; i < ELEMENTSOF(in); i++)
                in[i] = (int16_t) (i * 37 - 20000);
        assert_int_equal(wav_writer_open(path, 22050, &w), 0);
        assert_int_equal(wav_writer_write(w, in, 3), 0);
        assert_int_equal(wav_writer_write(w, in + 3, ELEMENTSOF(in) - 3), 0);
        assert_int_equal(wav_writer_close(w), 0);

        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_size, 44 + sizeof in);
        assert_int_equal(wav_read(path, &out, &n, &rate), 0);
        assert_int_equal(rate, 22050);
        assert_int_equal(n, ELEMENTSOF(in));
        assert_memory_equal(in, out, sizeof in);
        free(out);
        unlink(path);
        free(path);
}

static void test_empty_file_is_valid(void **state) {
        char *path = write_temp("", ".wav");
        struct wav_writer *w;
        int16_t *out = NULL;
        size_t n = 1;
        unsigned rate = 0;

        assert_int_equal(wav_writer_open(path, 8000, &w), 0);
        assert_int_equal(wav_writer_close(w), 0);
        assert_int_equal(wav_read(path, &out, &n, &rate), 0);
        assert_int_equal(n, 0);
        assert_int_equal(rate, 8000);
        free(out);
        unlink(path);
        free(path);
}

static void test_unwritable_path_fails(void **state) {
        struct wav_writer *w;
        assert_int_equal(wav_writer_open("/nonexistent/dir/x.wav", 22050, &w), -ENOENT);
}

static void test_full_disk_is_reported(void **state) {
        struct wav_writer *w;
        int16_t block[4096] = {};
        int r = 0;

        if (access("/dev/full", W_OK) < 0)
                fail_msg("/dev/full is needed to test a full disk");
        assert_int_equal(wav_writer_open("/dev/full", 22050, &w), 0);
        for (int i = 0; i < 100 && r == 0; i++)
                r = wav_writer_write(w, block, ELEMENTSOF(block));
        if (r == 0)
                r = wav_writer_close(w);
        else
                wav_writer_close(w);
        assert_int_equal(r, -ENOSPC);
}

/* A recording read while it is still being written: the sizes are placeholders. */
static void test_streaming_sizes_read_to_the_end(void **state) {
        char *path = write_temp("", ".wav");
        struct wav_writer *w;
        int16_t in[100], *out = NULL;
        size_t n = 0;
        unsigned rate = 0;
        const uint8_t unknown[4] = { 0xff, 0xff, 0xff, 0xff };

        for (size_t i = 0; i < ELEMENTSOF(in); i++)
                in[i] = (int16_t) (i * 300);
        assert_int_equal(wav_writer_open(path, 22050, &w), 0);
        assert_int_equal(wav_writer_write(w, in, ELEMENTSOF(in)), 0);
        assert_int_equal(wav_writer_close(w), 0);
        FILE *f = fopen(path, "r+");
        assert_non_null(f);
        assert_int_equal(fseek(f, 40, SEEK_SET), 0); /* the data chunk's size */
        assert_int_equal(fwrite(unknown, 4, 1, f), 1);
        fclose(f);

        assert_int_equal(wav_read(path, &out, &n, &rate), 0);
        assert_int_equal(n, ELEMENTSOF(in));
        assert_memory_equal(in, out, sizeof in);
        free(out);
        unlink(path);
        free(path);
}

static void test_not_a_wav_is_refused(void **state) {
        char *path = write_temp("this is not a wav file at all, just text", ".wav");
        int16_t *out = NULL;
        size_t n;
        unsigned rate;

        assert_int_equal(wav_read(path, &out, &n, &rate), -EBADMSG);
        unlink(path);
        free(path);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_written_samples_read_back),       cmocka_unit_test(test_empty_file_is_valid),
                cmocka_unit_test(test_unwritable_path_fails),           cmocka_unit_test(test_full_disk_is_reported),
                cmocka_unit_test(test_streaming_sizes_read_to_the_end), cmocka_unit_test(test_not_a_wav_is_refused),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
