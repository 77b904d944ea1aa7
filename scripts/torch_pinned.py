"""torch for the fixture generators, pinned so the bytes do not depend on the machine.

torch's CPU kernels differ between its vectorized body and scalar tail, and between AVX2 and
AVX-512 builds of a kernel; torch 1.13 picks AVX2 by default. Import this module before torch.
"""
import os

os.environ.setdefault("ATEN_CPU_CAPABILITY", "avx2")

import torch  # noqa: E402


def cpu_capability():
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage:" in line:
            return line.split(":", 1)[1].strip()
    return "unknown"
