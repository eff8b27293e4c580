"""Server-rendered web UI (Jinja2 templates, same-origin CSS/JS, no build step)."""
