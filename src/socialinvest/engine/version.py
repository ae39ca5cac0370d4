"""Engine version: part of every result, so anyone can reproduce it.

Bump it whenever a change can alter a number an engine produces (a formula,
the sampling scheme, the default catalogue).
"""

ENGINE_VERSION = "1.1.0"
