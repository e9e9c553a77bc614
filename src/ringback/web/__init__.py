"""The web app: a JSON API under /api/v1 and server-rendered pages (Jinja2 + HTMX).

`ringback.web.app.create_app(App)` builds it; see docs/api.md and the module
docstrings of `deps`, `security` and `errors` for how requests are authenticated,
protected against cross-site forgery and answered when something is refused.
"""
