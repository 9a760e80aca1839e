"""Response headers every page carries: the Content-Security-Policy.

Django 5.2 has no CSP setting (it arrives in 6.0), so this one small middleware sets it. The policy
allows only the studio's own origin: every script is a vendored or first-party file under /static/
(no inline script, no ``eval``: the studio uses no ``hx-on`` or ``js:`` attributes, which would need it); inline
*styles* stay allowed because Plotly and htmx set element styles at run time; images may be data:
URIs (Bootstrap's form controls); nothing may frame the studio.
"""

from __future__ import annotations

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def content_security_policy(get_response):
    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response

    return middleware
