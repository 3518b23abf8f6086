"""Locust users of ``make load`` (scripts/load.py starts the servers and reads
the configuration it writes in ``FM_LOAD_CONFIG``). One user class per
scenario; half of the users of each class on each of the two servers.

Every response is recorded (group, time, status) in the samples file the
report reads: percentiles per group, HTTP 5xx counted over all of them.
"""

import itertools
import json
import os
import random
import re
import time
import uuid

import gevent
import requests
from locust import HttpUser, between, constant, events, task
from locust.exception import StopUser

CONFIG = json.loads(open(os.environ["FM_LOAD_CONFIG"]).read())
VISITORS = int(os.environ.get("FM_LOAD_VISITORS", "3"))
SAMPLES = []
_counters = {}
# First the visitors alone on both databases, as many on each: what our
# addons cost on the pages. Then every scenario at once (the visitors go on).
QUIET_UNTIL = time.time() + CONFIG.get("pages_phase_s", 60)


_finished = {}


def done(user):
    """A bounded scenario's user has nothing left to do."""
    kind = type(user).__name__
    _finished[kind] = _finished.get(kind, 0) + 1
    raise StopUser()


def next_index(kind):
    counter = _counters.setdefault(kind, itertools.count())
    return next(counter)


@events.request.add_listener
def record(request_type, name, response_time, response, context, exception, **kw):
    group = (context or {}).get("group")
    status = getattr(response, "status_code", 0) or 0
    if response is None and exception is None:
        status = 200  # an outcome, not a request
    if group or status >= 500 or status == 0:
        SAMPLES.append([group or name, response_time, status, time.time()])


@events.quitting.add_listener
def dump(environment, **kw):
    with open(CONFIG["samples"], "w") as f:
        json.dump(SAMPLES, f)
    errors = [s for s in SAMPLES if s[2] >= 500 or s[2] == 0]
    if errors:
        print(f"{len(errors)} responses 5xx or failed, e.g. {errors[:5]}")


def outcome_event(user, scenario, outcome):
    """What the customer saw at the end, counted in the report."""
    user.environment.events.request.fire(
        request_type="OUTCOME",
        name=f"{scenario}: {outcome[:60]}",
        response_time=0,
        response_length=0,
        response=None,
        context={"group": f"{scenario}-outcome:{outcome}"},
        exception=None,
    )


class RpcError(RuntimeError):
    """An error answer of Odoo's JSON-RPC; ``error`` is the whole of it."""

    def __init__(self, path, error):
        super().__init__(f"{path}: {json.dumps(error)[:600]}")
        self.error = error


class Base(HttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)

    def on_start(self):
        index = next_index(type(self).__name__)
        self.index = index
        # Half of the users of each scenario on each server.
        self.client.base_url = CONFIG["hosts"][index % 2]
        if not isinstance(self, Visitor):
            gevent.sleep(max(0.0, QUIET_UNTIL - time.time()))

    def json(self, path, params, group, name=None):
        response = self.client.post(
            path,
            json={"jsonrpc": "2.0", "method": "call", "params": params, "id": 1},
            name=name or path,
            context={"group": group},
        )
        body = response.json() if response.status_code == 200 else {}
        if "error" in body:
            raise RpcError(path, body["error"])
        return body.get("result")

    def login(self, login):
        result = self.json(
            "/web/session/authenticate",
            {"db": CONFIG["db"], "login": login, "password": CONFIG["password"]},
            "login",
        )
        if not result or not result.get("uid"):
            raise StopUser()
        return result

    def sms_code(self, number, previous=None, tries=40):
        """The code of the last SMS the member's phone received."""
        for _i in range(tries):
            body = requests.get(
                f"{CONFIG['sms_gateway']}/", params={"number": number}, timeout=10
            ).json()["body"]
            if body and body != previous:
                match = re.search(r"\b(\d{6})\b", body) or re.search(
                    r"\b(\d{4,8})\b", body
                )
                if match:
                    return body, match.group(1)
            gevent.sleep(0.25)
        return None, None


