"""A seccomp filter that refuses the system calls which make memory no limit counts without a cgroup.

SysV shared memory and message queues, and memfd files, live outside the scratch tmpfs and
outside RLIMIT_AS once unmapped, so without a cgroup a submission could fill the host's memory
with them. The filter makes shmget, msgget, memfd_create and memfd_secret fail with EPERM, and
every system call of another ABI (32-bit, x32) too, so they cannot be reached by another number.
It is a classic BPF program, handed to bubblewrap with --seccomp; None on other CPUs.
"""
import errno
import os
import platform
import struct

# (audit architecture, {system call: number}) per machine
_TABLES = {
    "x86_64": (0xC000003E, {"shmget": 29, "msgget": 68, "memfd_create": 319, "memfd_secret": 447}),
    "aarch64": (0xC00000B7, {"shmget": 194, "msgget": 186, "memfd_create": 279, "memfd_secret": 447}),
}
DENIED = ("shmget", "msgget", "memfd_create", "memfd_secret")
_LOAD, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06
_ALLOW, _ERRNO = 0x7FFF0000, 0x00050000
_X32_BIT = 0x40000000


def _op(code, k, jt=0, jf=0):
    return struct.pack("=HBBI", code, jt, jf, k)


def program(machine=None):
    """Return the filter as bytes (struct sock_filter[]), or None where this machine's numbers are unknown."""
    table = _TABLES.get(machine or platform.machine())
    if table is None:
        return None
    arch, numbers = table
    denied = [numbers[name] for name in DENIED]
    out = [_op(_LOAD, 4), _op(_JEQ, arch, 1, 0), _op(_RET, _ERRNO | errno.EPERM), _op(_LOAD, 0),
           _op(_JGE, _X32_BIT, len(denied) + 1, 0)]
    out += [_op(_JEQ, number, len(denied) - index, 0) for index, number in enumerate(denied)]
    out += [_op(_RET, _ALLOW), _op(_RET, _ERRNO | errno.EPERM)]
    return b"".join(out)


def pipe():
    """Return a readable fd holding the filter (for bwrap --seccomp), or None; the caller closes it."""
    code = program()
    if code is None:
        return None
    read, write = os.pipe()
    try:
        os.write(write, code)  # a few hundred bytes: far below a pipe's buffer
    finally:
        os.close(write)
    return read
