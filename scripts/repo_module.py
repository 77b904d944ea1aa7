"""A file of this repository as a Python module, for the fixture generators: they share code with
scripts whose names have dashes (gen-init-reference.py's s32) and with web/lib/train/datasets.py,
which no import statement can name. Loading one runs no generation (each guards its main)."""
import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(relpath):
    name = os.path.splitext(os.path.basename(relpath))[0].replace("-", "_")
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, relpath))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
