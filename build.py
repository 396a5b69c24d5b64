"""Entry point: ``python build.py [build|serve|check|new]``. All logic lives in newsdesk/."""

from newsdesk.cli import run

if __name__ == "__main__":
    run()
