"""HTTP clients of the SMS providers (no Odoo import here).

Each client sends one message per request and answers a ``SendResult``:
``sent`` (the provider took it, with its message id), ``retry`` (timeout,
connection error, 5xx, 429: try again later) or ``rejected`` (the provider
refused it for good, with its reason and a kind: ``number``, ``credit``,
``account``, ``country`` or ``other``).
"""

import json
from collections import namedtuple
from urllib.parse import parse_qsl

import requests

SendResult = namedtuple("SendResult", "status message_id reason kind")
TIMEOUT = 10  # seconds: a slow provider must not hold the queue
PLACEHOLDERS = ("number", "text", "sender", "uuid")
# Twilio error codes (https://www.twilio.com/docs/api/errors) that say what
# went wrong for a user; others are reported with Twilio's message.
TWILIO_KINDS = {
    21211: "number",
    21214: "number",
    21217: "number",
    21401: "number",
    21407: "country",
    21408: "country",
    21612: "country",
    21614: "number",
    20003: "account",
    20005: "credit",
    21606: "account",
    21212: "account",
}
# Delivery failures of a status callback, as Odoo names them on a trace.
TWILIO_DELIVERY_ERRORS = {
    "30003": "invalid_destination",
    "30005": "invalid_destination",
    "30006": "invalid_destination",
    "30007": "rejected",
    "30004": "not_allowed",
    "30001": "expired",
}


class ConfigError(ValueError):
    """The provider's settings cannot work (reported in Settings)."""


def sent(message_id):
    return SendResult("sent", message_id or "", "", "")


def retry(reason):
    return SendResult("retry", "", reason, "")


def rejected(reason, kind="other"):
    return SendResult("rejected", "", reason, kind)


def dig(data, path):
    """The value at a dotted ``path`` (``data.messages.0.id``) of a JSON answer,
    None when it is not there."""
    for key in (path or "").split("."):
        if not key:
            continue
        if isinstance(data, list) and key.isdigit() and int(key) < len(data):
            data = data[int(key)]
        elif isinstance(data, dict) and key in data:
            data = data[key]
        else:
            return None
    return data


def _post(method, url, timeout, **kwargs):
    """One request; a transport failure becomes a ``retry`` result."""
    try:
        return requests.request(method, url, timeout=timeout, **kwargs)
    except requests.Timeout:
        return retry("The provider did not answer in time.")
    except requests.RequestException:
        return retry("The provider could not be reached.")


def _transient(response):
    if response.status_code == 429 or response.status_code >= 500:
        return retry(f"HTTP {response.status_code}")
    return None


def _reason(response, data):
    for key in ("message", "error", "error_message", "detail", "reason"):
        value = dig(data, key)
        if isinstance(value, str) and value:
            return value[:200]
    return f"HTTP {response.status_code}: {response.text[:200]}"


def _json(response):
    try:
        return response.json()
    except ValueError:
        return None


class TwilioClient:
    """Twilio's Messages resource: a form-encoded POST per message."""

    def __init__(self, account_sid, auth_token, sender, base_url, callback=None):
        if not (account_sid and auth_token and sender):
            raise ConfigError("twilio")
        self.account_sid, self.auth_token = account_sid, auth_token
        self.sender, self.callback = sender, callback
        self.url = (
            f"{(base_url or 'https://api.twilio.com').rstrip('/')}"
            f"/2010-04-01/Accounts/{account_sid}/Messages.json"
        )

    def send(self, number, text, uuid=None, timeout=TIMEOUT):
        payload = {"To": number, "From": self.sender, "Body": text}
        if self.callback:
            payload["StatusCallback"] = self.callback
        response = _post(
            "POST",
            self.url,
            timeout,
            data=payload,
            auth=(self.account_sid, self.auth_token),
        )
        if isinstance(response, SendResult):
            return response
        data = _json(response) or {}
        if response.ok and dig(data, "sid"):
            return sent(dig(data, "sid"))
        if transient := _transient(response):
            return transient
        kind = TWILIO_KINDS.get(dig(data, "code"))
        if not kind:
            kind = {401: "account", 403: "account", 402: "credit"}.get(
                response.status_code, "other"
            )
        return rejected(_reason(response, data), kind)


def parse_template(body_type, template):
    """The body template as a structure whose strings hold the placeholders:
    a JSON document, or ``key=value`` pairs (one per line or ``&``-joined)."""
    template = (template or "").strip()
    if body_type == "json":
        try:
            parsed = json.loads(template)
        except ValueError as e:
            raise ConfigError("template") from e
        if not isinstance(parsed, dict):
            raise ConfigError("template")
    else:
        pairs = template.replace("\r", "").replace("\n", "&")
        parsed = parse_qsl(pairs, keep_blank_values=True, strict_parsing=False)
        if not parsed:
            raise ConfigError("template")
    flat = json.dumps(parsed)
    if "{number}" not in flat or "{text}" not in flat:
        raise ConfigError("placeholders")
    return parsed


def fill(structure, values):
    """Placeholders replaced inside strings only: a text with quotes or
    braces can never change the shape of the body."""
    if isinstance(structure, str):
        for name in PLACEHOLDERS:
            structure = structure.replace(f"{{{name}}}", str(values.get(name, "")))
        return structure
    if isinstance(structure, dict):
        return {key: fill(value, values) for key, value in structure.items()}
    if isinstance(structure, list | tuple):
        return type(structure)(fill(value, values) for value in structure)
    return structure


class HttpClient:
    """A configurable HTTP API: local aggregators, phone gateway apps."""

    def __init__(self, url, method="POST", body_type="json", template="", **opts):
        if not (url or "").startswith(("http://", "https://")):
            raise ConfigError("url")
        self.url, self.method, self.body_type = url, method.upper(), body_type
        self.template = parse_template(body_type, template)
        self.sender = opts.get("sender") or ""
        self.auth = opts.get("auth") or "none"
        self.header = (
            opts.get("header_name") or "Authorization",
            opts.get("header_value") or "",
        )
        self.basic = (opts.get("username") or "", opts.get("password") or "")
        self.success_path = opts.get("success_path") or ""
        self.success_value = opts.get("success_value") or ""
        self.id_path = opts.get("id_path") or ""

    def _request_args(self, body):
        args = {"headers": {}}
        if self.auth == "header":
            args["headers"][self.header[0]] = self.header[1]
        elif self.auth == "basic":
            args["auth"] = self.basic
        if self.method == "GET":
            args["params"] = body
        elif self.body_type == "json":
            args["json"] = body
        else:
            args["data"] = body
        return args

    def _succeeded(self, data):
        if not self.success_path:
            return True
        value = dig(data, self.success_path)
        if self.success_value:
            return str(value).lower() == self.success_value.lower()
        return bool(value)

    def send(self, number, text, uuid=None, timeout=TIMEOUT):
        values = {"number": number, "text": text, "sender": self.sender, "uuid": uuid}
        body = fill(self.template, values)
        response = _post(self.method, self.url, timeout, **self._request_args(body))
        if isinstance(response, SendResult):
            return response
        if transient := _transient(response):
            return transient
        data = _json(response)
        if not response.ok:
            kind = {401: "account", 403: "account", 402: "credit"}.get(
                response.status_code, "other"
            )
            return rejected(_reason(response, data), kind)
        if (self.success_path or self.id_path) and data is None:
            return rejected(f"Unreadable answer: {response.text[:200]}")
        if not self._succeeded(data):
            return rejected(_reason(response, data))
        message_id = dig(data, self.id_path) if self.id_path else ""
        return sent(str(message_id) if message_id is not None else "")
