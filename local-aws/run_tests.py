#!/usr/bin/env python3
"""Run the local-aws tests: each moto 5.2.1 problem fails without its patch, and is fixed with it.

Without moto 5.2.1 (a user's machine), say so and how to enable them, and exit 0: skipped
visibly, never silently.
"""
import importlib.util
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REQUIRED = "5.2.1"


def moto_version():
    if importlib.util.find_spec("moto") is None:
        return None
    import moto
    return moto.__version__


def main() -> int:
    version = moto_version()
    if version != REQUIRED:
        found = "not installed" if version is None else f"version {version}"
        print(f"SKIPPED: the local-aws tests need moto {REQUIRED} (found {found}). "
              f"Enable them with: pip install 'moto[server]=={REQUIRED}'")
        return 0
    suite = unittest.defaultTestLoader.discover(os.path.join(HERE, "tests"))
    result = unittest.TextTestRunner(verbosity=1).run(suite)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
