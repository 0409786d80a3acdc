"""A seccomp filter (classic BPF, for bwrap --seccomp) that makes shmget, msgget, memfd_create and memfd_secret fail.

Their memory lies outside the scratch and, once unmapped, outside RLIMIT_AS: without a cgroup no limit would count
it. Every call through another ABI (32-bit, x32) fails too, so none is reached by another number.
"""
import errno
import os
import platform
import struct

# audit architecture, and the numbers of shmget, msgget, memfd_create and memfd_secret
DENIED = {"x86_64": (0xC000003E, (29, 68, 319, 447)), "aarch64": (0xC00000B7, (194, 186, 279, 447))}
LOAD, JEQ, JGE, RET = 0x20, 0x15, 0x35, 0x06
ALLOW, REFUSE = 0x7FFF0000, 0x00050000 | errno.EPERM
X32_BIT = 0x40000000


def _op(code, k, jt=0, jf=0):
    return struct.pack("=HBBI", code, jt, jf, k)


def program(machine=None):
    """Return the filter as bytes (struct sock_filter[]), or None where this machine's numbers are unknown."""
    if (machine or platform.machine()) not in DENIED:
        return None
    arch, numbers = DENIED[machine or platform.machine()]
    out = [_op(LOAD, 4), _op(JEQ, arch, 1, 0), _op(RET, REFUSE), _op(LOAD, 0), _op(JGE, X32_BIT, len(numbers) + 1, 0)]
    out += [_op(JEQ, number, len(numbers) - index, 0) for index, number in enumerate(numbers)]
    return b"".join(out + [_op(RET, ALLOW), _op(RET, REFUSE)])


def pipe():
    """Return a readable fd holding the filter (for bwrap --seccomp), or None; the caller closes it."""
    if program() is None:
        return None
    read, write = os.pipe()
    with open(write, "wb") as handle:  # a few hundred bytes: far below a pipe's buffer
        handle.write(program())
    return read
