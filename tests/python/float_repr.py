"""Python's repr of each double given as 16 hex digits of its bits (one argument each), one repr a line."""
import struct
import sys

for bits in sys.argv[1:]:
    print(repr(struct.unpack(">d", bytes.fromhex(bits))[0]))