# ---------------------------------------------------------------- visitors


class Visitor(Base):
    """Anonymous visitors: the shop, the anti-waste page, products, the cart."""

    fixed_count = VISITORS
    group = "visit:ours"

    def on_start(self):
        super().on_start()
        if self.group == "visit:control":
            self.client.base_url = CONFIG["control"]
        self.rng = random.Random(self.index)

    def get(self, path, name):
        self.client.get(
            path, name=f"[{self.group}] {name}", context={"group": self.phase_group()}
        )

    def phase_group(self):
        return f"{self.group}:pages" if time.time() < QUIET_UNTIL else self.group

    @task(4)
    def shop(self):
        self.get("/shop", "/shop")

    @task(4)
    def product(self):
        self.get(self.rng.choice(CONFIG["product_pages"]), "/shop/<product>")

    @task(2)
    def cart(self):
        product = self.rng.choice(CONFIG["product_ids"])
        self.client.post(
            "/shop/cart/update_json",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"product_id": product, "add_qty": 1},
            },
            name=f"[{self.group}] add to cart",
            context={"group": self.phase_group()},
        )
        self.get("/shop/cart", "/shop/cart")

    @task(2)
    def antiwaste(self):
        if self.group == "visit:ours":
            self.client.get(
                "/shop/antigaspi",
                name="[visit:ours] /shop/antigaspi",
                context={"group": "visit:antigaspi"},
            )


class ControlVisitor(Visitor):
    """The same visitors on the database without the addons."""

    group = "visit:control"


# ---------------------------------------------------------------- checkout race


