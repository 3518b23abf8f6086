from odoo import http
from odoo.http import request
from odoo.tools import consteq


class FmMarketingController(http.Controller):
    """Opt-out links put in every campaign SMS and email."""

    def _fm_trace(self, trace_id, token):
        """The trace the link was made for, or None.

        ``sudo`` boundary: the visitor is anonymous; the HMAC token proves the
        link is the one we sent for this trace, and only that trace's number
        or email is ever blacklisted.
        """
        trace = request.env["fm.marketing.trace"].sudo().browse(trace_id).exists()
        if not trace or not consteq(trace._fm_token(), token or ""):
            return None
        return trace

    @http.route(
        "/fm/u/<int:trace_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,  # the page layout needs the website where there is one
        sitemap=False,
    )
    def fm_unsubscribe_page(self, trace_id, token, **kw):
        # A GET only asks: link previews and scanners must not unsubscribe.
        trace = self._fm_trace(trace_id, token)
        if not trace:
            raise request.not_found()
        return request.render(
            "fm_marketing.fm_marketing_unsubscribe_page",
            {"trace": trace, "token": token, "done": False},
        )

    @http.route(
        "/fm/u/<int:trace_id>/<string:token>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,  # the signed token is the proof; mail clients post one-click
        website=True,
        sitemap=False,
    )
    def fm_unsubscribe(self, trace_id, token, **kw):
        trace = self._fm_trace(trace_id, token)
        if not trace:
            raise request.not_found()
        trace._fm_unsubscribe()
        return request.render(
            "fm_marketing.fm_marketing_unsubscribe_page",
            {"trace": trace, "token": token, "done": True},
        )
