"""Online shops' orders (Shopify, WooCommerce, SHOPLINE): their deliveries, read into one shape
(`ShopOrder`, `ShopRefund`), matched to a member and credited through rewards/orders.py.

* `models.py`: the deliveries inbox, each platform order's state, the catch-up sweeps' state;
* `money.py`: decimal strings and a currency into whole NT$;
* `shopify.py`, `woocommerce.py`, `shopline.py`: each platform's signature and payloads;
* `deliveries.py`: recording a delivery once and processing it;
* `crediting.py`: matching a member, crediting, refunds, cancellations, the unmatched list.
"""
