"""Baseline: confirming a one-line sale order with none of our programs.

Later benchmarks compare their overhead against this figure, so it is measured
on the same fresh database and machine.
"""

from _common import Timer, bench_env, info, median_ms, report

ORDERS = 100


def main():
    with bench_env() as env:
        partner = env["res.partner"].create({"name": "Bench Customer"})
        product = env["product.product"].create(
            {"name": "Bench Dish", "list_price": 850.0, "type": "consu"}
        )
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "order_line": [
                        (0, 0, {"product_id": product.id, "product_uom_qty": 2})
                    ],
                }
                for _ in range(ORDERS + 5)
            ]
        )
        for order in orders[:5]:  # warm caches
            order.action_confirm()
        timings = []
        for order in orders[5:]:
            with Timer() as timer:
                order.action_confirm()
                env.flush_all()
            timings.append(timer.elapsed)
        info(f"sale_confirm_baseline: {ORDERS} orders confirmed")
        report("sale_confirm_baseline", median_ms(timings), "ms", "<=", 200)


if __name__ == "__main__":
    main()
