#!/usr/bin/env python3
"""level.py WAV HZ MS: the level of the tone at HZ in a recording (its first channel), one
line per MS milliseconds: the window's start in seconds, the tone's level in dBFS (the
peak of a sine that strong) by the Goertzel algorithm, and the RMS level in dBFS of the
second difference of the samples, which keeps speech (-10 dB at 2 kHz) and all but
drops a low tone (-36 dB at 440 Hz at 22050 Hz): whether someone speaks over it."""
import math
import struct
import sys
import wave

path, hz, ms = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
with wave.open(path) as w:
    rate, channels = w.getframerate(), w.getnchannels()
    data = w.readframes(w.getnframes())
x = struct.unpack("<%dh" % (len(data) // 2), data)[::channels]
n = int(rate * ms / 1000)
k = 2 * math.cos(2 * math.pi * hz / rate)
for i in range(len(x) // n):
    s1 = s2 = 0.0
    for v in x[i * n:(i + 1) * n]:
        s1, s2 = v + k * s1 - s2, s1
    amplitude = math.sqrt(max(s1 * s1 + s2 * s2 - k * s1 * s2, 0.0)) * 2 / n
    w = x[max(i * n - 2, 0):(i + 1) * n]
    energy = sum((w[j] - 2 * w[j - 1] + w[j - 2]) ** 2 for j in range(2, len(w)))
    rms = math.sqrt(energy / max(len(w) - 2, 1))
    print("%.3f %.2f %.2f" % (i * n / rate, 20 * math.log10(max(amplitude, 0.03) / 32768),
                              20 * math.log10(max(rms, 0.03) / 32768)))
