#!/usr/bin/env python
import os
import sys
from pathlib import Path

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError:
        # Run with a Python that lacks the project's packages (`python manage.py …` outside the virtual
        # environment, as the conformance runner does): continue in the project's own environment.
        venv = Path(__file__).resolve().parent / ".venv"
        venv_python = venv / "bin" / "python"
        if venv_python.exists() and Path(sys.prefix).resolve() != venv.resolve():
            os.execv(str(venv_python), [str(venv_python), *sys.argv])
        raise
    execute_from_command_line(sys.argv)
