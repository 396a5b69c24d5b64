"""Entry point: ``python build.py [build|serve|edit|check|new|schema|proof|next-change]``. All
logic lives in newsdesk/."""

from newsdesk.cli import run

if __name__ == "__main__":
    run()