class Checkout(Base):
    """200 customers, 20 slots of 5 places: each pays on site for a slot."""

    # Ten at a time (a prefork server queues few connections without a proxy
    # in front): in round k the ten compete for slot k, five places.
    fixed_count = 10
    wait_time = constant(0)

    @task
    def checkouts(self):
        logins = CONFIG["checkout_logins"]
        for i in range(self.index, len(logins), self.fixed_count):
            self.client.cookies.clear()
            try:
                self.checkout(logins[i], CONFIG["race_slot_ids"][i // self.fixed_count])
            except Exception as error:
                outcome_event(self, "checkout", f"error: {error}"[:200])
        done(self)

    def checkout(self, login, slot):
        self.login(login)
        g = "checkout"
        self.json(
            "/shop/cart/update_json",
            {"product_id": CONFIG["dish_product_id"], "add_qty": 1},
            g,
        )
        self.json("/shop/set_delivery_method", {"dm_id": CONFIG["carrier_id"]}, g)
        self.json(
            "/website_sale/set_pickup_location",
            {
                "pickup_location_data": json.dumps(
                    {"fm_point_id": CONFIG["race_point_id"]}
                )
            },
            g,
        )
        result = self.json("/fm_click_collect/set_slot", {"slot_id": slot}, g) or {}
        if result.get("slot"):
            page = self.client.get(
                "/shop/payment", name="/shop/payment", context={"group": g}
            )
            outcome = self.pay(page.text, g)
        elif result.get("error"):
            outcome = "refused: " + result["error"]
        else:
            outcome = "no message"
        outcome_event(self, "checkout", outcome)

    def pay(self, html, g):
        token = re.search(r'data-access-token="([^"]+)"', html)
        order = re.search(
            r'data-transaction-route="/shop/payment/transaction/(\d+)"', html
        )
        if not (token and order):
            return "no payment form"
        try:
            tx = self.json(
                f"/shop/payment/transaction/{order.group(1)}",
                {
                    "provider_id": CONFIG["on_site_provider_id"],
                    "payment_method_id": CONFIG["on_site_method_ids"][0],
                    "token_id": None,
                    "amount": None,
                    "flow": "redirect",
                    "tokenization_requested": False,
                    "landing_route": "/shop/payment/validate",
                    "is_validation": False,
                    "access_token": token.group(1),
                },
                g,
                name="/shop/payment/transaction",
            )
        except RuntimeError as error:
            # The slot was taken meanwhile: the customer reads why.
            message = re.search(r'"message": "([^"]+)"', str(error))
            return "refused: " + (message.group(1) if message else "no message")
        self.client.post(
            "/payment/custom/process",
            data={"reference": tx["reference"]},
            name="/payment/custom/process",
            context={"group": g},
            allow_redirects=False,
        )
        # As the confirmation page does: Odoo answers "retry" while another
        # request post-processes the payment (a lock), and the page polls on.
        for _try in range(20):
            try:
                self.json("/payment/status/poll", {}, g)
                return "paid"
            except RpcError as error:
                if "retry" not in (error.error.get("data", {}).get("arguments") or []):
                    raise
                gevent.sleep(0.5)
        return "payment status never came"


# ---------------------------------------------------------------- redemption


class Redeem(Base):
    """100 members with 60 points: 50 points from two tabs at once."""

    fixed_count = 5
    wait_time = constant(0)

    @task
    def redeems(self):
        logins = CONFIG["redeem_logins"]
        for i in range(self.index, len(logins), self.fixed_count):
            self.client.cookies.clear()
            try:
                self.redeem(logins[i], f"+21355{201 + i:07d}")
            except Exception as error:
                outcome_event(self, "redeem", f"error: {error}"[:200])
        done(self)

    def redeem(self, login, number):
        self.login(login)
        self.json(
            "/shop/cart/update_json",
            {"product_id": CONFIG["dish_product_id"], "add_qty": 1},
            "redeem:cart",
        )
        page = self.client.get("/shop/cart", name="/shop/cart (member)")
        csrf = re.search(r'csrf_token: "([^"]+)"', page.text) or re.search(
            r'name="csrf_token" value="([^"]+)"', page.text
        )
        csrf = csrf and csrf.group(1)
        reward = CONFIG["reward_id"]

        def tab():
            result = self.json(
                "/flexi_loyalty_website_sale/request_code",
                {"reward_id": reward, "csrf_token": csrf},
                "redeem:request",
            )
            if not result or not result.get("sent"):
                return result
            _body, code = self.sms_code(number)
            return self.json(
                "/flexi_loyalty_website_sale/redeem",
                {"reward_id": reward, "code": code, "csrf_token": csrf},
                "redeem:submit",
            )

        tabs = [gevent.spawn(tab), gevent.spawn(tab)]
        gevent.joinall(tabs)
        outcomes = []
        for t in tabs:
            value = t.value if t.successful() else {"error": repr(t.exception)[:120]}
            outcomes.append(
                "redeemed" if value and value.get("redeemed") else "refused"
            )
        outcome_event(self, "redeem", "+".join(sorted(outcomes)))


# ---------------------------------------------------------------- tills


class Till(Base):
    """Five tills, 200 orders each, every order sent twice (a retry)."""

    fixed_count = 5
    wait_time = constant(0)
    orders = 200

    def on_start(self):
        super().on_start()
        self.till = CONFIG["tills"][self.index % len(CONFIG["tills"])]
        self.uid = self.login(CONFIG["cashier_login"])["uid"]
        self.rng = random.Random(1000 + self.index)
        members = sorted(
            (int(partner), member)
            for partner, member in CONFIG.get("till_members", {}).items()
        )
        self.members = members[self.index :: len(CONFIG["tills"])]

    def call(self, model, method, args, group, kwargs=None):
        return self.json(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
            group,
            name=f"{model}.{method}",
        )

    @task
    def sell(self):
        for n in range(self.orders):
            partner_id, member_id = self.members[n % len(self.members)]
            line = {
                "product_id": CONFIG["dish_product_id"],
                "qty": 1 + n % 3,
                "price_unit": 1500.0,
                "discount": 0.0,
                "tax_ids": [],
                "pack_lot_ids": [],
            }
            line["price_subtotal"] = line["price_subtotal_incl"] = 1500.0 * line["qty"]
            lines = [[0, 0, line]]
            # One order in ten spends points on the reward, code by SMS.
            if n % 10 == 5:
                reward_line = self.reward_line(member_id, partner_id, [line])
                if reward_line:
                    lines.append([0, 0, reward_line])
            total = sum(item[2]["price_subtotal_incl"] for item in lines)
            order = {
                "uuid": str(uuid.uuid4()),
                "name": f"Load till order {self.index}-{n}",
                "amount_paid": total,
                "amount_return": 0,
                "amount_tax": 0,
                "amount_total": total,
                "date_order": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
                "fiscal_position_id": False,
                "pricelist_id": self.till["pricelist_id"],
                "lines": lines,
                "partner_id": partner_id,
                "session_id": self.till["session_id"],
                "sequence_number": n + 1,
                "payment_ids": [
                    [
                        0,
                        0,
                        {
                            "amount": total,
                            "name": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
                            "payment_method_id": self.till["cash_method_id"],
                        },
                    ]
                ],
                "user_id": self.uid,
                "to_invoice": False,
                "state": "paid",
            }
            for group in ("pos:sync", "pos:retry"):
                # The till did not get the answer: it sends the order again.
                try:
                    self.call("pos.order", "sync_from_ui", [[order]], group)
                except Exception as error:
                    outcome_event(self, "till", f"error: {error}"[:200])
        done(self)

    def reward_line(self, member_id, partner_id, lines):
        number = f"+21355{CONFIG['partner_ids'].index(partner_id) + 1:07d}"
        try:
            asked = self.call(
                "pos.session",
                "flexi_loyalty_request_reward",
                [[self.till["session_id"]], member_id, CONFIG["reward_id"], lines],
                "pos:reward",
            )
        except RuntimeError:
            return None
        if not asked or "redemption_id" not in asked:
            return (asked or {}).get("line")
        _body, code = self.sms_code(number)
        if not code:
            return None
        line = self.call(
            "pos.session",
            "flexi_loyalty_verify_code",
            [[self.till["session_id"]], asked["redemption_id"], code],
            "pos:reward",
        )
        if not line or "error" in line:
            return None
        return line


# ---------------------------------------------------------------- portal


class Portal(Base):
    """Members reading their points and history in the portal."""

    fixed_count = 2
    wait_time = between(1, 3)

    def on_start(self):
        super().on_start()
        logins = CONFIG["portal_logins"]
        self.login(logins[self.index % len(logins)])
        self.member_url = None

    @task
    def loyalty(self):
        page = self.client.get(
            "/my/loyalty", name="/my/loyalty", context={"group": "portal"}
        )
        if not self.member_url:
            found = re.search(r'href="(/my/loyalty/\d+)"', page.text)
            self.member_url = found and found.group(1)
        if self.member_url:
            self.client.get(
                self.member_url,
                name="/my/loyalty/<member>",
                context={"group": "portal"},
            )
            self.client.get(
                self.member_url + "/page/2",
                name="/my/loyalty/<member>/page/2",
                context={"group": "portal"},
            )


class Watch(Base):
    """Ends the run once the bounded scenarios (checkout, redemption, tills)
    are over, or at Locust's time limit."""

    fixed_count = 1
    wait_time = constant(2)

    @task
    def watch(self):
        if _finished.get("all"):
            return
        expected = Checkout.fixed_count + Redeem.fixed_count + Till.fixed_count
        if sum(v for k, v in _finished.items() if k != "all") >= expected:
            _finished["all"] = True
            # Visitors and portal keep going a little: the crons may still run.
            gevent.spawn_later(5, self.environment.runner.quit)
