"""Entry point: ``python build.py [build|serve|check|new]``. All logic lives in newsdesk/."""

from newsdesk.cli import main

if __name__ == "__main__":
    main()
