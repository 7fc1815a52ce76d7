"""Layout, home and help pages, language switcher, error pages, Jinja filters, demo CLI."""
