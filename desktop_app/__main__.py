import sys

# Absolute import: PyInstaller runs this file as a top-level script.
from desktop_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
