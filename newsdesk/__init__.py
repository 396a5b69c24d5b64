"""Newsdesk: one folder of YAML + Markdown becomes a website and newsletter editions."""
