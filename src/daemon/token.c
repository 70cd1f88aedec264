#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "token.h"
#include "util.h"

static bool is_token(const char *s, size_t n) {
        if (n != TOKEN_HEX)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!strchr("0123456789abcdef", s[i]))
                        return false;
        return true;
}

static int token_read(const char *path, char ret[static TOKEN_HEX + 1]) {
        char buf[TOKEN_HEX + 2];
        ssize_t n;
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

        if (fd < 0)
                return -errno;
        n = read(fd, buf, sizeof buf);
        close(fd);
        if (n < 0)
                return -errno;
        if (n > 0 && buf[n - 1] == '\n')
                n--;
        if (!is_token(buf, (size_t) n))
                return -EBADMSG;
        memcpy(ret, buf, TOKEN_HEX);
        ret[TOKEN_HEX] = '\0';
        return 0;
}

/* Written aside and renamed over the old one, synced: a phone paired with it must not
 * find it changed after a power cut. */
static int token_write(const char *dir, const char *path, const char *token) {
        _cleanup_free_ char *aside = NULL;
        char line[TOKEN_HEX + 1];
        int fd, r = 0;

        if (asprintf(&aside, "%s/.web-token.new", dir) < 0)
                return -ENOMEM;
        fd = open(aside, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return -errno;
        memcpy(line, token, TOKEN_HEX);
        line[TOKEN_HEX] = '\n';
        if (write(fd, line, sizeof line) != (ssize_t) sizeof line || fsync(fd) < 0)
                r = errno ? -errno : -EIO;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        if (r == 0 && rename(aside, path) < 0)
                r = -errno;
        if (r < 0)
                unlink(aside);
        return r;
}

int token_get(const char *dir, bool renew, char ret[static TOKEN_HEX + 1]) {
        _cleanup_free_ char *path = NULL;
        unsigned char bits[TOKEN_HEX / 2];

        if (asprintf(&path, "%s/web-token", dir) < 0)
                return -ENOMEM;
        if (!renew && token_read(path, ret) == 0)
                return 0;
        if (getrandom(bits, sizeof bits, 0) != (ssize_t) sizeof bits)
                return -errno;
        for (size_t i = 0; i < sizeof bits; i++)
                snprintf(ret + 2 * i, 3, "%02x", bits[i]);
        return token_write(dir, path, ret);
}
