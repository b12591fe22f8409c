#!/usr/bin/env python3
"""How long fdatasync takes on this machine's disk: 500 times a 4 KiB pwrite then fdatasync of one file in
DIR (default .build, the disk the ledger lives on), median / p90 / p99 in ms, with the 1-minute load average.
BENCHMARKS.md ("Hot path") records its figures; run it on an otherwise idle machine."""
import os
import sys
import time

directory = sys.argv[1] if len(sys.argv) > 1 else ".build"
os.makedirs(directory, exist_ok=True)
path = os.path.join(directory, "fdatasync-probe.tmp")
fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
block = b"x" * 4096
samples = []
try:
    for i in range(500):
        os.pwrite(fd, block, (i % 64) * 4096)
        start = time.perf_counter()
        os.fdatasync(fd)
        samples.append(time.perf_counter() - start)
finally:
    os.close(fd)
    os.unlink(path)
samples.sort()
load = os.getloadavg()[0]
print("fdatasync of a 4 KiB write, %d samples: median %.3f ms, p90 %.3f ms, p99 %.3f ms (load %.2f)"
      % (len(samples), samples[250] * 1e3, samples[450] * 1e3, samples[495] * 1e3, load))
